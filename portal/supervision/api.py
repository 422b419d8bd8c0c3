"""API of 督办单: read the notices (filtered like the list page), ``reply`` and ``close``
through the services; and the engine's DeadlineEvent log, read-only."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api import ReadOnlyPortalViewSet, RestrictedPermission, router
from portal.permissions import can

from . import services
from .filters import NoticeFilterSet
from .models import DeadlineEvent, SupervisionNotice


class SupervisionNoticeSerializer(serializers.ModelSerializer):
    """A 督办单; ``age_days`` counts days since issue (until it was closed), ``response_overdue``
    says the unit has not replied by its 反馈期限."""

    unit_name = serializers.CharField(source="unit.name", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    age_days = serializers.SerializerMethodField()
    response_overdue = serializers.SerializerMethodField()

    class Meta:
        model = SupervisionNotice
        fields = [
            "id",
            "number",
            "source",
            "object_id",
            "item_title",
            "item_text",
            "item_link",
            "unit",
            "unit_name",
            "co_unit_names",
            "due_on",
            "issued_at",
            "issued_on",
            "response_due_on",
            "state",
            "state_label",
            "age_days",
            "response_overdue",
            "reply_reason",
            "reply_measures",
            "committed_on",
            "replied_at",
            "replied_by",
            "escalated_at",
            "interview_required",
            "closed_at",
            "closed_by",
            "close_comment",
        ]
        read_only_fields = fields

    def get_age_days(self, notice) -> int:
        return notice.age_days()

    def get_response_overdue(self, notice) -> bool:
        return notice.response_overdue()


class NoticeReplySerializer(serializers.Serializer):
    reason = serializers.CharField(label="逾期原因", allow_blank=True)
    measures = serializers.CharField(label="整改措施", allow_blank=True)
    committed_on = serializers.DateField(label="承诺完成日期")


class NoticeCloseSerializer(serializers.Serializer):
    comment = serializers.CharField(label="办结意见", allow_blank=True)


class NoticeActionPermission(RestrictedPermission):
    """A reply or close is a POST on a notice the user may see; the service decides the rest
    (the leader replies, the office closes) and answers 403 or 400 with its reason."""

    def has_object_permission(self, request, view, obj):
        return can(request.user, "view", obj)


class SupervisionNoticeViewSet(ReadOnlyPortalViewSet):
    """督办单 — the office and auditors see all, a unit its own. ``reply`` (the unit's leader or
    the office) and ``close`` (the office) go through the services."""

    queryset = SupervisionNotice.objects.select_related("unit")
    serializer_class = SupervisionNoticeSerializer
    filterset_class = NoticeFilterSet
    ordering_fields = ["issued_on", "due_on", "response_due_on", "number"]

    def _act(self, request, serializer_class, service):
        notice = self.get_object()
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        notice = service(actor=request.user, notice=notice, **data.validated_data)
        return Response(self.get_serializer(notice).data, status=status.HTTP_200_OK)

    @extend_schema(request=NoticeReplySerializer, responses=SupervisionNoticeSerializer)
    @action(detail=True, methods=["post"], permission_classes=[NoticeActionPermission])
    def reply(self, request, pk=None):
        """反馈: 逾期原因, 整改措施 and 承诺完成日期 (not before today); amendable until closed."""
        return self._act(request, NoticeReplySerializer, services.notice_reply)

    @extend_schema(request=NoticeCloseSerializer, responses=SupervisionNoticeSerializer)
    @action(detail=True, methods=["post"], permission_classes=[NoticeActionPermission])
    def close(self, request, pk=None):
        """办结 (the office), with a comment."""
        return self._act(request, NoticeCloseSerializer, services.notice_close)


class DeadlineEventSerializer(serializers.ModelSerializer):
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)

    class Meta:
        model = DeadlineEvent
        fields = [
            "id",
            "source",
            "object_id",
            "stage",
            "stage_label",
            "due_on",
            "unit",
            "title",
            "sweep_id",
            "occurred_at",
        ]


class DeadlineEventViewSet(ReadOnlyPortalViewSet):
    """提醒记录 — what the deadline engine did, once per item, stage and due date."""

    queryset = DeadlineEvent.objects.all()
    serializer_class = DeadlineEventSerializer
    filterset_fields = ["source", "stage", "unit", "due_on"]
    ordering_fields = ["occurred_at", "due_on"]


router.register("supervision-notices", SupervisionNoticeViewSet, basename="supervisionnotice")
router.register("deadline-events", DeadlineEventViewSet, basename="deadlineevent")

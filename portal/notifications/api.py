"""API: a person's own notifications, read-only, plus mark-read actions."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api import router

from .models import Notification
from .selectors import notifications_for
from .services import notification_mark_read, notifications_mark_all_read


class NotificationSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", default=None, read_only=True)
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "title",
            "body",
            "link",
            "category",
            "unit",
            "unit_name",
            "key",
            "created_at",
            "read_at",
            "is_read",
        ]
        read_only_fields = fields


class MarkAllReadSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Only the caller's own notifications, whatever their role; marking read is not a change
    to business data, so auditors may do it too (the service checks the recipient)."""

    serializer_class = NotificationSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Notification.objects.none()  # for the schema; get_queryset is the real one
    filterset_fields = ["category", "unit"]

    def get_queryset(self):
        return notifications_for(self.request.user)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = notification_mark_read(actor=request.user, notification=self.get_object())
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses=MarkAllReadSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": notifications_mark_all_read(actor=request.user)})


router.register("notifications", NotificationViewSet, basename="notification")

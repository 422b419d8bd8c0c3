"""API of the task ledger: directives, sections, tasks, milestones and progress reports.

Reads go through ``tasks.selectors`` (``restrict``-ed, lights and roll-ups attached with a
fixed number of queries); writes go through the services: the office corrects directives and
milestones (``services.ledger``), units file and move reports (``services.reports``).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api import PortalViewSet, ReadOnlyPortalViewSet, router

from .. import selectors
from ..filters import TaskFilterSet
from ..models import Directive, Milestone, ProgressReport, Section, Task
from ..services import ledger as ledger_services
from ..services import reports as report_services
from .serializers import (
    DirectiveSerializer,
    MilestoneSerializer,
    ProgressReportSerializer,
    ReportCommentSerializer,
    SectionSerializer,
    TaskSerializer,
)


class DirectiveViewSet(PortalViewSet):
    """文件 — directives. The office may correct the title and 文号 (PATCH)."""

    queryset = Directive.objects.all()
    serializer_class = DirectiveSerializer
    http_method_names = ["get", "patch", "head", "options"]
    ordering_fields = ["issued_on", "title", "created_at"]

    def perform_update(self, serializer):
        serializer.instance = ledger_services.directive_update(
            actor=self.request.user, directive=serializer.instance, **serializer.validated_data
        )


class SectionViewSet(ReadOnlyPortalViewSet):
    """部分 — the parts of directives."""

    queryset = Section.objects.all()
    serializer_class = SectionSerializer
    filterset_fields = ["directive"]


class TaskViewSet(ReadOnlyPortalViewSet):
    """任务 — tasks with their units, milestones, lights and roll-ups; filtered like the page."""

    queryset = Task.objects.none()  # for the schema; get_queryset reads
    serializer_class = TaskSerializer
    filterset_class = TaskFilterSet
    ordering_fields = ["number", "order"]

    def get_queryset(self):
        return selectors.task_list(user=self.request.user)


class MilestoneViewSet(PortalViewSet):
    """节点 — milestones with lights and roll-ups. The office may move a due date or correct a
    target (PATCH)."""

    serializer_class = MilestoneSerializer
    http_method_names = ["get", "patch", "head", "options"]
    filterset_fields = ["task", "due_on"]
    ordering_fields = ["due_on", "order"]
    queryset = Milestone.objects.all()

    def get_queryset(self):
        return selectors.milestones_with_status(super().get_queryset())

    def perform_update(self, serializer):
        milestone = ledger_services.milestone_update(
            actor=self.request.user, milestone=serializer.instance, **serializer.validated_data
        )
        serializer.instance = self.get_queryset().get(pk=milestone.pk)


class ProgressReportViewSet(PortalViewSet):
    """进展报告 — file a report (POST, a draft), then ``submit``, ``confirm`` (the unit's
    leader), ``approve`` or ``return`` (with a comment) through the review services."""

    serializer_class = ProgressReportSerializer
    http_method_names = ["get", "post", "head", "options"]
    filterset_fields = ["milestone", "unit", "state"]
    ordering_fields = ["created_at", "submitted_at"]
    queryset = ProgressReport.objects.none()  # for the schema; get_queryset reads

    def get_queryset(self):
        return selectors.report_list(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = report_services.report_create(
            actor=self.request.user, **serializer.validated_data
        )

    def _transition(self, request, service, *, with_comment=True):
        report = self.get_object()
        kwargs = {}
        if with_comment:
            comment = ReportCommentSerializer(data=request.data)
            comment.is_valid(raise_exception=True)
            kwargs["comment"] = comment.validated_data["comment"]
        report = service(actor=request.user, report=report, **kwargs)
        return Response(self.get_serializer(report).data, status=status.HTTP_200_OK)

    @extend_schema(request=None, responses=ProgressReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit a draft or returned report to the unit's leader."""
        return self._transition(request, report_services.report_submit, with_comment=False)

    @extend_schema(request=ReportCommentSerializer, responses=ProgressReportSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """The unit's leader confirms a submitted report (负责人确认)."""
        return self._transition(request, report_services.report_confirm)

    @extend_schema(request=ReportCommentSerializer, responses=ProgressReportSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """The office approves a confirmed report (安委办审核)."""
        return self._transition(request, report_services.report_approve)

    @extend_schema(request=ReportCommentSerializer, responses=ProgressReportSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        """Return a report with a comment (the leader or the office); the comment is required."""
        return self._transition(request, report_services.report_return)


router.register("directives", DirectiveViewSet, basename="directive")
router.register("sections", SectionViewSet, basename="section")
router.register("tasks", TaskViewSet, basename="task")
router.register("milestones", MilestoneViewSet, basename="milestone")
router.register("progress-reports", ProgressReportViewSet, basename="progressreport")

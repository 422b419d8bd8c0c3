"""API of the risk register: risk points (registered and changed through the services, graded
by the ``assess`` action, retired by ``retire``), their assessments, the thresholds (the
office adjusts a band through ``threshold_update``), the industry catalogue, the office's
project screenings and the white paper's editions.

Reads are ``restrict``-ed by the base viewsets and filtered like the pages; every write calls
one service with ``actor=request.user``, whose refusals come back as 400 naming the field, or
403.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api import PortalViewSet, ReadOnlyPortalViewSet, router

from . import services
from .filters import RiskPointFilterSet
from .models import (
    Assessment,
    IndustryRestriction,
    ProjectScreening,
    RiskPoint,
    RiskThreshold,
    WhitePaper,
)
from .serializers import (
    AssessInputSerializer,
    AssessmentSerializer,
    IndustryRestrictionSerializer,
    ProjectScreeningSerializer,
    RetireInputSerializer,
    RiskPointSerializer,
    RiskThresholdSerializer,
    WhitePaperSerializer,
)


class RiskPointViewSet(PortalViewSet):
    """风险点 — the inventory, filtered like the page. POST registers a point
    (``risk_point_register``, which numbers it); PATCH changes what describes it
    (``risk_point_update``); ``assess`` records an assessment and regrades the point."""

    queryset = RiskPoint.objects.select_related("township", "responsible_unit")
    serializer_class = RiskPointSerializer
    filterset_class = RiskPointFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]
    ordering_fields = ["code", "level", "review_due", "last_assessed_on", "updated_at"]

    def perform_create(self, serializer):
        serializer.instance = services.risk_point_register(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.risk_point_update(
            actor=self.request.user, point=serializer.instance, **serializer.validated_data
        )

    def step_object(self) -> RiskPoint:
        # In the user's view scope (404 outside it); the service checks the change itself.
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def step_input(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    @extend_schema(request=AssessInputSerializer, responses={201: AssessmentSerializer})
    @action(detail=True, methods=["post"])
    def assess(self, request, pk=None):
        """评估: LEC (L, E, C) or LS (L, S); the score and level are computed, and the point
        takes the stricter level of its latest assessment by each method (从严从高)."""
        data = self.step_input(AssessInputSerializer)
        assessment = services.assessment_record(
            actor=request.user, point=self.step_object(), **data
        )
        context = self.get_serializer_context()
        return Response(AssessmentSerializer(assessment, context=context).data, 201)

    @extend_schema(request=RetireInputSerializer, responses=RiskPointSerializer)
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        """销号, with the reason; the point's reviews stop."""
        data = self.step_input(RetireInputSerializer)
        point = services.risk_point_retire(actor=request.user, point=self.step_object(), **data)
        return Response(self.get_serializer(point).data, status.HTTP_200_OK)


class AssessmentViewSet(ReadOnlyPortalViewSet):
    """风险评估 — read; an assessment is recorded through a point's ``assess`` action."""

    queryset = Assessment.objects.select_related("risk_point")
    serializer_class = AssessmentSerializer
    filterset_fields = ["risk_point", "method", "level"]
    ordering_fields = ["assessed_on", "score"]


class RiskThresholdViewSet(PortalViewSet):
    """风险等级阈值 — everyone reads the bands; the office adjusts one (``threshold_update``
    keeps a method's bands in order and apart)."""

    queryset = RiskThreshold.objects.all()
    serializer_class = RiskThresholdSerializer
    filterset_fields = ["method", "level"]
    http_method_names = ["get", "patch", "head", "options"]
    pagination_class = None

    def perform_update(self, serializer):
        threshold = serializer.instance
        data = serializer.validated_data
        serializer.instance = services.threshold_update(
            actor=self.request.user,
            threshold=threshold,
            min_score=data.get("min_score", threshold.min_score),
            max_score=data["max_score"] if "max_score" in data else threshold.max_score,
        )


class IndustryRestrictionViewSet(ReadOnlyPortalViewSet):
    """禁止和限制类产业目录 — the central city's catalogue, read."""

    queryset = IndustryRestriction.objects.all()
    serializer_class = IndustryRestrictionSerializer
    filterset_fields = ["kind", "is_active", "is_sample_data"]


class ProjectScreeningViewSet(ReadOnlyPortalViewSet):
    """项目准入筛查 — the office's screenings with their verdict, read."""

    queryset = ProjectScreening.objects.prefetch_related(
        Prefetch("matched", queryset=IndustryRestriction.objects.only("id"))
    )
    serializer_class = ProjectScreeningSerializer
    filterset_fields = ["verdict", "township", "in_central_city"]


class WhitePaperViewSet(ReadOnlyPortalViewSet):
    """风险白皮书 — the published editions with their frozen figures, read."""

    queryset = WhitePaper.objects.all()
    serializer_class = WhitePaperSerializer


router.register("risk-points", RiskPointViewSet, basename="riskpoint")
router.register("risk-assessments", AssessmentViewSet, basename="riskassessment")
router.register("risk-thresholds", RiskThresholdViewSet, basename="riskthreshold")
router.register("industry-restrictions", IndustryRestrictionViewSet, basename="industryrestriction")
router.register("project-screenings", ProjectScreeningViewSet, basename="projectscreening")
router.register("white-papers", WhitePaperViewSet, basename="whitepaper")

"""API of emergency preparedness: plans (with the actions revise, evaluate and withdraw), their
evaluations, drills, rescue teams, stockpiles (with the action move) and their movements, and
shelters.

Reads are ``restrict``-ed by the base viewsets and filtered with the pages' FilterSets; every
write calls one service with ``actor=request.user``. An action's object is fetched in the user's
view scope (404 outside it); whether the user may act on it is the service's decision, whose
refusals come back as 400 naming the field, or 403.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from portal.api import PortalViewSet, ReadOnlyPortalViewSet, router

from . import services
from .filters import (
    DrillFilterSet,
    PlanFilterSet,
    RescueTeamFilterSet,
    ShelterFilterSet,
    StockMovementFilterSet,
    StockpileFilterSet,
)
from .models import Drill, Plan, PlanEvaluation, RescueTeam, Shelter, StockMovement, Stockpile
from .serializers import (
    DrillSerializer,
    PlanEvaluateSerializer,
    PlanEvaluationSerializer,
    PlanReviseSerializer,
    PlanSerializer,
    PlanWithdrawSerializer,
    RescueTeamSerializer,
    ShelterSerializer,
    StockMovementSerializer,
    StockMoveSerializer,
    StockpileSerializer,
)

WRITE_METHODS = ["get", "post", "patch", "head", "options"]
UPLOAD_PARSERS = [JSONParser, MultiPartParser, FormParser]


class _ServiceViewSet(PortalViewSet):
    """Create and update through one ``save`` service: ``save(actor=, instance=, **data)``."""

    http_method_names = WRITE_METHODS
    save_service = None

    def save_data(self, data: dict) -> dict:
        return data

    def perform_create(self, serializer):
        serializer.instance = self.save_service(
            actor=self.request.user, **self.save_data(dict(serializer.validated_data))
        )

    def perform_update(self, serializer):
        serializer.instance = self.save_service(
            actor=self.request.user,
            instance=serializer.instance,
            **self.save_data(dict(serializer.validated_data)),
        )

    # --- actions: POST /<pk>/<step>/ ---------------------------------------------------------

    def step_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def step_input(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def step_answer(self, obj, serializer_class, code=status.HTTP_200_OK):
        return Response(serializer_class(obj, context=self.get_serializer_context()).data, code)


class PlanViewSet(_ServiceViewSet):
    """应急预案 — every version; filtered like the page. POST and PATCH call ``plan_save``; a
    revision, an evaluation and a withdrawal are actions."""

    queryset = Plan.objects.select_related("owner_unit", "township", "industry", "enterprise")
    serializer_class = PlanSerializer
    filterset_class = PlanFilterSet
    ordering_fields = ["issued_on", "evaluation_due", "drill_due", "title", "updated_at"]
    parser_classes = UPLOAD_PARSERS
    save_service = staticmethod(services.plan_save)

    @extend_schema(request=PlanReviseSerializer, responses={201: PlanSerializer})
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        """修订: a new version that supersedes this one (已修订替代)."""
        data = self.step_input(PlanReviseSerializer)
        plan = services.plan_revise(actor=request.user, plan=self.step_object(), **data)
        return self.step_answer(plan, PlanSerializer, status.HTTP_201_CREATED)

    @extend_schema(request=PlanEvaluateSerializer, responses={201: PlanEvaluationSerializer})
    @action(detail=True, methods=["post"])
    def evaluate(self, request, pk=None):
        """评估: the date, the conclusion and whether the plan needs revising."""
        data = self.step_input(PlanEvaluateSerializer)
        evaluation = services.plan_evaluate(actor=request.user, plan=self.step_object(), **data)
        return self.step_answer(evaluation, PlanEvaluationSerializer, status.HTTP_201_CREATED)

    @extend_schema(request=PlanWithdrawSerializer, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """废止, with the reason."""
        data = self.step_input(PlanWithdrawSerializer)
        plan = services.plan_withdraw(actor=request.user, plan=self.step_object(), **data)
        return self.step_answer(plan, PlanSerializer)


class PlanEvaluationViewSet(ReadOnlyPortalViewSet):
    """预案评估 — read; recorded through the plan's ``evaluate`` action."""

    queryset = PlanEvaluation.objects.select_related("plan")
    serializer_class = PlanEvaluationSerializer
    filterset_fields = ["plan", "needs_revision"]
    ordering_fields = ["evaluated_on"]


class DrillViewSet(_ServiceViewSet):
    """应急演练 — POST and PATCH call ``drill_record``; the plan's dates follow."""

    queryset = Drill.objects.select_related("plan", "organiser").prefetch_related(
        "participating_units"
    )
    serializer_class = DrillSerializer
    filterset_class = DrillFilterSet
    ordering_fields = ["held_on", "updated_at"]
    parser_classes = UPLOAD_PARSERS
    save_service = staticmethod(services.drill_record)

    def save_data(self, data):
        # Absent (None) leaves the participating units as they are.
        data["participating_units"] = data.pop("participating_units", None)
        return data


class RescueTeamViewSet(_ServiceViewSet):
    """救援队伍 — every unit reads them; the unit or township keeps its own."""

    queryset = RescueTeam.objects.select_related("unit", "township")
    serializer_class = RescueTeamSerializer
    filterset_class = RescueTeamFilterSet
    ordering_fields = ["name", "member_count", "updated_at"]
    save_service = staticmethod(services.team_save)


class StockpileViewSet(_ServiceViewSet):
    """物资储备 — POST takes ``initial_quantity`` (recorded as 初始入库); the quantity changes only
    through the ``move`` action (入库, 出库, 损耗报废)."""

    queryset = Stockpile.objects.select_related("owner_unit", "township")
    serializer_class = StockpileSerializer
    filterset_class = StockpileFilterSet
    ordering_fields = ["name", "quantity", "expires_on", "updated_at"]
    save_service = staticmethod(services.stockpile_save)

    @extend_schema(request=StockMoveSerializer, responses={201: StockMovementSerializer})
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """出入库: kind, quantity, date and reason; never below zero."""
        data = self.step_input(StockMoveSerializer)
        movement = services.stock_move(actor=request.user, stockpile=self.step_object(), **data)
        return self.step_answer(movement, StockMovementSerializer, status.HTTP_201_CREATED)


class StockMovementViewSet(ReadOnlyPortalViewSet):
    """出入库记录 — read; made by the stockpile's ``move`` action."""

    queryset = StockMovement.objects.select_related("stockpile")
    serializer_class = StockMovementSerializer
    filterset_class = StockMovementFilterSet
    ordering_fields = ["occurred_on", "pk"]


class ShelterViewSet(_ServiceViewSet):
    """应急避难场所 — every unit reads them; the township or managing unit keeps its own."""

    queryset = Shelter.objects.select_related("township")
    serializer_class = ShelterSerializer
    filterset_class = ShelterFilterSet
    ordering_fields = ["name", "capacity", "updated_at"]
    save_service = staticmethod(services.shelter_save)


router.register("emergency-plans", PlanViewSet, basename="plan")
router.register("plan-evaluations", PlanEvaluationViewSet, basename="planevaluation")
router.register("drills", DrillViewSet, basename="drill")
router.register("rescue-teams", RescueTeamViewSet, basename="rescueteam")
router.register("stockpiles", StockpileViewSet, basename="stockpile")
router.register("stock-movements", StockMovementViewSet, basename="stockmovement")
router.register("shelters", ShelterViewSet, basename="shelter")

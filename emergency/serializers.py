"""Serializers of emergency preparedness's API. What the rules derive (a plan's due dates, a
stockpile's quantity, a movement's balance) is read-only: the services keep it."""

from __future__ import annotations

from rest_framework import serializers

from responsibilities.api.units import ScopedRelatedField
from responsibilities.models import Enterprise, Industry, OrgUnit

from .choices import MovementKind, ShelterFacility
from .models import Drill, Plan, PlanEvaluation, RescueTeam, Shelter, StockMovement, Stockpile
from .services import (
    DRILL_FIELDS,
    PLAN_FIELDS,
    SHELTER_FIELDS,
    STOCKPILE_FIELDS,
    TEAM_FIELDS,
)

READ_STAMPS = ["created_at", "updated_at"]


def _townships():
    return OrgUnit.objects.filter(kind=OrgUnit.Kind.TOWNSHIP)


def _optional(queryset):
    return ScopedRelatedField(queryset=queryset, required=False, allow_null=True)


def _fields(inputs, extra) -> list[str]:
    return ["id", *sorted(inputs), *extra]


class PlanSerializer(serializers.ModelSerializer):
    owner_unit = ScopedRelatedField(queryset=OrgUnit.objects.all())
    township = _optional(_townships())
    industry = _optional(Industry.objects.all())
    enterprise = _optional(Enterprise.objects.all())
    owner_unit_name = serializers.CharField(source="owner_unit.name", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True, default=None)
    industry_name = serializers.CharField(source="industry.name", read_only=True, default=None)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, default=None)
    plan_type_display = serializers.CharField(source="get_plan_type_display", read_only=True)
    owner_kind_display = serializers.CharField(source="get_owner_kind_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Plan
        derived = [
            "supersedes",
            "evaluation_due",
            "drill_cycle_months",
            "last_drill_on",
            "drill_due",
            "created_by",
        ]
        fields = _fields(
            PLAN_FIELDS,
            [
                "owner_unit_name",
                "township_name",
                "industry_name",
                "enterprise_name",
                "plan_type_display",
                "owner_kind_display",
                "state_display",
                *derived,
                *READ_STAMPS,
            ],
        )
        read_only_fields = [*derived, *READ_STAMPS]


class PlanReviseSerializer(serializers.ModelSerializer):
    """A new version: its number and issue date, and what else changes in it."""

    township = _optional(_townships())
    industry = _optional(Industry.objects.all())
    enterprise = _optional(Enterprise.objects.all())
    owner_unit = ScopedRelatedField(queryset=OrgUnit.objects.all(), required=False)

    class Meta:
        model = Plan
        fields = sorted(PLAN_FIELDS - {"state", "last_evaluated_on"})
        extra_kwargs = {
            **{name: {"required": False} for name in PLAN_FIELDS},
            "version": {"required": True, "allow_blank": False},
            "issued_on": {"required": True, "allow_null": False},
        }


class PlanEvaluateSerializer(serializers.Serializer):
    evaluated_on = serializers.DateField()
    conclusion = serializers.CharField()
    needs_revision = serializers.BooleanField(required=False, default=False)


class PlanWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=90)


class PlanEvaluationSerializer(serializers.ModelSerializer):
    plan_title = serializers.CharField(source="plan.title", read_only=True)

    class Meta:
        model = PlanEvaluation
        fields = [
            "id",
            "plan",
            "plan_title",
            "evaluated_on",
            "needs_revision",
            "conclusion",
            "evaluated_by",
            *READ_STAMPS,
        ]
        read_only_fields = fields


class DrillSerializer(serializers.ModelSerializer):
    plan = ScopedRelatedField(queryset=Plan.objects.all())
    organiser = _optional(OrgUnit.objects.all())
    township = _optional(_townships())
    participating_units = ScopedRelatedField(
        queryset=OrgUnit.objects.all(), many=True, required=False
    )
    plan_title = serializers.CharField(source="plan.title", read_only=True)
    organiser_name = serializers.CharField(source="organiser.name", read_only=True)
    form_display = serializers.CharField(source="get_form_display", read_only=True)
    scale_display = serializers.CharField(source="get_scale_display", read_only=True)

    class Meta:
        model = Drill
        fields = _fields(
            DRILL_FIELDS | {"participating_units"},
            [
                "plan_title",
                "organiser_name",
                "form_display",
                "scale_display",
                "recorded_by",
                *READ_STAMPS,
            ],
        )
        read_only_fields = ["recorded_by", *READ_STAMPS]


class RescueTeamSerializer(serializers.ModelSerializer):
    unit = ScopedRelatedField(queryset=OrgUnit.objects.all())
    township = _optional(_townships())
    enterprise = _optional(Enterprise.objects.all())
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True, default=None)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    specialty_display = serializers.CharField(source="get_specialty_display", read_only=True)
    readiness_display = serializers.CharField(source="get_readiness_display", read_only=True)

    class Meta:
        model = RescueTeam
        fields = _fields(
            TEAM_FIELDS,
            [
                "unit_name",
                "township_name",
                "kind_display",
                "specialty_display",
                "readiness_display",
                *READ_STAMPS,
            ],
        )
        read_only_fields = READ_STAMPS


class StockpileSerializer(serializers.ModelSerializer):
    """A stockpile; ``initial_quantity`` (write-only) is its first 入库 when it is created, and
    ``quantity`` changes only through the ``move`` action."""

    owner_unit = ScopedRelatedField(queryset=OrgUnit.objects.all())
    township = _optional(_townships())
    initial_quantity = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, write_only=True
    )
    owner_unit_name = serializers.CharField(source="owner_unit.name", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True, default=None)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    is_low = serializers.BooleanField(read_only=True)

    class Meta:
        model = Stockpile
        fields = _fields(
            STOCKPILE_FIELDS | {"initial_quantity"},
            [
                "quantity",
                "is_low",
                "owner_unit_name",
                "township_name",
                "category_display",
                *READ_STAMPS,
            ],
        )
        read_only_fields = ["quantity", *READ_STAMPS]


class StockMoveSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MovementKind.choices)
    quantity = serializers.DecimalField(max_digits=12, decimal_places=2)
    occurred_on = serializers.DateField()
    reason = serializers.CharField(max_length=300)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class StockMovementSerializer(serializers.ModelSerializer):
    stockpile_name = serializers.CharField(source="stockpile.name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = StockMovement
        fields = [
            "id",
            "stockpile",
            "stockpile_name",
            "kind",
            "kind_display",
            "quantity",
            "balance_after",
            "occurred_on",
            "reason",
            "reference",
            "actor",
            *READ_STAMPS,
        ]
        read_only_fields = fields


class ShelterSerializer(serializers.ModelSerializer):
    township = ScopedRelatedField(queryset=_townships())
    manager_unit = ScopedRelatedField(queryset=OrgUnit.objects.all(), required=False)
    facilities = serializers.ListField(
        child=serializers.ChoiceField(choices=ShelterFacility.choices), required=False
    )
    township_name = serializers.CharField(source="township.name", read_only=True)
    shelter_type_display = serializers.CharField(source="get_shelter_type_display", read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)

    class Meta:
        model = Shelter
        fields = _fields(
            SHELTER_FIELDS,
            ["township_name", "shelter_type_display", "category_display", *READ_STAMPS],
        )
        read_only_fields = READ_STAMPS

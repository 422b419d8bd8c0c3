"""Serializers of the risk register's API. A point's code, level and review dates, and an
assessment's score and level, are read-only: they are computed by ``risks.services`` from the
assessor's inputs and the thresholds in force, never typed."""

from __future__ import annotations

from rest_framework import serializers

from responsibilities.api.units import ScopedRelatedField
from responsibilities.models import Enterprise, Grid, Industry, OrgUnit

from .choices import LEVEL_COLORS, AccidentType, AssessmentMethod
from .models import (
    Assessment,
    IndustryRestriction,
    ProjectScreening,
    RiskPoint,
    RiskThreshold,
    WhitePaper,
)
from .services import DESCRIPTIVE_FIELDS

# What risk_point_register takes and risk_point_update may change.
POINT_INPUT_FIELDS = list(DESCRIPTIVE_FIELDS)


class RiskPointSerializer(serializers.ModelSerializer):
    township = ScopedRelatedField(queryset=OrgUnit.objects.filter(kind=OrgUnit.Kind.TOWNSHIP))
    responsible_unit = ScopedRelatedField(queryset=OrgUnit.objects.filter(is_active=True))
    grid = ScopedRelatedField(queryset=Grid.objects.all(), required=False, allow_null=True)
    enterprise = ScopedRelatedField(
        queryset=Enterprise.objects.all(), required=False, allow_null=True
    )
    industry = ScopedRelatedField(queryset=Industry.objects.all(), required=False, allow_null=True)
    accident_types = serializers.ListField(
        child=serializers.ChoiceField(choices=AccidentType.choices), required=False
    )
    township_name = serializers.CharField(source="township.name", read_only=True)
    responsible_unit_name = serializers.CharField(source="responsible_unit.name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    level_color = serializers.SerializerMethodField()
    control_level_display = serializers.CharField(
        source="get_control_level_display", read_only=True
    )

    class Meta:
        model = RiskPoint
        fields = [
            "id",
            "code",
            *POINT_INPUT_FIELDS,
            "township_name",
            "responsible_unit_name",
            "kind_display",
            "category_display",
            "control_level_display",
            "level",
            "level_display",
            "level_color",
            "level_changed_at",
            "last_assessed_on",
            "review_due",
            "is_active",
            "retired_reason",
            "registered_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [f for f in fields if f not in POINT_INPUT_FIELDS]

    def get_level_color(self, point: RiskPoint) -> str | None:
        return LEVEL_COLORS.get(point.level)


class AssessmentSerializer(serializers.ModelSerializer):
    risk_point_code = serializers.CharField(source="risk_point.code", read_only=True)
    method_display = serializers.CharField(source="get_method_display", read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "risk_point",
            "risk_point_code",
            "method",
            "method_display",
            "likelihood",
            "exposure",
            "consequence",
            "severity",
            "score",
            "level",
            "level_display",
            "assessed_on",
            "assessor",
            "assessor_name",
            "note",
            "created_at",
        ]
        read_only_fields = fields


class AssessInputSerializer(serializers.Serializer):
    """One assessment's inputs: LEC takes L, E and C from the standard tables, the LS matrix
    takes L and S (1–5). The score and the level are the service's."""

    method = serializers.ChoiceField(choices=AssessmentMethod.choices)
    likelihood = serializers.DecimalField(max_digits=5, decimal_places=2)
    exposure = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True, default=None
    )
    consequence = serializers.DecimalField(
        max_digits=6, decimal_places=2, required=False, allow_null=True, default=None
    )
    severity = serializers.IntegerField(required=False, allow_null=True, default=None)
    assessed_on = serializers.DateField()
    assessor_name = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RetireInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class RiskThresholdSerializer(serializers.ModelSerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = RiskThreshold
        fields = ["id", "method", "level", "level_display", "min_score", "max_score", "note"]
        read_only_fields = ["id", "method", "level", "level_display", "note"]


class IndustryRestrictionSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = IndustryRestriction
        fields = [
            "id",
            "number",
            "kind",
            "kind_display",
            "sector",
            "name",
            "industry",
            "keywords",
            "conditions",
            "basis",
            "is_sample_data",
            "is_active",
        ]
        read_only_fields = fields


class ProjectScreeningSerializer(serializers.ModelSerializer):
    verdict_display = serializers.CharField(source="get_verdict_display", read_only=True)

    class Meta:
        model = ProjectScreening
        fields = [
            "id",
            "project_name",
            "industry_text",
            "industry",
            "township",
            "address",
            "latitude",
            "longitude",
            "radius_m",
            "in_central_city",
            "verdict",
            "verdict_display",
            "matched",
            "nearby",
            "note",
            "screened_by",
            "created_at",
        ]
        read_only_fields = fields


class WhitePaperSerializer(serializers.ModelSerializer):
    class Meta:
        model = WhitePaper
        fields = [
            "id",
            "title",
            "as_of",
            "previous",
            "foreword",
            "snapshot",
            "published_by",
            "created_at",
        ]
        read_only_fields = fields

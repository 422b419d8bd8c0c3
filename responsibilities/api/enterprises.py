"""API of the enterprise roster (生产经营单位). Reads are ``restrict``-ed by the base viewset and
filtered by the same FilterSet as the page; writes go through ``services.enterprises``."""

from __future__ import annotations

from rest_framework import serializers

from portal.api import PortalViewSet, router

from ..filters.enterprises import EnterpriseFilterSet
from ..models import Enterprise, Grid, Industry, OrgUnit
from ..services import enterprises as services
from ..validators import normalize_credit_code
from .units import ScopedRelatedField


class EnterpriseSerializer(serializers.ModelSerializer):
    industry = ScopedRelatedField(queryset=Industry.objects.all())
    township = ScopedRelatedField(queryset=OrgUnit.objects.all())
    grid = ScopedRelatedField(queryset=Grid.objects.all(), required=False, allow_null=True)
    territorial_supervisor = ScopedRelatedField(
        queryset=OrgUnit.objects.all(), required=False, allow_null=True
    )
    industry_supervisor = ScopedRelatedField(
        queryset=OrgUnit.objects.all(), required=False, allow_null=True
    )
    professional_supervisor = ScopedRelatedField(
        queryset=OrgUnit.objects.all(), required=False, allow_null=True
    )
    industry_name = serializers.CharField(source="industry.name", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True)
    grid_code = serializers.CharField(source="grid.code", read_only=True, default=None)
    territorial_supervisor_name = serializers.CharField(
        source="territorial_supervisor.name", read_only=True, default=None
    )
    industry_supervisor_name = serializers.CharField(
        source="industry_supervisor.name", read_only=True, default=None
    )
    professional_supervisor_name = serializers.CharField(
        source="professional_supervisor.name", read_only=True, default=None
    )
    scale_display = serializers.CharField(source="get_scale_display", read_only=True)

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "name",
            "credit_code",
            "industry",
            "industry_name",
            "township",
            "township_name",
            "grid",
            "grid_code",
            "address",
            "latitude",
            "longitude",
            "legal_representative",
            "safety_contact",
            "phone",
            "scale",
            "scale_display",
            "employees",
            "is_high_risk",
            "is_crowded_place",
            "territorial_supervisor",
            "territorial_supervisor_name",
            "industry_supervisor",
            "industry_supervisor_name",
            "professional_supervisor",
            "professional_supervisor_name",
            "is_active",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]

    def validate_credit_code(self, value):
        return normalize_credit_code(value)


class EnterpriseViewSet(PortalViewSet):
    """生产经营单位名录. DELETE takes an enterprise off the active roster (the office only)."""

    queryset = Enterprise.objects.select_related(*services.ENTERPRISE_RELATED)
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet
    ordering_fields = ["name", "credit_code", "updated_at"]

    def perform_create(self, serializer):
        serializer.instance = services.enterprise_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.enterprise_update(
            actor=self.request.user, enterprise=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.enterprise_deactivate(actor=self.request.user, enterprise=instance)


router.register("enterprises", EnterpriseViewSet, basename="enterprise")

"""API of the unit side: units, group tokens, memberships, industries, the division of
supervision duties, grids and grid officers. Reads are ``restrict``-ed by the base viewsets;
writes go through ``responsibilities.services.units``."""

from __future__ import annotations

from django.db.models import Count
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.api import PortalViewSet, router
from portal.permissions import restrict

from ..filters.units import (
    GridFilterSet,
    MembershipFilterSet,
    OrgUnitFilterSet,
    SupervisionDutyFilterSet,
)
from ..models import Grid, GridOfficer, Industry, Membership, OrgUnit, SupervisionDuty, UnitGroup
from ..services import units as services


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key the requesting user may only point at rows they may see."""

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        return restrict(queryset, getattr(request, "user", None), "view")


class AliasesField(serializers.ListField):
    child = serializers.CharField(max_length=100)


# --- serializers ------------------------------------------------------------------------------


class OrgUnitSerializer(serializers.ModelSerializer):
    aliases = AliasesField(required=False)
    parent = ScopedRelatedField(queryset=OrgUnit.objects.all(), required=False, allow_null=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = OrgUnit
        fields = [
            "id",
            "name",
            "short_name",
            "aliases",
            "kind",
            "kind_display",
            "parent",
            "code",
            "is_committee_member",
            "contact_person",
            "phone",
            "email",
            "address",
            "population",
            "area_km2",
            "is_sample_data",
            "sort_order",
            "is_active",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]


class UnitGroupSerializer(serializers.ModelSerializer):
    aliases = AliasesField(required=False)
    members = ScopedRelatedField(queryset=OrgUnit.objects.all(), many=True, required=False)

    class Meta:
        model = UnitGroup
        fields = ["id", "name", "aliases", "rule", "members"]


class MembershipSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    unit = ScopedRelatedField(queryset=OrgUnit.objects.all())

    class Meta:
        model = Membership
        fields = ["id", "user", "username", "unit", "unit_name", "role", "title"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list):
            # A membership's person and unit never change: remove it and add another.
            fields["user"].read_only = True
            fields["unit"].read_only = True
        return fields


class IndustrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Industry
        fields = ["id", "name", "code", "parent", "sort_order"]


class SupervisionDutySerializer(serializers.ModelSerializer):
    industry_name = serializers.CharField(source="industry.name", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    unit = ScopedRelatedField(queryset=OrgUnit.objects.filter(is_active=True))

    class Meta:
        model = SupervisionDuty
        fields = ["id", "industry", "industry_name", "kind", "unit", "unit_name", "scope_note"]
        # supervision_duty_set replaces the unit of an existing (industry, kind) pair.
        validators = []


class GridSerializer(serializers.ModelSerializer):
    township = ScopedRelatedField(queryset=OrgUnit.objects.filter(kind=OrgUnit.Kind.TOWNSHIP))
    township_name = serializers.CharField(source="township.name", read_only=True)
    officer_count = serializers.SerializerMethodField()

    class Meta:
        model = Grid
        fields = ["id", "name", "code", "township", "township_name", "community", "officer_count"]

    @extend_schema_field(serializers.IntegerField())
    def get_officer_count(self, grid) -> int:
        count = getattr(grid, "officer_count", None)
        return grid.officers.count() if count is None else count


class GridOfficerSerializer(serializers.ModelSerializer):
    grid = ScopedRelatedField(queryset=Grid.objects.all())

    class Meta:
        model = GridOfficer
        fields = ["id", "grid", "name", "role", "phone", "user"]


# --- viewsets ---------------------------------------------------------------------------------


class OrgUnitViewSet(PortalViewSet):
    """单位 — units; a unit's own members may change its contact details."""

    queryset = OrgUnit.objects.all()
    serializer_class = OrgUnitSerializer
    filterset_class = OrgUnitFilterSet
    ordering_fields = ["sort_order", "name", "kind"]
    # Units are deactivated (is_active), never deleted: tasks and history point at them.
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = services.org_unit_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.org_unit_update(
            actor=self.request.user, unit=serializer.instance, **serializer.validated_data
        )


class UnitGroupViewSet(PortalViewSet):
    """单位组 — group tokens such as 各镇街区 and 安委会成员单位."""

    queryset = UnitGroup.objects.prefetch_related("members")
    serializer_class = UnitGroupSerializer
    filterset_fields = ["rule"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = services.unit_group_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.unit_group_update(
            actor=self.request.user, group=serializer.instance, **serializer.validated_data
        )


class MembershipViewSet(PortalViewSet):
    """单位成员 — who is staff (填报员) or leader (负责人) of which unit."""

    queryset = Membership.objects.select_related("user", "unit")
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilterSet

    def perform_create(self, serializer):
        serializer.instance = services.membership_add(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.membership_update(
            actor=self.request.user, membership=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.membership_remove(actor=self.request.user, membership=instance)


class IndustryViewSet(PortalViewSet):
    """行业 — industries, the rows of the division of supervision duties."""

    queryset = Industry.objects.all()
    serializer_class = IndustrySerializer
    filterset_fields = ["parent"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = services.industry_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.industry_update(
            actor=self.request.user, industry=serializer.instance, **serializer.validated_data
        )


class SupervisionDutyViewSet(PortalViewSet):
    """安全监管责任分工 — which unit supervises an industry, as 行业主管 or 专业监管."""

    queryset = SupervisionDuty.objects.select_related("industry", "unit")
    serializer_class = SupervisionDutySerializer
    filterset_class = SupervisionDutyFilterSet

    def _set(self, serializer, **current):
        data = {**current, **serializer.validated_data}
        serializer.instance = services.supervision_duty_set(
            actor=self.request.user,
            industry=data["industry"],
            kind=data["kind"],
            unit=data["unit"],
            scope_note=data.get("scope_note", ""),
        )

    def perform_create(self, serializer):
        self._set(serializer)

    def perform_update(self, serializer):
        duty = serializer.instance
        self._set(
            serializer,
            industry=duty.industry,
            kind=duty.kind,
            unit=duty.unit,
            scope_note=duty.scope_note,
        )

    def perform_destroy(self, instance):
        services.supervision_duty_set(
            actor=self.request.user, industry=instance.industry, kind=instance.kind, unit=None
        )


class GridViewSet(PortalViewSet):
    """网格 — supervision grids inside a township."""

    queryset = (
        Grid.objects.select_related("township")
        .annotate(officer_count=Count("officers"))
        .order_by("township__sort_order", "code")  # Meta.ordering is dropped under GROUP BY
    )
    serializer_class = GridSerializer
    filterset_class = GridFilterSet
    ordering_fields = ["code", "name"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = services.grid_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.grid_update(
            actor=self.request.user, grid=serializer.instance, **serializer.validated_data
        )


class GridOfficerViewSet(PortalViewSet):
    """网格化实名制监管名册 — the named officers of each grid."""

    queryset = GridOfficer.objects.select_related("grid")
    serializer_class = GridOfficerSerializer
    filterset_fields = ["grid", "role"]

    def perform_create(self, serializer):
        serializer.instance = services.grid_officer_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.grid_officer_update(
            actor=self.request.user, officer=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.grid_officer_remove(actor=self.request.user, officer=instance)


router.register("units", OrgUnitViewSet, basename="orgunit")
router.register("unit-groups", UnitGroupViewSet, basename="unitgroup")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("industries", IndustryViewSet, basename="industry")
router.register("supervision-duties", SupervisionDutyViewSet, basename="supervisionduty")
router.register("grids", GridViewSet, basename="grid")
router.register("grid-officers", GridOfficerViewSet, basename="gridofficer")

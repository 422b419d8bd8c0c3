"""Emergency preparedness's registers in Excel (or CSV): plans (the official column order of a
预案台账), drills, rescue teams, stockpiles, stock movements and shelters. Each is scoped by
``restrict`` and filtered by the register's FilterSet, exactly like its list page; text cells
are escaped against formulas by ``portal.exports``."""

from __future__ import annotations

from types import SimpleNamespace

from django.db.models import QuerySet

from portal.exports import Column, Exporter, register
from portal.permissions import restrict

from .choices import ShelterFacility
from .filters import (
    DrillFilterSet,
    PlanFilterSet,
    RescueTeamFilterSet,
    ShelterFilterSet,
    StockMovementFilterSet,
    StockpileFilterSet,
)
from .models import Drill, Plan, RescueTeam, Shelter, StockMovement, Stockpile


def _filtered(filterset_class, queryset: QuerySet, user, params) -> QuerySet:
    # The FilterSet narrows its choices through the user, as on the page.
    request = SimpleNamespace(user=user)
    return filterset_class(params, queryset=restrict(queryset, user, "view"), request=request).qs


def plan_owner(plan: Plan) -> str:
    """编制单位: the enterprise for an enterprise's plan, else the responsible unit."""
    if plan.enterprise_id:
        return plan.enterprise.name
    return plan.owner_unit.name


def person_name(user) -> str:
    if user is None:
        return ""
    profile = getattr(user, "profile", None)
    return (profile.full_name if profile else "") or user.get_username()


def shelter_facilities(shelter: Shelter) -> str:
    labels = dict(ShelterFacility.choices)
    return "、".join(str(labels.get(value, value)) for value in shelter.facilities or ())


@register
class PlanExporter(Exporter):
    name = "emergency-plans"
    title = "应急预案台账"
    columns = [
        Column("预案名称", "title", width=36),
        Column("预案类型", "plan_type", width=14),
        Column("编制主体", "owner_kind", width=12),
        Column("编制单位", plan_owner, width=24),
        Column("镇街区", "township.name", width=14),
        Column("行业", "industry.name", width=14),
        Column("版本", "version", width=8),
        Column("发布日期", "issued_on", width=12),
        Column("评审方式", "review_kind", width=10),
        Column("评审日期", "reviewed_on", width=12),
        Column("评审结论", "review_result", width=12),
        Column("备案日期", "filed_on", width=12),
        Column("备案编号", "filing_number", width=18),
        Column("最近评估", "last_evaluated_on", width=12),
        Column("下次评估", "evaluation_due", width=12),
        Column("最近演练", "last_drill_on", width=12),
        Column("下次演练", "drill_due", width=12),
        Column("状态", "state", width=12),
    ]

    def get_queryset(self, user, params) -> QuerySet:
        queryset = Plan.objects.select_related("owner_unit", "township", "industry", "enterprise")
        return _filtered(PlanFilterSet, queryset, user, params)


@register
class DrillExporter(Exporter):
    name = "emergency-drills"
    title = "应急演练台账"
    columns = [
        Column("演练名称", "title", width=30),
        Column("演练预案", "plan.title", width=30),
        Column("演练日期", "held_on", width=12),
        Column("演练形式", "form", width=10),
        Column("演练规模", "scale", width=12),
        Column("组织单位", "organiser.name", width=20),
        Column("镇街区", "township.name", width=14),
        Column("演练地点", "location", width=24),
        Column("参演单位", "participating_units", width=30),
        Column("参演人数", "participants", width=10),
        Column("演练评估", "evaluation", width=10),
        Column("评估意见", "evaluation_text", width=30),
        Column("发现的问题", "problems_found", width=36),
        Column("整改措施", "improvements", width=36),
    ]

    def get_queryset(self, user, params) -> QuerySet:
        queryset = Drill.objects.select_related("plan", "organiser", "township").prefetch_related(
            "participating_units"
        )
        return _filtered(DrillFilterSet, queryset, user, params)


@register
class RescueTeamExporter(Exporter):
    name = "emergency-teams"
    title = "救援队伍台账"
    columns = [
        Column("队伍名称", "name", width=30),
        Column("队伍类别", "kind", width=14),
        Column("专业类别", "specialty", width=14),
        Column("主管单位", "unit.name", width=20),
        Column("驻地镇街区", "township.name", width=14),
        Column("所属企业", "enterprise.name", width=28),
        Column("队员人数", "member_count", width=10),
        Column("队长", "leader", width=10),
        Column("队长电话", "leader_phone", width=14),
        Column("值班电话", "duty_phone", width=14),
        Column("主要装备", "equipment", width=36),
        Column("驻地", "address", width=28),
        Column("战备状态", "readiness", width=10),
        Column("状态核实日期", "readiness_checked_on", width=12),
        Column("在编", "is_active", width=6),
    ]

    def get_queryset(self, user, params) -> QuerySet:
        queryset = RescueTeam.objects.select_related("unit", "township", "enterprise")
        return _filtered(RescueTeamFilterSet, queryset, user, params)


@register
class StockpileExporter(Exporter):
    name = "emergency-stockpiles"
    title = "应急物资储备台账"
    columns = [
        Column("物资名称", "name", width=20),
        Column("物资类别", "category", width=12),
        Column("规格型号", "specification", width=16),
        Column("计量单位", "measure_unit", width=8),
        Column("库存数量", "quantity", width=10),
        Column("最低储备量", "minimum_quantity", width=10),
        Column("低于最低储备", "is_low", width=10),
        Column("存放地点", "place", width=28),
        Column("储备单位", "owner_unit.name", width=20),
        Column("镇街区", "township.name", width=14),
        Column("保管人", "custodian", width=10),
        Column("保管人电话", "custodian_phone", width=14),
        Column("有效期至", "expires_on", width=12),
    ]

    def get_queryset(self, user, params) -> QuerySet:
        queryset = Stockpile.objects.select_related("owner_unit", "township")
        return _filtered(StockpileFilterSet, queryset, user, params)


@register
class StockMovementExporter(Exporter):
    name = "emergency-movements"
    title = "应急物资出入库记录"
    columns = [
        Column("发生日期", "occurred_on", width=12),
        Column("物资名称", "stockpile.name", width=20),
        Column("存放地点", "stockpile.place", width=28),
        Column("类别", "kind", width=10),
        Column("数量", "quantity", width=10),
        Column("变动后结存", "balance_after", width=12),
        Column("计量单位", "stockpile.measure_unit", width=8),
        Column("事由", "reason", width=30),
        Column("单据号", "reference", width=16),
        Column("经办人", lambda movement: person_name(movement.actor), width=10),
    ]

    def get_queryset(self, user, params) -> QuerySet:
        queryset = StockMovement.objects.select_related("stockpile", "actor", "actor__profile")
        return _filtered(StockMovementFilterSet, queryset, user, params)


@register
class ShelterExporter(Exporter):
    name = "emergency-shelters"
    title = "应急避难场所台账"
    columns = [
        Column("场所名称", "name", width=28),
        Column("场所类型", "shelter_type", width=12),
        Column("场所类别", "category", width=12),
        Column("镇街区", "township.name", width=14),
        Column("地址", "address", width=30),
        Column("有效避难面积（平方米）", "effective_area", width=14),
        Column("可容纳人数", "capacity", width=10),
        Column("配套设施", shelter_facilities, width=36),
        Column("标志标识已设置", "signage_done", width=8),
        Column("经度", "longitude", width=12),
        Column("纬度", "latitude", width=12),
        Column("管理单位", "manager_unit.name", width=20),
        Column("管理人", "manager", width=10),
        Column("管理人电话", "manager_phone", width=14),
        Column("对外咨询电话", "public_phone", width=14),
        Column("建成日期", "opened_on", width=12),
        Column("向社会公布", "is_public", width=8),
    ]

    def get_queryset(self, user, params) -> QuerySet:
        queryset = Shelter.objects.select_related("township", "manager_unit")
        return _filtered(ShelterFilterSet, queryset, user, params)

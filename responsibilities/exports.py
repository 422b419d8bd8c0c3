"""Excel ledgers of the responsibility system (portal.exports): what each holds and who may
see which rows. The generic view in portal.reports writes and streams them."""

from __future__ import annotations

from django.db.models import Prefetch

from portal.exports import Column, Exporter, register

from .choices import GridOfficerRole
from .filters.units import GridFilterSet, OrgUnitFilterSet
from .models import GridOfficer
from .selectors import grid_list, org_unit_list


@register
class OrgUnitExporter(Exporter):
    """单位名录 — the unit directory as the list page shows it, filters applied."""

    name = "units"
    title = "单位名录"
    columns = [
        Column("单位名称", "name", width=28),
        Column("简称", "short_name", width=16),
        Column("别名", "aliases", width=36),
        Column("类别", "kind"),
        Column("上级单位", "parent.name", width=20),
        Column("安委会成员单位", "is_committee_member"),
        Column("联系人", "contact_person"),
        Column("联系电话", "phone", width=16),
        Column("电子邮箱", "email", width=24),
        Column("地址", "address", width=36),
        Column("启用", "is_active"),
    ]

    def get_queryset(self, user, params):
        return OrgUnitFilterSet(params, queryset=org_unit_list(user=user)).qs


def _officers(role):
    def names(grid):
        return "、".join(
            f"{o.name}（{o.phone}）" if o.phone else o.name
            for o in grid.export_officers
            if o.role == role
        )

    return names


@register
class GridExporter(Exporter):
    """网格化实名制监管名册 — grids with their named officers."""

    name = "grids"
    title = "网格化实名制监管名册"
    columns = [
        Column("网格编码", "code", width=14),
        Column("网格名称", "name", width=20),
        Column("镇街区", "township.name", width=14),
        Column("村居/社区", "community", width=20),
        Column("网格长", _officers(GridOfficerRole.CHIEF), width=28),
        Column("网格员", _officers(GridOfficerRole.OFFICER), width=40),
        Column("专职监管员", _officers(GridOfficerRole.SPECIALIST), width=28),
    ]

    def get_queryset(self, user, params):
        officers = GridOfficer.objects.order_by("-role", "name")
        grids = grid_list(user=user).prefetch_related(
            Prefetch("officers", queryset=officers, to_attr="export_officers")
        )
        return GridFilterSet(params, queryset=grids).qs


@register
class EnterpriseExporter(Exporter):
    """生产经营单位名录 — the roster as the list shows it; the columns are the import
    template's, so an exported sheet can be corrected and imported again."""

    name = "enterprises"
    title = "生产经营单位名录"
    columns = [
        Column("单位名称", "name", width=32),
        Column("统一社会信用代码", "credit_code", width=22),
        Column("行业", "industry.name", width=16),
        Column("所属镇街区", "township.name", width=12),
        Column("网格编码", "grid.code", width=12),
        Column("地址", "address", width=36),
        Column("纬度", "latitude"),
        Column("经度", "longitude"),
        Column("法定代表人", "legal_representative"),
        Column("安全负责人", "safety_contact"),
        Column("联系电话", "phone", width=16),
        Column("企业规模", "scale"),
        Column("从业人员数", "employees"),
        Column("高危行业", "is_high_risk"),
        Column("人员密集场所", "is_crowded_place"),
        Column("属地监管单位", "territorial_supervisor.name", width=16),
        Column("行业主管部门", "industry_supervisor.name", width=16),
        Column("专业监管部门", "professional_supervisor.name", width=16),
        Column("在营", "is_active"),
    ]

    def get_queryset(self, user, params):
        from types import SimpleNamespace

        from .filters.enterprises import EnterpriseFilterSet
        from .services.enterprises import enterprise_list

        # The FilterSet narrows its choices through the user, as on the page.
        request = SimpleNamespace(user=user)
        return EnterpriseFilterSet(params, queryset=enterprise_list(user=user), request=request).qs

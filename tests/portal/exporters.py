"""A test-only exporter over unit memberships, whose scope differs by role (a staff member
sees their own unit's members, the office everyone). The real-worker test loads this module
into the worker with ``celery worker --include``."""

from portal.exports import Column, Exporter, register
from portal.permissions import restrict
from responsibilities.models import Membership


@register
class MembershipTestExporter(Exporter):
    name = "test-memberships"
    title = "单位成员（测试）"
    columns = [
        Column("单位", "unit.name", width=24),
        Column("用户名", "user.username"),
        Column("角色", "role"),
        Column("单位编号", "unit.pk"),
        Column("加入时间", "created_at", width=20),
        Column("联系电话", lambda m: m.unit.phone),
    ]

    def get_queryset(self, user, params):
        queryset = restrict(
            Membership.objects.select_related("unit", "user").order_by("pk"), user, "view"
        )
        if unit := params.get("unit"):
            queryset = queryset.filter(unit_id=unit)
        return queryset

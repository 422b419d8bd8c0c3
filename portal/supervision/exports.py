"""督办单台账 — the notices as the office keeps them in Excel, filtered like the list page."""

from __future__ import annotations

from types import SimpleNamespace

from django.db.models import QuerySet

from portal.exports import Column, Exporter, register
from portal.permissions import restrict

from .filters import NoticeFilterSet, oldest_open_first, with_default_state
from .models import SupervisionNotice


@register
class SupervisionNoticeExporter(Exporter):
    name = "supervision-notices"
    title = "督办单台账"
    columns = [
        Column("督办单编号", "number", width=20),
        Column("督办事项", "item_title", width=40),
        Column("责任单位", "unit.name", width=20),
        Column("配合单位", "co_unit_names", width=30),
        Column("原定完成时限", "due_on", width=14),
        Column("下发日期", "issued_on", width=14),
        Column("反馈期限", "response_due_on", width=14),
        Column("状态", "state", width=10),
        Column("已下发天数", "age_days", width=10),
        Column("列入约谈", "interview_required", width=10),
        Column("逾期原因", "reply_reason", width=36),
        Column("整改措施及承诺", "reply_measures", width=36),
        Column("承诺完成日期", "committed_on", width=14),
        Column("办结意见", "close_comment", width=30),
    ]

    def get_queryset(self, user, params) -> QuerySet:
        queryset = restrict(
            oldest_open_first(SupervisionNotice.objects.select_related("unit")), user, "view"
        )
        request = SimpleNamespace(user=user)
        return NoticeFilterSet(with_default_state(params), queryset=queryset, request=request).qs

"""隐患台账 — the hazard ledger in the official column order (序号, 隐患编号, 排查时间, 隐患地点,
隐患描述, 隐患等级, 责任单位, 整改责任人, 整改措施, 整改资金, 整改时限, 整改情况, 验收人, 验收时间,
销号状态). Scoped by ``restrict`` and filtered like the hazard list."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

from django.db.models import QuerySet

from portal.exports import CHUNK_SIZE, Column, Exporter, register
from portal.permissions import restrict

from .filters import HazardFilterSet
from .models import Hazard


def hazard_place(hazard: Hazard) -> str:
    """隐患地点: the township, then the address (without repeating the township)."""
    township = hazard.township.name if hazard.township_id else ""
    if not township or hazard.address.startswith(township):
        return hazard.address
    return f"{township}{hazard.address}"


def person_name(user) -> str:
    if user is None:
        return ""
    profile = getattr(user, "profile", None)
    return (profile.full_name if profile else "") or user.get_username()


def export_queryset(user) -> QuerySet[Hazard]:
    """The hazards ``user`` may see, with what the columns read joined in."""
    return restrict(
        Hazard.objects.select_related(
            "township", "responsible_unit", "accepted_by", "accepted_by__profile"
        ),
        user,
        "view",
    )


@register
class HazardLedgerExporter(Exporter):
    name = "hazards"
    title = "隐患台账"
    columns = [
        Column("序号", "row_number", width=8),
        Column("隐患编号", "code", width=18),
        Column("排查时间", "found_on", width=12),
        Column("隐患地点", hazard_place, width=30),
        Column("隐患描述", "description", width=40),
        Column("隐患等级", "grade", width=10),
        Column("责任单位", "responsible_unit.name", width=20),
        Column("整改责任人", "rectification_person", width=12),
        Column("整改措施", "rectification_measures", width=36),
        Column("整改资金", "rectification_funds", width=12),
        Column("整改时限", "deadline", width=12),
        Column("整改情况", "rectification_result", width=36),
        Column("验收人", lambda hazard: person_name(hazard.accepted_by), width=12),
        Column("验收时间", "accepted_at", width=18),
        Column("销号状态", "state", width=10),
    ]

    def get_queryset(self, user, params) -> QuerySet:
        # The FilterSet narrows its choices through the user, as on the page.
        request = SimpleNamespace(user=user)
        return HazardFilterSet(params, queryset=export_queryset(user), request=request).qs

    def rows(self, queryset: QuerySet) -> Iterator[list[Any]]:
        """Rows numbered from 1 in the ledger's order, read in chunks (flat memory)."""
        for number, hazard in enumerate(queryset.iterator(chunk_size=CHUNK_SIZE), start=1):
            hazard.row_number = number
            yield self.row(hazard)

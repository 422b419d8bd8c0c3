"""Workbench panels of emergency resources: a unit's low or expiring stock, and shelters
whose signs (标志标识) are not up yet. Each reads through ``emergency.selectors`` in a fixed
number of queries and shows only when it has something."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.permissions import user_scope
from portal.workbench import Panel, register_panel

from .selectors import shelters_without_signage, stock_needing_attention

PANEL_SIZE = 8


def _writer(request) -> bool:
    scope = user_scope(request.user)
    return scope.writes_all or (scope.is_unit_member and not scope.read_only)


@register_panel
def stock_attention_panel(request):
    """库存不足或临期的物资 — the unit's (or, for the office, every) stockpile below its minimum,
    expired, or expiring within 30 days."""
    if not _writer(request):
        return None
    rows = list(stock_needing_attention(user=request.user)[: PANEL_SIZE + 1])
    if not rows:
        return None
    return Panel(
        title=_("库存不足或临期的应急物资"),
        template="emergency/stock/workbench_panel.html",
        context={
            "stockpiles": rows[:PANEL_SIZE],
            "more": len(rows) > PANEL_SIZE,
            "list_url": reverse("emergency:stockpile-list"),
        },
        order=60,
    )


@register_panel
def shelters_without_signage_panel(request):
    """标志标识未设置的避难场所 — for the township or managing unit, and the office."""
    if not _writer(request):
        return None
    rows = list(shelters_without_signage(user=request.user)[: PANEL_SIZE + 1])
    if not rows:
        return None
    return Panel(
        title=_("标志标识未设置的避难场所"),
        template="emergency/shelters/workbench_panel.html",
        context={
            "shelters": rows[:PANEL_SIZE],
            "more": len(rows) > PANEL_SIZE,
            "list_url": reverse("emergency:shelter-list") + "?signage_done=false",
        },
        order=61,
    )

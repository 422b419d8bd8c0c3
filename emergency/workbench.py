"""Workbench panels of emergency plans and drills.

A unit sees its plans whose evaluation or next drill is overdue or due within 30 days; the
office sees the coverage gaps and the plans whose drills are overdue. Each panel reads through
``emergency.selectors_plans`` and ``emergency.coverage`` in a fixed number of queries.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.permissions import user_scope
from portal.workbench import Panel, register_panel

from .coverage import coverage_gap_count
from .selectors_plans import SOON_DAYS, plans_drill_overdue, plans_due

PANEL_SIZE = 8


@register_panel
def plans_due_panel(request):
    """本单位预案 — plans of the user's units due for evaluation or a drill (or overdue)."""
    scope = user_scope(request.user)
    if not scope.is_unit_member or scope.sees_all:
        return None
    rows = list(plans_due(user=request.user)[: PANEL_SIZE + 1])
    if not rows:
        return None
    return Panel(
        title=_("本单位应急预案待评估、待演练"),
        template="emergency/overview/panel_plans.html",
        context={
            "plans": rows[:PANEL_SIZE],
            "more": len(rows) > PANEL_SIZE,
            "today": timezone.localdate(),
            "testid": "panel-plans-due",
            "note": _("%(days)s天内到期或已逾期。") % {"days": SOON_DAYS},
            "list_url": reverse("emergency:plan-list"),
        },
        order=45,
    )


@register_panel
def coverage_and_drills_panel(request):
    """预案覆盖与演练 — the office's view: gaps in the coverage matrix, overdue drills."""
    if not user_scope(request.user).writes_all:
        return None
    rows = list(plans_drill_overdue(user=request.user)[: PANEL_SIZE + 1])
    return Panel(
        title=_("应急预案覆盖与演练"),
        template="emergency/overview/panel_plans.html",
        context={
            "plans": rows[:PANEL_SIZE],
            "more": len(rows) > PANEL_SIZE,
            "today": timezone.localdate(),
            "testid": "panel-emergency-office",
            "gaps": coverage_gap_count(user=request.user),
            "coverage_url": reverse("emergency:coverage"),
            "note": _("演练逾期的预案："),
            "empty": _("没有演练逾期的预案。"),
            "list_url": reverse("emergency:plan-list") + "?drill_overdue=true",
        },
        order=46,
    )

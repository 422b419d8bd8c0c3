"""Workbench panels of the task ledger.

Bureau and township staff see their unit's tasks with lights, what is due in the next 30
days and what was returned to them; leaders see what waits for their confirmation; the
office sees what waits for its review. Every panel reads through ``tasks.selectors`` and
costs a fixed number of queries whatever the data size.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.permissions import user_scope
from portal.workbench import Panel, register_panel

from .choices import Light
from .selectors import (
    milestones_due,
    reports_awaiting_confirmation,
    reports_awaiting_review,
    reports_returned,
    unit_tasks,
)

PANEL_SIZE = 8
DUE_WITHIN_DAYS = 30

# Most urgent first on the workbench.
_URGENCY = {
    Light.OVERDUE: 0,
    Light.DUE_SOON: 1,
    Light.ON_TRACK: 2,
    Light.NOT_STARTED: 3,
    Light.DONE_LATE: 4,
    Light.DONE: 5,
}


def _first(queryset, size=PANEL_SIZE):
    """The first ``size`` rows and whether there are more (one query)."""
    rows = list(queryset[: size + 1])
    return rows[:size], len(rows) > size


def _works_for_a_unit(scope) -> bool:
    """Bureau and township staff (and leaders): members of a unit, not the office or auditors."""
    return scope.is_unit_member and not scope.sees_all


@register_panel
def reports_returned_panel(request):
    """被退回的报告 — shown only when something came back, with the comment."""
    scope = user_scope(request.user)
    if not _works_for_a_unit(scope):
        return None
    reports, more = _first(reports_returned(user=request.user))
    if not reports:
        return None
    return Panel(
        title=_("被退回的报告"),
        template="tasks/workbench/returned.html",
        context={"reports": reports, "more": more},
        order=20,
    )


@register_panel
def reports_awaiting_confirmation_panel(request):
    """待我确认 — submitted reports of the units the user leads."""
    scope = user_scope(request.user)
    if not scope.leader_unit_ids:
        return None
    reports, more = _first(reports_awaiting_confirmation(user=request.user))
    return Panel(
        title=_("待我确认的进展报告"),
        template="tasks/workbench/reports.html",
        context={"reports": reports, "more": more, "testid": "panel-awaiting-confirmation"},
        order=25,
    )


@register_panel
def reports_awaiting_review_panel(request):
    """待审核 — confirmed reports waiting for the office."""
    scope = user_scope(request.user)
    if not (scope.is_office or scope.is_admin):
        return None
    reports, more = _first(reports_awaiting_review(user=request.user))
    return Panel(
        title=_("待安委办审核的进展报告"),
        template="tasks/workbench/reports.html",
        context={"reports": reports, "more": more, "testid": "panel-awaiting-review"},
        order=25,
    )


@register_panel
def unit_tasks_panel(request):
    """本单位任务 — the unit's tasks, the most urgent light first."""
    scope = user_scope(request.user)
    if not _works_for_a_unit(scope):
        return None
    tasks = list(unit_tasks(user=request.user))  # a unit's share of a directive: tens of rows
    tasks.sort(key=lambda task: _URGENCY[task.light])
    counts = {}
    for task in tasks:
        counts[task.light] = counts.get(task.light, 0) + 1
    return Panel(
        title=_("本单位任务"),
        template="tasks/workbench/tasks.html",
        context={
            "tasks": tasks[:PANEL_SIZE],
            "more": len(tasks) > PANEL_SIZE,
            "total": len(tasks),
            "light_counts": [(light, counts[light]) for light in _URGENCY if light in counts],
            "list_url": reverse("tasks:task-list"),
        },
        order=30,
    )


@register_panel
def milestones_due_panel(request):
    """30天内到期 — open milestones of the unit's tasks due soon (overdue ones first)."""
    scope = user_scope(request.user)
    if not _works_for_a_unit(scope):
        return None
    milestones, more = _first(milestones_due(user=request.user, within_days=DUE_WITHIN_DAYS))
    return Panel(
        title=_("30天内到期的节点"),
        template="tasks/workbench/due.html",
        context={"milestones": milestones, "more": more},
        order=35,
    )

"""Workbench panel 待处理群众举报 — for the office: how many citizens' reports wait for triage,
and the newest of them. Two queries whatever the number of reports."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.permissions import restrict, user_scope
from portal.workbench import Panel, register_panel

from .choices import CitizenReportState
from .models import CitizenReport

PANEL_SIZE = 5


@register_panel
def citizen_reports_panel(request):
    scope = user_scope(request.user)
    if not scope.writes_all:
        return None
    waiting = restrict(
        CitizenReport.objects.filter(state=CitizenReportState.NEW), request.user, "view"
    )
    count = waiting.count()
    if not count:
        return None
    return Panel(
        title=_("待处理群众举报"),
        template="hazards/citizen/workbench_panel.html",
        context={
            "count": count,
            "reports": list(waiting.order_by("-created_at", "-pk")[:PANEL_SIZE]),
            "list_url": reverse("hazards:citizen-report-list"),
        },
        order=20,
    )

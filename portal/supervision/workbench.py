"""Workbench panels of 督办单: a unit's open notices (the reply due first), and for the office
the notices waiting to be closed, counted by state, with the escalated ones. Each panel costs
a fixed number of queries whatever the number of notices."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.permissions import restrict, user_scope
from portal.workbench import Panel, register_panel

from .models import NoticeState, SupervisionNotice

PANEL_SIZE = 6


def _open_notices(user):
    return restrict(
        SupervisionNotice.objects.exclude(state=NoticeState.CLOSED).select_related("unit"),
        user,
        "view",
    )


@register_panel
def unit_notices_panel(request):
    """本单位督办单 — open notices of the user's units, the earliest reply deadline first."""
    scope = user_scope(request.user)
    if not scope.is_unit_member or scope.sees_all:
        return None
    notices = list(
        _open_notices(request.user).order_by("response_due_on", "issued_on")[: PANEL_SIZE + 1]
    )
    if not notices:
        return None
    return Panel(
        title=_("本单位督办单"),
        template="supervision/workbench/unit.html",
        context={
            "notices": notices[:PANEL_SIZE],
            "more": len(notices) > PANEL_SIZE,
            "list_url": reverse("supervision:notice-list"),
        },
        order=15,
    )


@register_panel
def office_notices_panel(request):
    """待办结督办单 — for the office: open notices by state, escalated ones, the oldest."""
    scope = user_scope(request.user)
    if not (scope.is_office or scope.is_admin):
        return None
    open_notices = _open_notices(request.user)
    counts = open_notices.aggregate(
        issued=Count("pk", filter=Q(state=NoticeState.ISSUED)),
        replied=Count("pk", filter=Q(state=NoticeState.REPLIED)),
        escalated=Count("pk", filter=Q(interview_required=True)),
    )
    if not (counts["issued"] or counts["replied"]):
        return None
    list_url = reverse("supervision:notice-list")
    return Panel(
        title=_("待办结督办单"),
        template="supervision/workbench/office.html",
        context={
            "counts": counts,
            "oldest": list(open_notices.order_by("issued_on", "sequence")[:PANEL_SIZE]),
            "list_url": list_url,
        },
        order=15,
    )

"""Workbench panels of the hazard ledger.

A unit sees the hazards it must rectify and those waiting for its acceptance; the office
sees hazards waiting for confirmation and those overdue. Each panel reads through
``hazards.selectors`` in a fixed number of queries.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.permissions import user_scope
from portal.workbench import Panel, register_panel

from .selectors import (
    hazards_awaiting_confirmation,
    hazards_overdue,
    hazards_to_accept,
    hazards_to_rectify,
    mark_overdue,
)

PANEL_SIZE = 8


def _panel(title, rows, *, testid, empty, list_query="", order=40):
    hazards = list(rows[: PANEL_SIZE + 1])
    return Panel(
        title=title,
        template="hazards/workbench/hazards.html",
        context={
            "hazards": mark_overdue(hazards[:PANEL_SIZE]),
            "more": len(hazards) > PANEL_SIZE,
            "testid": testid,
            "empty": empty,
            "list_url": reverse("hazards:hazard-list") + list_query,
        },
        order=order,
    )


def _works_for_a_unit(scope) -> bool:
    return scope.is_unit_member and not scope.sees_all


@register_panel
def hazards_to_rectify_panel(request):
    """待整改隐患 — the unit's confirmed and rectifying hazards, the nearest deadline first."""
    scope = user_scope(request.user)
    if not _works_for_a_unit(scope):
        return None
    rows = hazards_to_rectify(user=request.user)
    return _panel(
        _("本单位待整改隐患"),
        rows,
        testid="panel-hazards-to-rectify",
        empty=_("没有待整改的隐患。"),
        order=40,
    )


@register_panel
def hazards_to_accept_panel(request):
    """待验收隐患 — shown to a supervising unit only when something waits for it."""
    scope = user_scope(request.user)
    if not _works_for_a_unit(scope):
        return None
    rows = list(hazards_to_accept(user=request.user)[: PANEL_SIZE + 1])
    if not rows:
        return None
    return _panel(
        _("待本单位验收的隐患"),
        rows,
        testid="panel-hazards-to-accept",
        empty="",
        list_query="?state=awaiting_acceptance",
        order=39,
    )


@register_panel
def hazards_awaiting_confirmation_panel(request):
    """待确认隐患 — reported hazards the office grades and assigns."""
    if not user_scope(request.user).writes_all:
        return None
    return _panel(
        _("待确认交办的隐患"),
        hazards_awaiting_confirmation(user=request.user),
        testid="panel-hazards-to-confirm",
        empty=_("没有待确认的隐患。"),
        list_query="?state=reported",
        order=40,
    )


@register_panel
def hazards_overdue_panel(request):
    """逾期隐患 — open hazards past their deadline, for the office."""
    if not user_scope(request.user).writes_all:
        return None
    return _panel(
        _("逾期未整改的隐患"),
        hazards_overdue(user=request.user),
        testid="panel-hazards-overdue",
        empty=_("没有逾期的隐患。"),
        list_query="?overdue=true",
        order=41,
    )

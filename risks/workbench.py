"""Workbench panels of the risk register.

A unit sees its points whose review (复评) is overdue or falls due soon; the office sees the
重大风险 points and the reviews overdue across the city. Each panel reads through
``risks.selectors`` in a fixed number of queries.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.permissions import user_scope
from portal.workbench import Panel, register_panel

from .selectors import (
    REVIEW_DUE_SOON_DAYS,
    mark_review_overdue,
    points_for_review,
    red_points,
    reviews_overdue,
)

PANEL_SIZE = 8


def _panel(title, rows, *, testid, empty, list_query="", order=45):
    points = list(rows[: PANEL_SIZE + 1])
    return Panel(
        title=title,
        template="risks/workbench/points.html",
        context={
            "points": mark_review_overdue(points[:PANEL_SIZE]),
            "more": len(points) > PANEL_SIZE,
            "testid": testid,
            "empty": empty,
            "list_url": reverse("risks:point-list") + list_query,
        },
        order=order,
    )


@register_panel
def points_for_review_panel(request):
    """待复评风险点 — the unit's points whose review is overdue or due within 30 days."""
    scope = user_scope(request.user)
    if not scope.is_unit_member or scope.sees_all:
        return None
    return _panel(
        _("本单位待复评的风险点"),
        points_for_review(user=request.user),
        testid="panel-risks-for-review",
        empty=_("%(days)s天内没有到期的复评。") % {"days": REVIEW_DUE_SOON_DAYS},
        order=45,
    )


@register_panel
def red_points_panel(request):
    """重大风险点 — every red point in control, for the office."""
    if not user_scope(request.user).writes_all:
        return None
    return _panel(
        _("重大风险点"),
        red_points(user=request.user),
        testid="panel-risks-red",
        empty=_("没有重大风险点。"),
        list_query="?level=red&active=true",
        order=45,
    )


@register_panel
def reviews_overdue_panel(request):
    """逾期未复评 — points past their review date, for the office."""
    if not user_scope(request.user).writes_all:
        return None
    return _panel(
        _("逾期未复评的风险点"),
        reviews_overdue(user=request.user),
        testid="panel-risks-review-overdue",
        empty=_("没有逾期未复评的风险点。"),
        list_query="?review_overdue=true",
        order=46,
    )

"""Reads of the risk register, always through ``restrict``: pages, panels, the export and the
API call these."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.permissions import restrict, user_scope

from .choices import LEVEL_COLORS, LEVEL_RANK, LEVEL_SHORT, AssessmentMethod, RiskLevel
from .filters import review_overdue_q
from .models import Assessment, RiskPoint, RiskThreshold

# A review this close is "due" on the workbench.
REVIEW_DUE_SOON_DAYS = 30


def risk_point_list(*, user) -> QuerySet[RiskPoint]:
    """The inventory's rows with what each row shows, in one query per page."""
    return restrict(
        RiskPoint.objects.select_related("township", "responsible_unit", "industry"),
        user,
        "view",
    )


def risk_point_detail(*, user, pk: int) -> RiskPoint:
    """One point with its assessments (newest first); 404 when out of the user's scope."""
    queryset = risk_point_list(user=user).select_related(
        "grid", "enterprise", "registered_by__profile"
    )
    queryset = queryset.prefetch_related(
        Prefetch(
            "assessments",
            queryset=Assessment.objects.select_related("assessor__profile").order_by(
                "-assessed_on", "-pk"
            ),
        )
    )
    return get_object_or_404(queryset, pk=pk)


def mark_review_overdue(points, today=None):
    """Set ``review_overdue`` on each point, for the rows and panels that colour the date."""
    today = today or timezone.localdate()
    for point in points:
        point.review_overdue = bool(
            point.is_active and point.review_due and point.review_due < today
        )
    return points


@dataclass(frozen=True)
class LevelCount:
    level: str
    label: str
    short: str
    color: str
    count: int


def level_counts(queryset: QuerySet[RiskPoint]) -> list[LevelCount]:
    """How many points of each level (and not yet assessed) ``queryset`` holds; one query."""
    counts = dict(
        queryset.order_by().values_list("level").annotate(n=Count("pk")).values_list("level", "n")
    )
    rows = [
        LevelCount(level, label, LEVEL_SHORT[level], LEVEL_COLORS[level], counts.get(level, 0))
        for level, label in RiskLevel.choices
    ]
    unassessed = _("未评估")
    rows.append(LevelCount("none", unassessed, unassessed, "#adb5bd", counts.get("", 0)))
    return rows


@dataclass(frozen=True)
class Deciding:
    """Why a point has its level: the latest assessment of each method and the one that
    stands (从严从高: the stricter level)."""

    latest: list[Assessment]
    decisive: Assessment | None


def deciding_assessments(point: RiskPoint) -> Deciding:
    """From the point's (prefetched, newest-first) assessments: the latest per method and the
    strictest of those. Equal levels: the newer assessment decides."""
    latest: dict[str, Assessment] = {}
    for assessment in point.assessments.all():
        latest.setdefault(assessment.method, assessment)
    ordered = [latest[m] for m in AssessmentMethod.values if m in latest]
    decisive = None
    for assessment in ordered:
        if decisive is None:
            decisive = assessment
            continue
        rank, best = LEVEL_RANK[assessment.level], LEVEL_RANK[decisive.level]
        newer = (assessment.assessed_on, assessment.pk) > (decisive.assessed_on, decisive.pk)
        if rank < best or (rank == best and newer):
            decisive = assessment
    return Deciding(latest=ordered, decisive=decisive)


# --- thresholds -------------------------------------------------------------------------------


def thresholds_by_method(*, user) -> list[tuple[str, str, list[RiskThreshold]]]:
    """(method, label, bands strictest first) for every method, with the rows in force."""
    rows = list(restrict(RiskThreshold.objects.all(), user, "view"))
    out = []
    for method, label in AssessmentMethod.choices:
        bands = sorted(
            (row for row in rows if row.method == method), key=lambda row: LEVEL_RANK[row.level]
        )
        out.append((method, label, bands))
    return out


def threshold_table() -> dict:
    """The bands as plain data for the assessment form's preview (the server decides)."""
    return {
        method: [
            {
                "level": row.level,
                "label": str(row.get_level_display()),
                "color": LEVEL_COLORS[row.level],
                "min": float(row.min_score),
                "max": None if row.max_score is None else float(row.max_score),
            }
            for row in sorted(
                (r for r in RiskThreshold.objects.all() if r.method == method),
                key=lambda r: LEVEL_RANK[r.level],
            )
        ]
        for method in AssessmentMethod.values
    }


# --- workbench --------------------------------------------------------------------------------


def points_for_review(*, user, today: datetime.date | None = None) -> QuerySet[RiskPoint]:
    """The user's units' points in control whose review is overdue or due within
    ``REVIEW_DUE_SOON_DAYS``: those they answer for or that lie in their township."""
    scope = user_scope(user)
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=REVIEW_DUE_SOON_DAYS)
    mine = risk_point_list(user=user).filter(
        is_active=True, review_due__isnull=False, review_due__lte=soon
    )
    own = mine.filter(responsible_unit_id__in=scope.unit_ids) | mine.filter(
        township_id__in=scope.township_ids
    )
    return own.order_by("review_due", "pk")


def red_points(*, user) -> QuerySet[RiskPoint]:
    """重大风险点 in control, the longest-unreviewed first."""
    return (
        risk_point_list(user=user)
        .filter(is_active=True, level=RiskLevel.RED)
        .order_by("review_due", "code")
    )


def reviews_overdue(*, user) -> QuerySet[RiskPoint]:
    """Points in control past their review date, the most overdue first."""
    return risk_point_list(user=user).filter(review_overdue_q()).order_by("review_due", "pk")

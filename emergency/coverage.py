"""预案覆盖 — the coverage matrix: the city, every township and every industry against the plan
types, and the directive's milestone "2019年8月底前实现应急预案市、镇(街区)、行业全覆盖".

Rows are 市级, the townships (by their sort order) and the industries; columns are the plan
types. A cell counts the plans in force for its row and type; the cells that
``settings.EMERGENCY_COVERAGE_REQUIRED`` asks for and that are empty are the gaps (缺). The
plans are counted in one aggregate query, whatever their number.

``as_of`` answers "was it covered on that day?" from the issue dates: a plan counts from its
``issued_on``; a version replaced by a revision counts until its successor was issued. A
withdrawn plan never counts (its withdrawal date is not recorded on the plan).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.permissions import restrict, user_scope
from responsibilities.models import Industry, OrgUnit

from .choices import PlanOwnerKind, PlanState, PlanType

ROW_KINDS = (PlanOwnerKind.CITY, PlanOwnerKind.TOWNSHIP, PlanOwnerKind.INDUSTRY)
ROW_KIND_LABELS = {
    PlanOwnerKind.CITY: _("市级"),
    PlanOwnerKind.TOWNSHIP: _("镇街区"),
    PlanOwnerKind.INDUSTRY: _("行业"),
}
# The words by which the task-22 milestone is found among a directive's milestones.
MILESTONE_WORDS = ("全覆盖", "应急预案")


@dataclass
class CoverageCell:
    plan_type: str
    count: int
    required: bool
    list_url: str
    add_url: str | None = None

    @property
    def missing(self) -> bool:
        return self.required and self.count == 0


@dataclass
class CoverageRow:
    kind: str
    key: int | None  # the township's or the industry's id; None for the city
    label: str
    cells: list[CoverageCell]

    @property
    def required_count(self) -> int:
        return sum(1 for cell in self.cells if cell.required)

    @property
    def missing_count(self) -> int:
        return sum(1 for cell in self.cells if cell.missing)

    @property
    def is_complete(self) -> bool:
        return self.missing_count == 0


@dataclass
class CoverageGroup:
    kind: str
    label: str
    rows: list[CoverageRow]

    @property
    def complete_count(self) -> int:
        return sum(1 for row in self.rows if row.is_complete)


@dataclass
class Coverage:
    as_of: datetime.date | None
    columns: list[tuple[str, str]]
    groups: list[CoverageGroup]
    restricted: bool = False  # the user sees only some plans: gaps may be plans out of sight
    rows: list[CoverageRow] = field(init=False)

    def __post_init__(self):
        self.rows = [row for group in self.groups for row in group.rows]

    @property
    def total_rows(self) -> int:
        return len(self.rows)

    @property
    def complete_rows(self) -> int:
        return sum(1 for row in self.rows if row.is_complete)

    @property
    def gap_count(self) -> int:
        return sum(row.missing_count for row in self.rows)

    @property
    def percentage(self) -> int:
        """Complete rows as a whole percentage, rounded down (99.9% is not full coverage)."""
        return self.complete_rows * 100 // self.total_rows if self.total_rows else 100

    @property
    def is_complete(self) -> bool:
        return self.complete_rows == self.total_rows


@dataclass
class MilestoneAnswer:
    """The directive's full-coverage milestone and whether the matrix met it by its due date."""

    milestone: object
    due_on: datetime.date | None
    coverage: Coverage | None  # as of the due date
    is_past: bool

    @property
    def met(self) -> bool | None:
        return self.coverage.is_complete if self.coverage is not None else None


def in_force_q(as_of: datetime.date | None) -> Q:
    """Plans in force now, or — with ``as_of`` — on that day by their issue dates."""
    if as_of is None:
        return Q(state=PlanState.IN_FORCE)
    return Q(issued_on__lte=as_of) & (
        Q(state=PlanState.IN_FORCE)
        | Q(state=PlanState.SUPERSEDED, superseded_by__issued_on__gt=as_of)
    )


def coverage_counts(*, user, as_of: datetime.date | None = None) -> dict[tuple, int]:
    """{(owner kind, township or industry id or None, plan type): plans} in one query."""
    from .models import Plan

    rows = (
        restrict(Plan.objects.filter(owner_kind__in=ROW_KINDS), user, "view")
        .filter(in_force_q(as_of))
        .values("owner_kind", "township_id", "industry_id", "plan_type")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    counts: dict[tuple, int] = {}
    for row in rows:
        kind = row["owner_kind"]
        key = {
            PlanOwnerKind.TOWNSHIP: row["township_id"],
            PlanOwnerKind.INDUSTRY: row["industry_id"],
        }.get(kind)
        if kind != PlanOwnerKind.CITY and key is None:
            continue  # a township or industry plan without its row cannot cover anything
        index = (kind, key, row["plan_type"])
        counts[index] = counts.get(index, 0) + row["n"]
    return counts


def _row_query(kind: str, key: int | None) -> dict:
    query = {"owner_kind": kind}
    if kind == PlanOwnerKind.TOWNSHIP:
        query["township"] = key
    elif kind == PlanOwnerKind.INDUSTRY:
        query["industry"] = key
    return query


def coverage_matrix(
    *,
    user,
    as_of: datetime.date | None = None,
    townships=None,
    industries=None,
) -> Coverage:
    """The matrix for ``user`` (through ``restrict``), now or as of a date.

    ``townships`` and ``industries`` may be passed in (already fetched) to build a second
    matrix for another date without reading them again.
    """
    required = {kind: set(types) for kind, types in settings.EMERGENCY_COVERAGE_REQUIRED.items()}
    if townships is None:
        townships = township_rows(user=user)
    if industries is None:
        industries = industry_rows(user=user)
    counts = coverage_counts(user=user, as_of=as_of)
    scope = user_scope(user)
    may_add = not scope.read_only and (scope.writes_all or scope.is_unit_member)
    plan_list, plan_create = reverse("emergency:plan-list"), reverse("emergency:plan-create")

    def row(kind, key, label) -> CoverageRow:
        base = _row_query(kind, key)
        cells = []
        for plan_type in PlanType.values:
            count = counts.get((kind, key, plan_type), 0)
            is_required = plan_type in required.get(kind, ())
            query = {**base, "plan_type": plan_type}
            cell = CoverageCell(
                plan_type=plan_type,
                count=count,
                required=is_required,
                list_url=f"{plan_list}?{urlencode({**query, 'state': PlanState.IN_FORCE})}",
            )
            if may_add and cell.missing:
                cell.add_url = f"{plan_create}?{urlencode(query)}"
            cells.append(cell)
        return CoverageRow(kind=kind, key=key, label=label, cells=cells)

    groups = [
        CoverageGroup(
            kind=PlanOwnerKind.CITY,
            label=ROW_KIND_LABELS[PlanOwnerKind.CITY],
            rows=[row(PlanOwnerKind.CITY, None, str(_("市级")))],
        ),
        CoverageGroup(
            kind=PlanOwnerKind.TOWNSHIP,
            label=ROW_KIND_LABELS[PlanOwnerKind.TOWNSHIP],
            rows=[row(PlanOwnerKind.TOWNSHIP, t.pk, t.name) for t in townships],
        ),
        CoverageGroup(
            kind=PlanOwnerKind.INDUSTRY,
            label=ROW_KIND_LABELS[PlanOwnerKind.INDUSTRY],
            rows=[row(PlanOwnerKind.INDUSTRY, i.pk, i.name) for i in industries],
        ),
    ]
    return Coverage(
        as_of=as_of,
        columns=list(PlanType.choices),
        groups=groups,
        restricted=not scope.sees_all,
    )


def township_rows(*, user) -> list[OrgUnit]:
    return list(
        restrict(
            OrgUnit.objects.filter(kind=OrgUnit.Kind.TOWNSHIP, is_active=True), user, "view"
        ).order_by("sort_order", "name")
    )


def industry_rows(*, user) -> list[Industry]:
    return list(restrict(Industry.objects.all(), user, "view").order_by("sort_order", "name"))


def coverage_milestones(*, user):
    """The milestones that promise full coverage of emergency plans (task 22 of the Shouguang
    directive), newest directive first."""
    from tasks.models import Milestone

    queryset = Milestone.objects.filter(due_on__isnull=False)
    for word in MILESTONE_WORDS:
        queryset = queryset.filter(text__contains=word)
    return (
        restrict(queryset, user, "view")
        .select_related("task__directive")
        .order_by("-task__directive__issued_on", "-task__directive__pk", "due_on", "pk")
    )


def milestone_answer(
    *, user, milestone, today: datetime.date, townships=None, industries=None
) -> MilestoneAnswer:
    """Was every required cell filled by the milestone's due date (by issue dates)?"""
    due = milestone.due_on
    coverage = (
        coverage_matrix(user=user, as_of=due, townships=townships, industries=industries)
        if due
        else None
    )
    return MilestoneAnswer(
        milestone=milestone, due_on=due, coverage=coverage, is_past=bool(due and due < today)
    )


def coverage_gap_count(*, user) -> int:
    """How many required cells are empty now (the overview's and the office panel's figure)."""
    return coverage_matrix(user=user).gap_count

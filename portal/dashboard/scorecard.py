"""考核 — each unit scored for a period from what the system records, and the ranking.

Four indicators (``models.Indicator``), each 0–100 with the items behind it:

- 节点按时完成率 (on_time_milestones): of the milestones the unit leads (牵头) that fall due in
  the period, the share done on or before their due date (done = the office approved the
  completing report, as the traffic lights read it);
- 进展报告一次通过率 (reports_accepted): of the unit's reports the office reviewed in the
  period (approved or returned), the share approved without ever having been returned;
- 督办单 (supervision_notices): 100 less the penalty for each notice issued to the unit in the
  period, never below 0;
- 隐患按期整改率 (hazards_in_time): of the hazards the unit is responsible for whose deadline
  falls in the period, the share submitted for acceptance (or closed) on or before it.

An item due in the period but not yet due today and not yet done is not counted: it cannot be
late yet. An indicator with no items is 不适用 (not applicable) and the weights of the others
are scaled to 100: total = Σ weight × score ÷ Σ weights of the applicable indicators, rounded
to 2 decimals (ROUND_HALF_UP). Units with equal totals share a rank.

The ranking is the city's assessment, the same for everyone who may read it (as a published
``ScorecardEdition`` is): it is computed over every unit's records. The items behind one unit's
scores are read through ``restrict`` for the person asking, and a unit's members see only their
own units' breakdowns. Every figure is an aggregate grouped by unit, so the page costs the same
number of queries for 5 units or 500.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import Coalesce, TruncDate
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.permissions import restrict, user_scope
from responsibilities.models import OrgUnit

from .models import Indicator, PeriodKind, ScoreWeight

HUNDRED = Fraction(100)
TWO_PLACES = Decimal("0.01")

# The office's defaults (loaded by ``load_reference``; see reference.py): indicator →
# (weight, penalty per notice).
DEFAULT_WEIGHTS: dict[str, tuple[Decimal, Decimal]] = {
    Indicator.ON_TIME_MILESTONES: (Decimal("40"), Decimal("0")),
    Indicator.REPORTS_ACCEPTED: (Decimal("20"), Decimal("0")),
    Indicator.SUPERVISION_NOTICES: (Decimal("20"), Decimal("10")),
    Indicator.HAZARDS_IN_TIME: (Decimal("20"), Decimal("0")),
}
INDICATORS = [Indicator(value) for value in DEFAULT_WEIGHTS]

RULES = [
    gettext_lazy(
        "节点按时完成率：本单位牵头任务中完成时限在本期内的节点，按时完成（安委办审核通过完成报告"
        "的日期不晚于完成时限）的个数 ÷ 节点个数 × 100。"
    ),
    gettext_lazy(
        "进展报告一次通过率：本单位在本期内经安委办审核（通过或退回）的进展报告中，从未被退回"
        "而审核通过的份数 ÷ 审核份数 × 100。"
    ),
    gettext_lazy("督办单：100 − 每件扣分 × 本期向本单位下发的督办单份数，最低0分。"),
    gettext_lazy(
        "隐患按期整改率：本单位负责整改、整改时限在本期内的隐患，在时限前（含当日）完成整改提请"
        "验收或已销号的条数 ÷ 隐患条数 × 100（已驳回的不计）。"
    ),
    gettext_lazy("本期内尚未到期且尚未完成的节点、隐患不计入（还谈不上逾期）。"),
    gettext_lazy(
        "某项指标本期没有考核事项的，记为“不适用”，其余启用指标的权重按比例折算为100。"
        "总分 = Σ（权重 × 得分）÷ 适用指标权重之和，四舍五入保留两位小数；总分相同名次并列。"
    ),
]


# --- periods --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A month (``2026-10``), a quarter (``2026-Q3``) or a year (``2026``)."""

    kind: str
    start: datetime.date
    end: datetime.date
    key: str

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return _("%(year)d年%(month)d月") % {"year": self.start.year, "month": self.start.month}
        if self.kind == PeriodKind.QUARTER:
            quarter = (self.start.month - 1) // 3 + 1
            return _("%(year)d年第%(quarter)d季度") % {"year": self.start.year, "quarter": quarter}
        return _("%(year)d年度") % {"year": self.start.year}

    def contains(self, day: datetime.date | None) -> bool:
        return day is not None and self.start <= day <= self.end


_PERIOD_RE = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{1,2})|[Qq](?P<quarter>[1-4])))?$")


def month_period(year: int, month: int) -> Period:
    last = calendar.monthrange(year, month)[1]
    return Period(
        PeriodKind.MONTH,
        datetime.date(year, month, 1),
        datetime.date(year, month, last),
        f"{year}-{month:02d}",
    )


def parse_period(raw: str) -> Period:
    """``2026-10`` / ``2026-Q3`` / ``2026``; anything else is a ValidationError naming it."""
    raw = (raw or "").strip()
    match = _PERIOD_RE.match(raw)
    year = int(match["year"]) if match else 0
    if not match or not 2000 <= year <= 2100:
        raise ValidationError(
            _("考核周期“%(value)s”无法识别：请写成 2026-10（月）、2026-Q3（季度）或 2026（年）。")
            % {"value": raw[:20]},
            code="period",
        )
    if match["month"]:
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise ValidationError(
                _("考核周期“%(value)s”的月份应在1到12之间。") % {"value": raw[:20]}, code="period"
            )
        return month_period(year, month)
    if match["quarter"]:
        quarter = int(match["quarter"])
        first = 3 * quarter - 2
        end = month_period(year, first + 2).end
        return Period(PeriodKind.QUARTER, datetime.date(year, first, 1), end, f"{year}-Q{quarter}")
    return Period(
        PeriodKind.YEAR, datetime.date(year, 1, 1), datetime.date(year, 12, 31), str(year)
    )


def default_period(today: datetime.date) -> Period:
    """The current month."""
    return month_period(today.year, today.month)


def period_choices(today: datetime.date) -> list[Period]:
    """The picker: this year's and last year's months (newest first), quarters and years."""
    choices = []
    for year in (today.year, today.year - 1):
        last_month = today.month if year == today.year else 12
        choices += [month_period(year, m) for m in range(last_month, 0, -1)]
        last_quarter = (last_month - 1) // 3 + 1
        choices += [parse_period(f"{year}-Q{q}") for q in range(last_quarter, 0, -1)]
        choices.append(parse_period(str(year)))
    return choices


# --- weights --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Weight:
    indicator: str
    label: str
    weight: Decimal
    penalty: Decimal
    is_active: bool


def weights_in_force() -> list[Weight]:
    """The office's weights, the default for an indicator it has not set (one query)."""
    rows = {row.indicator: row for row in ScoreWeight.objects.all()}
    weights = []
    for indicator in INDICATORS:
        default_weight, default_penalty = DEFAULT_WEIGHTS[indicator]
        row = rows.get(indicator)
        weights.append(
            Weight(
                indicator=indicator.value,
                label=str(indicator.label),
                weight=row.weight if row else default_weight,
                penalty=row.penalty if row else default_penalty,
                is_active=row.is_active if row else True,
            )
        )
    return weights


# --- the items behind each indicator ----------------------------------------------------------
#
# Each returns a queryset of the counted items annotated with ``ok`` (the item scores) and the
# unit it counts for (``score_unit``); the ranking groups it by unit, a breakdown lists it.


def _bool(condition) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


def milestone_items(period: Period, today: datetime.date) -> QuerySet:
    from tasks.models import Milestone
    from tasks.selectors import milestones_with_status

    milestones = milestones_with_status(
        Milestone.objects.filter(
            due_on__gte=period.start, due_on__lte=period.end, task__lead_unit__isnull=False
        ),
        today=today,
    )
    return milestones.filter(Q(due_on__lt=today) | Q(done_on__isnull=False)).annotate(
        score_unit=F("task__lead_unit_id"),
        ok=_bool(Q(done_on__isnull=False, done_on__lte=F("due_on"))),
    )


def report_items(period: Period, today: datetime.date) -> QuerySet:
    from tasks.choices import ReportAction
    from tasks.models import ProgressReport, ReportStep

    steps = ReportStep.objects.filter(report_id=OuterRef("pk"))
    in_period = Q(at__date__gte=period.start, at__date__lte=period.end)
    approved = steps.filter(in_period, action=ReportAction.APPROVE)
    reviewed = steps.filter(in_period, action__in=(ReportAction.APPROVE, ReportAction.RETURN))
    returned = steps.filter(action=ReportAction.RETURN)
    return (
        ProgressReport.objects.filter(Exists(reviewed))
        .annotate(score_unit=F("unit_id"), ok=_bool(Exists(approved) & ~Exists(returned)))
        .annotate(ever_returned=Exists(returned))
    )


def notice_items(period: Period, today: datetime.date) -> QuerySet:
    from portal.supervision.models import SupervisionNotice

    return SupervisionNotice.objects.filter(
        issued_on__gte=period.start, issued_on__lte=period.end
    ).annotate(score_unit=F("unit_id"))


def hazard_items(period: Period, today: datetime.date) -> QuerySet:
    from hazards.choices import HazardState
    from hazards.models import Hazard

    done = Q(state__in=(HazardState.AWAITING_ACCEPTANCE, HazardState.CLOSED))
    return (
        Hazard.objects.filter(
            responsible_unit__isnull=False, deadline__gte=period.start, deadline__lte=period.end
        )
        .exclude(state=HazardState.REJECTED)
        .filter(done | Q(deadline__lt=today))
        .annotate(
            score_unit=F("responsible_unit_id"),
            done_on=Coalesce("rectified_on", TruncDate("closed_at"), output_field=DateField()),
        )
        .annotate(ok=_bool(done & Q(done_on__lte=F("deadline"))))
    )


ITEMS = {
    Indicator.ON_TIME_MILESTONES: milestone_items,
    Indicator.REPORTS_ACCEPTED: report_items,
    Indicator.SUPERVISION_NOTICES: notice_items,
    Indicator.HAZARDS_IN_TIME: hazard_items,
}


def _counts(queryset: QuerySet, *, with_ok: bool = True) -> dict[int, tuple[int, int]]:
    """{unit id: (items, items that score)} in one grouped query."""
    aggregates = {"n": Count("pk")}
    if with_ok:
        aggregates["good"] = Count("pk", filter=Q(ok=True))
    rows = queryset.values("score_unit").annotate(**aggregates).order_by()
    return {row["score_unit"]: (row["n"], row.get("good", 0)) for row in rows}


# --- scores ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorScore:
    indicator: str
    label: str
    weight: Decimal
    items: int  # counted items (for notices: notices issued)
    good: int  # items that score (on time, first time); for notices, 0
    score: Fraction | None  # None: 不适用
    effective_weight: Fraction = Fraction(0)  # the weight scaled among applicable ones (→ 100)

    @property
    def applicable(self) -> bool:
        return self.score is not None

    @property
    def score_display(self) -> Decimal | None:
        return None if self.score is None else rounded(self.score)

    @property
    def effective_weight_display(self) -> Decimal | None:
        return rounded(self.effective_weight) if self.applicable else None

    @property
    def contribution(self) -> Decimal | None:
        """What this indicator adds to the total (effective weight × score ÷ 100)."""
        if self.score is None:
            return None
        return rounded(self.effective_weight * self.score / HUNDRED)


@dataclass
class UnitScore:
    unit_id: int
    unit_name: str
    sort_order: int
    indicators: list[IndicatorScore]
    total: Decimal | None
    rank: int | None = None

    def indicator(self, code: str) -> IndicatorScore:
        return next(i for i in self.indicators if i.indicator == code)


@dataclass
class Scorecard:
    period: Period
    weights: list[Weight]
    rows: list[UnitScore] = field(default_factory=list)

    def row_for(self, unit_id: int) -> UnitScore | None:
        return next((row for row in self.rows if row.unit_id == unit_id), None)


def rounded(value: Fraction | Decimal) -> Decimal:
    """Two decimals, half up (as the assessment rules say), from an exact fraction."""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return value.quantize(TWO_PLACES, ROUND_HALF_UP)


def indicator_score(
    indicator: str, *, items: int, good: int, penalty: Decimal = Decimal(0)
) -> Fraction | None:
    """One indicator's score from its counts; None (不适用) without items."""
    if not items:
        return None
    if indicator == Indicator.SUPERVISION_NOTICES:
        return max(Fraction(0), HUNDRED - Fraction(penalty) * items)
    return HUNDRED * good / items


def unit_score(
    *, unit_id: int, unit_name: str, sort_order: int, weights: list[Weight], counts: dict
) -> UnitScore:
    """Score one unit from its counts {indicator: (items, good)}."""
    parts = []
    for weight in weights:
        items, good = counts.get(weight.indicator, (0, 0))
        score = (
            indicator_score(weight.indicator, items=items, good=good, penalty=weight.penalty)
            if weight.is_active
            else None
        )
        parts.append((weight, items, good, score))
    applicable_weight = sum(
        (Fraction(w.weight) for w, _i, _g, score in parts if score is not None), Fraction(0)
    )
    indicators, total = [], None
    for weight, items, good, score in parts:
        effective = (
            HUNDRED * Fraction(weight.weight) / applicable_weight
            if score is not None and applicable_weight
            else Fraction(0)
        )
        indicators.append(
            IndicatorScore(
                indicator=weight.indicator,
                label=weight.label,
                weight=weight.weight,
                items=items,
                good=good,
                score=score,
                effective_weight=effective,
            )
        )
    if applicable_weight:
        total = rounded(
            sum(
                (Fraction(w.weight) * score for w, _i, _g, score in parts if score is not None),
                Fraction(0),
            )
            / applicable_weight
        )
    return UnitScore(
        unit_id=unit_id,
        unit_name=unit_name,
        sort_order=sort_order,
        indicators=indicators,
        total=total,
    )


def rank(rows: list[UnitScore]) -> list[UnitScore]:
    """Highest total first; equal totals share a rank (1, 2, 2, 4); no total, no rank, last."""
    rows = sorted(
        rows,
        key=lambda r: (r.total is None, -(r.total or 0), r.sort_order, r.unit_name),
    )
    previous, previous_rank = None, 0
    for position, row in enumerate(rows, start=1):
        if row.total is None:
            row.rank = None
            continue
        row.rank = previous_rank if row.total == previous else position
        previous, previous_rank = row.total, row.rank
    return rows


def scorecard(*, period: Period, today: datetime.date) -> Scorecard:
    """Every unit with something to score in ``period``, ranked (six queries in all)."""
    weights = weights_in_force()
    counts: dict[int, dict[str, tuple[int, int]]] = {}
    for indicator, items in ITEMS.items():
        by_unit = _counts(items(period, today), with_ok=indicator != Indicator.SUPERVISION_NOTICES)
        for unit_id, pair in by_unit.items():
            counts.setdefault(unit_id, {})[indicator.value] = pair
    units = OrgUnit.objects.filter(pk__in=list(counts)).values_list("pk", "name", "sort_order")
    rows = [
        unit_score(unit_id=pk, unit_name=name, sort_order=order, weights=weights, counts=counts[pk])
        for pk, name, order in units
    ]
    return Scorecard(period=period, weights=weights, rows=rank(rows))


# --- one unit's breakdown -------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One record behind a score, linked to its page."""

    text: str
    href: str
    ok: bool | None
    detail: str = ""
    date: datetime.date | None = None


@dataclass(frozen=True)
class Breakdown:
    unit: OrgUnit
    period: Period
    row: UnitScore | None
    rank_of: int
    items: dict[str, list[Item]]
    weights: list[Weight]

    def sections(self) -> list[tuple[IndicatorScore | None, Weight, list[Item]]]:
        return [
            (self.row.indicator(w.indicator) if self.row else None, w, self.items[w.indicator])
            for w in self.weights
        ]


def may_see_breakdown(user, unit_id: int) -> bool:
    """The office, auditors and admins see every unit's; a unit's members their own."""
    scope = user_scope(user)
    return scope.sees_all or unit_id in scope.unit_ids


def unit_breakdown(*, user, unit_id: int, period: Period, today: datetime.date) -> Breakdown:
    """Why one unit scored what it did: each indicator with the records behind it.

    404 for a unit the user may not see the breakdown of (another unit's).
    """
    if not may_see_breakdown(user, unit_id):
        raise Http404(_("只能查看本单位的考核明细。"))
    unit = OrgUnit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise Http404(_("没有这个单位。"))
    card = scorecard(period=period, today=today)
    items = _unit_items(user=user, unit_id=unit_id, period=period, today=today)
    return Breakdown(
        unit=unit,
        period=period,
        row=card.row_for(unit_id),
        rank_of=sum(1 for row in card.rows if row.rank is not None),
        items=items,
        weights=card.weights,
    )


def _unit_items(*, user, unit_id: int, period: Period, today: datetime.date) -> dict:
    from django.urls import reverse

    def mine(indicator) -> QuerySet:
        return restrict(ITEMS[indicator](period, today), user, "view").filter(score_unit=unit_id)

    milestones = mine(Indicator.ON_TIME_MILESTONES).select_related("task").order_by("due_on", "pk")
    reports = (
        mine(Indicator.REPORTS_ACCEPTED)
        .select_related("milestone__task")
        .order_by("reviewed_at", "pk")
    )
    notices = mine(Indicator.SUPERVISION_NOTICES).order_by("issued_on", "sequence")
    hazards = mine(Indicator.HAZARDS_IN_TIME).order_by("deadline", "pk")

    def milestone_detail(m) -> str:
        if m.done_on is None:
            return _("完成时限%(due)s，未完成") % {"due": m.due_on}
        return _("完成时限%(due)s，%(done)s完成") % {"due": m.due_on, "done": m.done_on}

    def report_detail(r) -> str:
        when = timezone.localdate(r.reviewed_at) if r.reviewed_at else ""
        if r.ok:
            return _("一次审核通过（%(when)s）") % {"when": when}
        if r.ever_returned:
            return _("曾被退回（最近审核%(when)s）") % {"when": when}
        return _("审核通过（%(when)s）") % {"when": when}

    def hazard_detail(h) -> str:
        if h.done_on is None:
            return _("整改时限%(deadline)s，未整改完成") % {"deadline": h.deadline}
        return _("整改时限%(deadline)s，%(done)s整改完成") % {
            "deadline": h.deadline,
            "done": h.done_on,
        }

    return {
        Indicator.ON_TIME_MILESTONES.value: [
            Item(
                text=f"{m.task.number}. {m.task.title} · {m.text[:60]}",
                href=reverse("tasks:task-detail", args=[m.task_id]),
                ok=m.ok,
                detail=milestone_detail(m),
                date=m.due_on,
            )
            for m in milestones
        ],
        Indicator.REPORTS_ACCEPTED.value: [
            Item(
                text=f"{r.milestone.task.number}. {r.milestone.task.title} · {r.milestone.text[:40]}",
                href=r.get_absolute_url(),
                ok=r.ok,
                detail=report_detail(r),
                date=timezone.localdate(r.reviewed_at) if r.reviewed_at else None,
            )
            for r in reports
        ],
        Indicator.SUPERVISION_NOTICES.value: [
            Item(
                text=f"{n.number} · {n.item_title}",
                href=n.get_absolute_url(),
                ok=False,
                detail=n.get_state_display(),
                date=n.issued_on,
            )
            for n in notices
        ],
        Indicator.HAZARDS_IN_TIME.value: [
            Item(
                text=f"{h.code} · {h.description[:40]}",
                href=h.get_absolute_url(),
                ok=h.ok,
                detail=hazard_detail(h),
                date=h.deadline,
            )
            for h in hazards
        ],
    }


# --- frozen rows (a published edition) ------------------------------------------------------


def frozen_weights(weights: list[Weight]) -> dict:
    return {
        w.indicator: {
            "label": w.label,
            "weight": str(w.weight),
            "penalty": str(w.penalty),
            "is_active": w.is_active,
        }
        for w in weights
    }


def frozen_rows(card: Scorecard) -> list[dict]:
    """The ranking as JSON: what an edition keeps."""
    return [
        {
            "rank": row.rank,
            "unit_id": row.unit_id,
            "unit": row.unit_name,
            "total": None if row.total is None else str(row.total),
            "indicators": {
                i.indicator: {
                    "items": i.items,
                    "good": i.good,
                    "score": None if i.score is None else str(i.score_display),
                    "weight": str(i.weight),
                    "contribution": None if i.contribution is None else str(i.contribution),
                }
                for i in row.indicators
            },
        }
        for row in card.rows
    ]


# --- Excel ------------------------------------------------------------------------------------


def xlsx_filename(period: Period) -> str:
    return f"考核排名-{period.key}.xlsx"


def scorecard_xlsx(card: Scorecard) -> bytes:
    """The ranking as one sheet: rank, unit, total, then each indicator's score and items.
    Text cells go through the exports' formula escaping like every other download."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    from portal.exports import escape_cell

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("考核排名")
    sheet.append([escape_cell(card.period.label)])
    header = [_("名次"), _("单位"), _("总分")]
    for weight in card.weights:
        header += [
            _("%(name)s得分") % {"name": weight.label},
            _("%(name)s事项数") % {"name": weight.label},
        ]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A3"
    for row in card.rows:
        values = [row.rank, escape_cell(row.unit_name), row.total]
        for part in row.indicators:
            values += [
                part.score_display if part.applicable else _("不适用"),
                part.items,
            ]
        sheet.append(values)
    sheet.column_dimensions["B"].width = 24
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

"""综合看板 — the office dashboard's figures, read once for one user and one day.

``dashboard(user=…, today=…)`` answers a ``Dashboard``: task progress (亮灯) of a directive by
part and by unit, open 督办单 by age, hazards by state, grade and township with the
rectification rate, risk points by level per township, and the emergency gaps. Every number
is a ``Figure`` carrying its value and the link to the list that shows exactly its rows (the
list's own FilterSet, with the same query string), and every number is read through
``restrict``: a township or bureau sees its own scope, the office and auditors the city.

Counts are aggregates (``Count(..., filter=Q(...))``, ``values().annotate()``), so the page
costs the same number of queries at 10 hazards or 10,000.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.permissions import restrict, user_scope
from responsibilities.models import OrgUnit

# The tasks list shows at most this many milestones under "overdue" and "due soon".
MILESTONES_SHOWN = 10

LIGHT_COLORS = {
    "done": "#0d6efd",
    "done_late": "#0dcaf0",
    "on_track": "#198754",
    "due_soon": "#ffc107",
    "overdue": "#dc3545",
    "not_started": "#adb5bd",
}
GRADE_COLORS = {"major": "#dc3545", "general": "#fd7e14"}
UNASSESSED_COLOR = "#8c8c8c"


# --- the answer -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One number on the dashboard and the list behind it."""

    key: str
    label: str
    value: int
    href: str
    alert: bool = False
    note: str = ""


@dataclass(frozen=True)
class Series:
    """One part of a stacked bar chart: a colour and a figure per category."""

    key: str
    name: str
    color: str
    figures: list[Figure]


@dataclass(frozen=True)
class Chart:
    """A (stacked) bar chart; its numbers are figures too, so every bar opens its list."""

    key: str
    title: str
    categories: list[str]
    series: list[Series]
    horizontal: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.categories

    @property
    def rows(self) -> list[tuple[str, list[Figure]]]:
        """(category, its figures in series order): the chart as a table."""
        return [
            (category, [series.figures[i] for series in self.series])
            for i, category in enumerate(self.categories)
        ]

    def payload(self) -> dict:
        """What ``static/dashboard/js/dashboard.js`` draws (through ``json_script``)."""
        return {
            "title": self.title,
            "horizontal": self.horizontal,
            "categories": self.categories,
            "series": [
                {
                    "name": series.name,
                    "color": series.color,
                    "data": [{"value": f.value, "href": f.href} for f in series.figures],
                }
                for series in self.series
            ],
        }


@dataclass(frozen=True)
class MilestoneRow:
    """An open milestone listed under 逾期 or 即将到期, linking to its task."""

    text: str
    due_on: datetime.date
    task: str
    lead_unit: str
    href: str
    days: int  # days late (overdue) or days left (due soon)


@dataclass(frozen=True)
class TaskProgress:
    """任务进展 — one directive's tasks by light, by part and by unit."""

    directive: object | None
    directives: list
    lights: list[Figure]
    by_section: Chart
    by_unit: Chart
    overdue_milestones: list[MilestoneRow]
    due_soon_milestones: list[MilestoneRow]
    all_tasks_href: str = ""

    def light(self, code: str) -> Figure | None:
        return next((f for f in self.lights if f.key == f"tasks-{code}"), None)

    @property
    def overdue(self) -> Figure | None:
        return self.light("overdue")

    @property
    def due_soon(self) -> Figure | None:
        return self.light("due_soon")

    def figures(self) -> list[Figure]:
        return [*self.lights, *_chart_figures(self.by_section), *_chart_figures(self.by_unit)]


@dataclass(frozen=True)
class SupervisionFigures:
    """督办单 — open notices by age since issue, those flagged for 约谈, replies overdue."""

    open_total: Figure
    by_age: list[Figure]
    interview: Figure
    response_overdue: Figure

    def figures(self) -> list[Figure]:
        return [self.open_total, *self.by_age, self.interview, self.response_overdue]


@dataclass(frozen=True)
class HazardFigures:
    """隐患 — by state, by grade and township (open ones), the rectification rate, overdue
    and major hazards under 挂牌督办."""

    by_state: list[Figure]
    open_by_grade: list[Figure]
    by_township: Chart
    closed: Figure
    confirmed: Figure
    overdue: Figure
    listed: Figure

    @property
    def rectification_rate(self) -> Decimal | None:
        """整改率: closed ÷ confirmed or later, as a percentage with one decimal."""
        if not self.confirmed.value:
            return None
        rate = Decimal(self.closed.value * 100) / self.confirmed.value
        return rate.quantize(Decimal("0.1"), ROUND_HALF_UP)

    def figures(self) -> list[Figure]:
        return [
            *self.by_state,
            *self.open_by_grade,
            *_chart_figures(self.by_township),
            self.closed,
            self.confirmed,
            self.overdue,
            self.listed,
        ]


@dataclass(frozen=True)
class RiskFigures:
    """风险 — points in control by level, and by level per township; the map's data URLs."""

    by_level: list[Figure]
    by_township: Chart
    map_href: str
    map_config: dict

    def figures(self) -> list[Figure]:
        return [*self.by_level, *_chart_figures(self.by_township)]


@dataclass(frozen=True)
class EmergencyFigures:
    """应急 — plan coverage gaps, overdue drills, evaluations due, low or expiring stock."""

    coverage_gaps: Figure
    coverage_percentage: int
    coverage_restricted: bool
    drills_overdue: Figure
    evaluations_overdue: Figure
    stock_low: Figure
    stock_expiring: Figure
    stock_expired: Figure

    def figures(self) -> list[Figure]:
        return [
            self.coverage_gaps,
            self.drills_overdue,
            self.evaluations_overdue,
            self.stock_low,
            self.stock_expiring,
            self.stock_expired,
        ]


@dataclass(frozen=True)
class Dashboard:
    today: datetime.date
    scope_label: str  # 全市, or the user's units
    is_city: bool
    explanation: str = ""  # why there is nothing to show (no unit, no role)
    tasks: TaskProgress | None = None
    supervision: SupervisionFigures | None = None
    hazards: HazardFigures | None = None
    risks: RiskFigures | None = None
    emergency: EmergencyFigures | None = None
    charts: dict = field(default_factory=dict)

    def figures(self) -> list[Figure]:
        """Every figure on the page (the tests follow each link)."""
        parts = (self.tasks, self.supervision, self.hazards, self.risks, self.emergency)
        return [figure for part in parts if part is not None for figure in part.figures()]


def _chart_figures(chart: Chart) -> list[Figure]:
    return [figure for series in chart.series for figure in series.figures]


def _href(url_name: str, **params) -> str:
    url = reverse(url_name)
    query = urlencode({key: value for key, value in params.items() if value is not None})
    return f"{url}?{query}" if query else url


def _bar_chart(*, key, title, categories, series_specs, counts, href, horizontal=False) -> Chart:
    """A stacked chart from ``counts`` {(category key, series key): n}.

    ``categories`` is [(category key, label)], ``series_specs`` [(series key, name, colour)],
    ``href(category key, series key)`` the list link of one bar part.
    """
    series = [
        Series(
            key=series_key,
            name=name,
            color=color,
            figures=[
                Figure(
                    key=f"{key}-{category_key}-{series_key}",
                    label=f"{label} · {name}",
                    value=counts.get((category_key, series_key), 0),
                    href=href(category_key, series_key),
                )
                for category_key, label in categories
            ],
        )
        for series_key, name, color in series_specs
    ]
    return Chart(
        key=key,
        title=title,
        categories=[label for _key, label in categories],
        series=series,
        horizontal=horizontal,
    )


# --- the selector ---------------------------------------------------------------------------


def dashboard(*, user, today: datetime.date, directive_id: int | None = None) -> Dashboard:
    """The dashboard for ``user`` on ``today``; ``directive_id`` picks the directive whose
    progress is shown (the latest visible one by default)."""
    scope = user_scope(user)
    if not scope.sees_all and not scope.is_unit_member:
        return Dashboard(
            today=today,
            scope_label="",
            is_city=False,
            explanation=_(
                "您的账号尚未加入任何单位，也没有安委办或审计角色，因此没有可显示的数据。"
                "请联系安委办或系统管理员为您分配单位。"
            ),
        )
    if scope.sees_all:
        label = _("全市")
    else:
        names = OrgUnit.objects.filter(pk__in=scope.unit_ids).order_by("sort_order", "name")
        label = "、".join(names.values_list("name", flat=True))
    tasks = task_progress(user=user, today=today, directive_id=directive_id)
    risks = risk_figures(user=user)
    charts = {
        chart.key: chart.payload() for chart in (tasks.by_section, tasks.by_unit, risks.by_township)
    }
    hazards = hazard_figures(user=user, today=today)
    charts[hazards.by_township.key] = hazards.by_township.payload()
    return Dashboard(
        today=today,
        scope_label=label,
        is_city=scope.sees_all,
        tasks=tasks,
        supervision=supervision_figures(user=user, today=today),
        hazards=hazards,
        risks=risks,
        emergency=emergency_figures(user=user, today=today),
        charts=charts,
    )


# --- 任务进展 -------------------------------------------------------------------------------

LIGHT_SERIES_ORDER = ("done", "done_late", "on_track", "due_soon", "overdue", "not_started")


def task_progress(*, user, today: datetime.date, directive_id: int | None = None) -> TaskProgress:
    from tasks.choices import Light
    from tasks.models import Directive, Milestone, Section, Task
    from tasks.selectors import DUE_SOON_DAYS, annotate_task_light, milestones_with_status

    directives = list(
        restrict(Directive.objects.all(), user, "view")
        .order_by("-issued_on", "-pk")
        .only("pk", "title", "doc_number", "issued_on", "is_demo")
    )
    directive = next((d for d in directives if d.pk == directive_id), None) or (
        directives[0] if directives else None
    )
    lights = [(code, Light(code).label) for code in LIGHT_SERIES_ORDER]
    specs = [(code, str(label), LIGHT_COLORS[code]) for code, label in lights]
    pk = directive.pk if directive else None

    def href(**params):
        return _href("tasks:task-list", directive=pk, **params)

    if directive is None:
        return TaskProgress(
            directive=None,
            directives=[],
            lights=[],
            by_section=Chart(key="tasks-by-section", title="", categories=[], series=[]),
            by_unit=Chart(key="tasks-by-unit", title="", categories=[], series=[]),
            overdue_milestones=[],
            due_soon_milestones=[],
        )

    tasks = restrict(Task.objects.filter(directive=directive), user, "view").order_by()
    section_counts: dict[tuple[int, str], int] = {}
    for row in (
        annotate_task_light(tasks, today=today)
        .values("section_id", "light_code")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        section_counts[(row["section_id"], row["light_code"])] = row["n"]
    section_ids = {section_id for section_id, _light in section_counts}
    sections = [
        (section.pk, f"{section.number}、{section.title}")
        for section in Section.objects.filter(pk__in=section_ids).order_by("order", "pk")
    ]
    totals = {code: 0 for code in LIGHT_SERIES_ORDER}
    for (_section, code), n in section_counts.items():
        totals[code] = totals.get(code, 0) + n

    unit_counts: dict[tuple[int, str], int] = {}
    units: dict[int, tuple] = {}
    for row in (
        annotate_task_light(tasks, today=today)
        .filter(assignments__unit__isnull=False)
        .values(
            "assignments__unit_id",
            "assignments__unit__name",
            "assignments__unit__short_name",
            "assignments__unit__sort_order",
            "light_code",
        )
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    ):
        unit_id = row["assignments__unit_id"]
        unit_counts[(unit_id, row["light_code"])] = row["n"]
        units[unit_id] = (
            row["assignments__unit__sort_order"],
            row["assignments__unit__name"],
            row["assignments__unit__short_name"] or row["assignments__unit__name"],
        )
    unit_categories = [
        (unit_id, short) for unit_id, (_order, _name, short) in sorted(units.items(), key=_by_order)
    ]

    by_section = _bar_chart(
        key="tasks-by-section",
        title=_("各部分任务亮灯"),
        categories=sections,
        series_specs=specs,
        counts=section_counts,
        href=lambda section, light: href(section=section, light=light),
        horizontal=True,
    )
    by_unit = _bar_chart(
        key="tasks-by-unit",
        title=_("各责任单位任务亮灯"),
        categories=unit_categories,
        series_specs=specs,
        counts=unit_counts,
        href=lambda unit, light: href(unit=unit, light=light),
        horizontal=True,
    )
    light_figures = [
        Figure(
            key=f"tasks-{code}",
            label=str(label),
            value=totals.get(code, 0),
            href=href(light=code),
            alert=code == Light.OVERDUE and bool(totals.get(code)),
        )
        for code, label in lights
    ]

    open_milestones = milestones_with_status(
        restrict(Milestone.objects.filter(task__directive=directive), user, "view"), today=today
    ).filter(done_on__isnull=True, due_on__isnull=False)
    fields = ("text", "due_on", "task_id", "task__number", "task__title", "task__lead_unit__name")

    def rows(queryset, late: bool) -> list[MilestoneRow]:
        return [
            MilestoneRow(
                text=row["text"],
                due_on=row["due_on"],
                task=f"{row['task__number']}. {row['task__title']}",
                lead_unit=row["task__lead_unit__name"] or "",
                href=reverse("tasks:task-detail", args=[row["task_id"]]),
                days=(today - row["due_on"]).days if late else (row["due_on"] - today).days,
            )
            for row in queryset.order_by("due_on", "pk").values(*fields)[:MILESTONES_SHOWN]
        ]

    return TaskProgress(
        directive=directive,
        directives=directives,
        lights=light_figures,
        by_section=by_section,
        by_unit=by_unit,
        overdue_milestones=rows(open_milestones.filter(due_on__lt=today), late=True),
        due_soon_milestones=rows(
            open_milestones.filter(
                due_on__gte=today, due_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS)
            ),
            late=False,
        ),
        all_tasks_href=href(),
    )


def _by_order(item):
    _pk, (order, name, _short) = item
    return (order, name)


# --- 督办单 ---------------------------------------------------------------------------------


def supervision_figures(*, user, today: datetime.date) -> SupervisionFigures:
    from portal.supervision.filters import STATE_OPEN
    from portal.supervision.models import NoticeState, SupervisionNotice

    week_ago = today - datetime.timedelta(days=7)
    eight_days = today - datetime.timedelta(days=8)
    fortnight = today - datetime.timedelta(days=15)
    older = today - datetime.timedelta(days=16)
    counts = (
        restrict(SupervisionNotice.objects.all(), user, "view")
        .exclude(state=NoticeState.CLOSED)
        .aggregate(
            total=Count("pk"),
            week=Count("pk", filter=Q(issued_on__gte=week_ago)),
            fortnight=Count("pk", filter=Q(issued_on__gte=fortnight, issued_on__lte=eight_days)),
            older=Count("pk", filter=Q(issued_on__lte=older)),
            interview=Count("pk", filter=Q(interview_required=True)),
            response_overdue=Count(
                "pk", filter=Q(state=NoticeState.ISSUED, response_due_on__lt=today)
            ),
        )
    )

    def href(**params):
        return _href("supervision:notice-list", state=STATE_OPEN, **params)

    return SupervisionFigures(
        open_total=Figure("notices-open", _("未办结督办单"), counts["total"], href()),
        by_age=[
            Figure(
                "notices-age-0-7",
                _("下发0–7天"),
                counts["week"],
                href(issued_after=week_ago.isoformat()),
            ),
            Figure(
                "notices-age-8-15",
                _("下发8–15天"),
                counts["fortnight"],
                href(issued_after=fortnight.isoformat(), issued_before=eight_days.isoformat()),
                alert=bool(counts["fortnight"]),
            ),
            Figure(
                "notices-age-over-15",
                _("下发超过15天"),
                counts["older"],
                href(issued_before=older.isoformat()),
                alert=bool(counts["older"]),
            ),
        ],
        interview=Figure(
            "notices-interview",
            _("列入约谈"),
            counts["interview"],
            href(interview_required="true"),
            alert=bool(counts["interview"]),
        ),
        response_overdue=Figure(
            "notices-response-overdue",
            _("反馈逾期"),
            counts["response_overdue"],
            href(response_overdue="true"),
            alert=bool(counts["response_overdue"]),
        ),
    )


# --- 隐患 -----------------------------------------------------------------------------------


def hazard_figures(*, user, today: datetime.date) -> HazardFigures:
    from hazards.choices import OPEN_STATES, HazardGrade, HazardState, ListingState
    from hazards.filters import CONFIRMED_STATES, STAGE_CONFIRMED, STAGE_OPEN
    from hazards.models import Hazard

    hazards = restrict(Hazard.objects.all(), user, "view").order_by()
    is_open = Q(state__in=OPEN_STATES)
    counts = hazards.aggregate(
        **{f"state_{state}": Count("pk", filter=Q(state=state)) for state in HazardState.values},
        **{
            f"open_{grade}": Count("pk", filter=is_open & Q(grade=grade))
            for grade in HazardGrade.values
        },
        overdue=Count("pk", filter=is_open & Q(deadline__lt=today)),
        listed=Count("pk", filter=Q(listing__state=ListingState.LISTED)),
    )
    township_counts: dict[tuple[int, str], int] = {}
    townships: dict[int, tuple] = {}
    for row in (
        hazards.filter(is_open, township__is_active=True)
        .values(
            "township_id", "township__name", "township__short_name", "township__sort_order", "grade"
        )
        .annotate(n=Count("pk"))
        .order_by()
    ):
        township_counts[(row["township_id"], row["grade"])] = row["n"]
        townships[row["township_id"]] = (
            row["township__sort_order"],
            row["township__name"],
            row["township__short_name"] or row["township__name"],
        )

    def href(**params):
        return _href("hazards:hazard-list", **params)

    grades = [(grade, str(label), GRADE_COLORS[grade]) for grade, label in HazardGrade.choices]
    by_township = _bar_chart(
        key="hazards-by-township",
        title=_("各镇街区未销号隐患"),
        categories=[(pk, name) for pk, (_o, name, _s) in sorted(townships.items(), key=_by_order)],
        series_specs=grades[::-1],  # 重大 drawn first, at the base of the bar
        counts=township_counts,
        href=lambda township, grade: href(stage=STAGE_OPEN, township=township, grade=grade),
    )
    confirmed = sum(counts[f"state_{state}"] for state in CONFIRMED_STATES)
    return HazardFigures(
        by_state=[
            Figure(
                f"hazards-state-{state}", str(label), counts[f"state_{state}"], href(state=state)
            )
            for state, label in HazardState.choices
        ],
        open_by_grade=[
            Figure(
                f"hazards-open-{grade}",
                _("未销号%(grade)s") % {"grade": label},
                counts[f"open_{grade}"],
                href(stage=STAGE_OPEN, grade=grade),
                alert=grade == HazardGrade.MAJOR and bool(counts[f"open_{grade}"]),
            )
            for grade, label in HazardGrade.choices
        ],
        by_township=by_township,
        closed=Figure(
            "hazards-closed",
            _("已销号"),
            counts[f"state_{HazardState.CLOSED}"],
            href(state=HazardState.CLOSED),
        ),
        confirmed=Figure(
            "hazards-confirmed", _("已确认隐患"), confirmed, href(stage=STAGE_CONFIRMED)
        ),
        overdue=Figure(
            "hazards-overdue",
            _("逾期未整改"),
            counts["overdue"],
            href(overdue="true"),
            alert=bool(counts["overdue"]),
        ),
        listed=Figure(
            "hazards-listed",
            _("挂牌督办重大隐患"),
            counts["listed"],
            href(listed="true"),
            alert=bool(counts["listed"]),
        ),
    )


# --- 风险 -----------------------------------------------------------------------------------


def risk_figures(*, user) -> RiskFigures:
    from risks.choices import LEVEL_COLORS, LEVEL_SHORT, RiskLevel
    from risks.filters import UNASSESSED
    from risks.models import RiskPoint

    rows = (
        restrict(RiskPoint.objects.filter(is_active=True), user, "view")
        .values(
            "township_id", "township__name", "township__short_name", "township__sort_order", "level"
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    level_totals: dict[str, int] = {}
    township_counts: dict[tuple[int, str], int] = {}
    townships: dict[int, tuple] = {}
    for row in rows:
        level = row["level"] or UNASSESSED
        level_totals[level] = level_totals.get(level, 0) + row["n"]
        if row["township_id"] is None:
            continue
        key = (row["township_id"], level)
        township_counts[key] = township_counts.get(key, 0) + row["n"]
        townships[row["township_id"]] = (
            row["township__sort_order"],
            row["township__name"],
            row["township__short_name"] or row["township__name"],
        )

    def href(**params):
        return _href("risks:point-list", active="true", **params)

    levels = [(str(level), str(LEVEL_SHORT[level]), LEVEL_COLORS[level]) for level in RiskLevel]
    levels.append((UNASSESSED, _("未评估"), UNASSESSED_COLOR))
    by_township = _bar_chart(
        key="risks-by-township",
        title=_("各镇街区风险点（按等级）"),
        categories=[(pk, name) for pk, (_o, name, _s) in sorted(townships.items(), key=_by_order)],
        series_specs=levels,
        counts=township_counts,
        href=lambda township, level: href(township=township, level=level),
    )
    return RiskFigures(
        by_level=[
            Figure(
                f"risks-{level}",
                name,
                level_totals.get(level, 0),
                href(level=level),
                alert=level == RiskLevel.RED and bool(level_totals.get(level)),
            )
            for level, name, _color in levels
        ],
        by_township=by_township,
        map_href=reverse("risks:map"),
        map_config={
            "townships_url": reverse("risks:map-townships"),
            "shapes_url": reverse("map:townships"),
            "map_url": reverse("risks:map"),
            "colors": {level: color for level, _name, color in levels},
            "labels": {level: name for level, name, _color in levels},
            "none_color": "#e9ecef",
            "text": {"points": _("个风险点"), "highest": _("最高等级")},
        },
    )


# --- 应急 -----------------------------------------------------------------------------------


def emergency_figures(*, user, today: datetime.date) -> EmergencyFigures:
    from emergency.coverage import coverage_matrix
    from emergency.filters import StockpileFilterSet
    from emergency.models import Stockpile
    from emergency.selectors import EXPIRY_WARNING_DAYS, expired_q, expiring_q, low_stock_q
    from emergency.selectors_plans import plan_figures

    coverage = coverage_matrix(user=user)
    plans = plan_figures(user=user, today=today)
    stock = restrict(Stockpile.objects.all(), user, "view").aggregate(
        low=Count("pk", filter=low_stock_q()),
        expiring=Count("pk", filter=expiring_q(today)),
        expired=Count("pk", filter=expired_q(today)),
    )

    def plans_href(**params):
        return _href("emergency:plan-list", **params)

    def stock_href(**params):
        return _href("emergency:stockpile-list", **params)

    return EmergencyFigures(
        coverage_gaps=Figure(
            "emergency-coverage-gaps",
            _("预案覆盖缺口"),
            coverage.gap_count,
            reverse("emergency:coverage"),
            alert=bool(coverage.gap_count),
        ),
        coverage_percentage=coverage.percentage,
        coverage_restricted=coverage.restricted,
        drills_overdue=Figure(
            "emergency-drills-overdue",
            _("演练逾期的预案"),
            plans["drill_overdue"],
            plans_href(drill_overdue="true"),
            alert=bool(plans["drill_overdue"]),
        ),
        evaluations_overdue=Figure(
            "emergency-evaluations-overdue",
            _("评估逾期的预案"),
            plans["evaluation_overdue"],
            plans_href(evaluation_overdue="true"),
            alert=bool(plans["evaluation_overdue"]),
        ),
        stock_low=Figure(
            "emergency-stock-low",
            _("低于最低储备"),
            stock["low"],
            stock_href(low="true"),
            alert=bool(stock["low"]),
        ),
        stock_expiring=Figure(
            "emergency-stock-expiring",
            _("%(days)d天内到期物资") % {"days": EXPIRY_WARNING_DAYS},
            stock["expiring"],
            stock_href(expiry=StockpileFilterSet.EXPIRY_SOON),
        ),
        stock_expired=Figure(
            "emergency-stock-expired",
            _("已过期物资"),
            stock["expired"],
            stock_href(expiry=StockpileFilterSet.EXPIRY_EXPIRED),
            alert=bool(stock["expired"]),
        ),
    )

"""信息公开 — the figures the city publishes on /public/, and the office's setting of them.

The public page has no user, so there is nothing to ``restrict`` to: its figures are city-wide
aggregates the office chose to publish (``PublicationSetting``), counts and rates only. Nothing
here names a person, a phone, an address or a single hazard, and the shelters are the ones the
office marked public. The figures are computed in a fixed number of aggregate queries and
cached for a few minutes, so the page states the time they were read.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from portal.permissions import require

from .models import PublicationSetting

CACHE_SECONDS = 300
CACHE_KEY = "dashboard:public-figures:v1"

SETTING_FIELDS = (
    "title",
    "introduction",
    "publish_tasks",
    "publish_hazards",
    "publish_shelters",
    "publish_risks",
)


def _rate(part: int, whole: int) -> Decimal | None:
    """A percentage with one decimal; None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part * 100) / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class SectionProgress:
    """One part (部分) of the directive: its tasks and how many are done."""

    name: str
    tasks: int
    tasks_done: int

    @property
    def rate(self) -> Decimal | None:
        return _rate(self.tasks_done, self.tasks)


@dataclass(frozen=True)
class TaskFigures:
    directive_title: str
    tasks: int
    tasks_done: int
    milestones: int
    milestones_on_time: int
    sections: list[SectionProgress] = field(default_factory=list)

    @property
    def rate(self) -> Decimal | None:
        return _rate(self.tasks_done, self.tasks)

    @property
    def on_time_rate(self) -> Decimal | None:
        return _rate(self.milestones_on_time, self.milestones)


@dataclass(frozen=True)
class HazardFigures:
    """This year's hazards: those found (confirmed or later) and those of them rectified."""

    year: int
    found: int
    closed: int
    major_found: int
    major_closed: int

    @property
    def rate(self) -> Decimal | None:
        return _rate(self.closed, self.found)


@dataclass(frozen=True)
class ShelterFigures:
    count: int
    capacity: int


@dataclass(frozen=True)
class RiskLevelCount:
    level: str
    label: str
    color: str
    count: int


@dataclass(frozen=True)
class PublicFigures:
    """What /public/ shows, as of ``as_of``; a section the city does not publish is None."""

    setting: PublicationSetting
    as_of: datetime.datetime
    tasks: TaskFigures | None
    hazards: HazardFigures | None
    shelters: ShelterFigures | None
    risks: list[RiskLevelCount] | None


# --- the figures ------------------------------------------------------------------------------


def task_figures(*, today: datetime.date) -> TaskFigures | None:
    """The latest directive: tasks done (亮灯 已完成 or 逾期完成) of all, milestones done on time
    of all, and tasks done per part. None when no directive has been imported."""
    from tasks.choices import Light
    from tasks.models import Directive, Milestone, Section, Task
    from tasks.selectors import annotate_task_light, milestones_with_status

    directive = Directive.objects.order_by("-issued_on", "-created_at").only("pk", "title").first()
    if directive is None:
        return None
    done = (Light.DONE.value, Light.DONE_LATE.value)
    per_section = {
        row["section_id"]: row
        for row in annotate_task_light(Task.objects.filter(directive=directive), today=today)
        .values("section_id")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(light_code__in=done)))
        .order_by()
    }
    sections = [
        SectionProgress(
            name=f"{section.number}、{section.title}",
            tasks=per_section[section.pk]["n"],
            tasks_done=per_section[section.pk]["done"],
        )
        for section in Section.objects.filter(pk__in=list(per_section)).order_by("order", "pk")
    ]
    milestones = milestones_with_status(
        Milestone.objects.filter(task__directive=directive), today=today
    ).aggregate(
        n=Count("pk"),
        on_time=Count(
            "pk",
            filter=Q(done_on__isnull=False)
            & (Q(due_on__isnull=True) | Q(done_on__lte=F("due_on"))),
        ),
    )
    return TaskFigures(
        directive_title=directive.title,
        tasks=sum(row["n"] for row in per_section.values()),
        tasks_done=sum(row["done"] for row in per_section.values()),
        milestones=milestones["n"],
        milestones_on_time=milestones["on_time"],
        sections=sections,
    )


def hazard_figures(*, today: datetime.date) -> HazardFigures:
    """Hazards found this year and confirmed (a report not yet confirmed, or rejected, is not a
    hazard yet), and how many of them are rectified and closed (销号)."""
    from hazards.choices import HazardGrade, HazardState
    from hazards.filters import CONFIRMED_STATES
    from hazards.models import Hazard

    closed = Q(state=HazardState.CLOSED)
    major = Q(grade=HazardGrade.MAJOR)
    counts = Hazard.objects.filter(found_on__year=today.year, state__in=CONFIRMED_STATES).aggregate(
        found=Count("pk"),
        closed=Count("pk", filter=closed),
        major_found=Count("pk", filter=major),
        major_closed=Count("pk", filter=major & closed),
    )
    return HazardFigures(year=today.year, **counts)


def shelter_figures() -> ShelterFigures:
    """The shelters the office published (the same ones /emergency/shelters/public/ shows)."""
    from emergency.selectors import public_shelters

    counts = public_shelters().order_by().aggregate(n=Count("pk"), capacity=Sum("capacity"))
    return ShelterFigures(count=counts["n"], capacity=counts["capacity"] or 0)


def risk_figures() -> list[RiskLevelCount]:
    """Risk points in control (active), counted by level: counts only, never a place."""
    from risks.choices import LEVEL_COLORS, RiskLevel
    from risks.models import RiskPoint

    counts = dict(
        RiskPoint.objects.filter(is_active=True, level__in=RiskLevel.values)
        .values_list("level")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        RiskLevelCount(
            level=level.value,
            label=str(level.label),
            color=LEVEL_COLORS[level],
            count=counts.get(level.value, 0),
        )
        for level in RiskLevel
    ]


def public_figures(*, now: datetime.datetime | None = None) -> PublicFigures:
    """The public page's figures, computed at most once per ``CACHE_SECONDS`` (per setting)."""
    setting = PublicationSetting.current()
    key = f"{CACHE_KEY}:{setting.pk or 0}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    now = now or timezone.now()
    today = timezone.localdate(now)
    figures = PublicFigures(
        setting=setting,
        as_of=now,
        tasks=task_figures(today=today) if setting.publish_tasks else None,
        hazards=hazard_figures(today=today) if setting.publish_hazards else None,
        shelters=shelter_figures() if setting.publish_shelters else None,
        risks=risk_figures() if setting.publish_risks else None,
    )
    cache.set(key, figures, CACHE_SECONDS)
    return figures


# --- the office's setting ---------------------------------------------------------------------


@transaction.atomic
def publication_setting_save(
    *,
    actor,
    title: str,
    introduction: str = "",
    publish_tasks: bool,
    publish_hazards: bool,
    publish_shelters: bool,
    publish_risks: bool,
) -> PublicationSetting:
    """Publish a new setting: always a new row, so the history shows who published what when.
    The page follows at once (its cache is keyed by the setting in force)."""
    setting = PublicationSetting(
        title=title,
        introduction=introduction,
        publish_tasks=publish_tasks,
        publish_hazards=publish_hazards,
        publish_shelters=publish_shelters,
        publish_risks=publish_risks,
        updated_by=actor,
    )
    require(actor, "add", setting)
    setting.full_clean()
    setting.save()
    return setting

"""Reads of the task ledger: traffic lights (亮灯), roll-ups of co-units' shares, and the
querysets the ledger, the report pages, the workbench and the API list.

Lights are derived, never stored: a milestone's light comes from its due date, today, and
the approved reports against it; a task's light from its milestones'. Querysets returned by
``milestones_with_status`` and ``tasks_with_status`` compute the lights for every row they
fetch with a fixed number of extra queries, so a page costs the same at any size.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    DateField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.db.models.query import ModelIterable
from django.shortcuts import get_object_or_404
from django.utils import timezone

from portal.permissions import restrict, user_scope

from .choices import Light, ReportState
from .models import Milestone, ProgressReport, ReportStep, Task

DUE_SOON_DAYS = 7

# Worst first: the light an open task shows is its worst open milestone's.
_OPEN_SEVERITY = {
    Light.OVERDUE: 3,
    Light.DUE_SOON: 2,
    Light.ON_TRACK: 1,
    Light.NOT_STARTED: 0,
}
_DONE = (Light.DONE, Light.DONE_LATE)


# --- lights (pure) --------------------------------------------------------------------------


def milestone_light(
    *,
    due_on: datetime.date | None,
    done_on: datetime.date | None,
    started: bool,
    today: datetime.date,
) -> Light:
    """The light of one milestone on ``today``."""
    if done_on is not None:
        return Light.DONE if due_on is None or done_on <= due_on else Light.DONE_LATE
    if due_on is None:  # 长期坚持: no date to be late against
        return Light.ON_TRACK if started else Light.NOT_STARTED
    if today > due_on:
        return Light.OVERDUE
    if (due_on - today).days <= DUE_SOON_DAYS:
        return Light.DUE_SOON
    return Light.ON_TRACK if started else Light.NOT_STARTED


def task_light(lights: list[Light]) -> Light:
    """The light of a task from its milestones' lights.

    All done → done (done late if any was late). Otherwise the worst open light; a task whose
    open milestones are all not started still counts as on track once any milestone is done
    or started, because work on it is visibly under way. A task without milestones is not
    started.
    """
    lights = [Light(light) for light in lights]
    if not lights:
        return Light.NOT_STARTED
    open_lights = [light for light in lights if light not in _DONE]
    if not open_lights:
        return Light.DONE_LATE if Light.DONE_LATE in lights else Light.DONE
    worst = max(open_lights, key=_OPEN_SEVERITY.__getitem__)
    if worst == Light.NOT_STARTED and len(open_lights) < len(lights):
        return Light.ON_TRACK
    return worst


# --- milestones -----------------------------------------------------------------------------


def _today(today: datetime.date | None) -> datetime.date:
    return today if today is not None else timezone.localdate()


class MilestoneStatusQuerySet(QuerySet):
    """Milestones that, when fetched, carry ``rollup_value``, ``unit_values`` and ``light``."""

    _status_today: datetime.date | None = None

    def _clone(self):
        clone = super()._clone()
        clone._status_today = self._status_today
        return clone

    def _fetch_all(self):
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and self._iterable_class is ModelIterable and self._result_cache:
            attach_rollups(self._result_cache, today=self._status_today)


class TaskStatusQuerySet(QuerySet):
    """Tasks that, when fetched, carry ``light`` (their milestones carry theirs)."""

    _status_today: datetime.date | None = None

    def _clone(self):
        clone = super()._clone()
        clone._status_today = self._status_today
        return clone

    def _fetch_all(self):
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and self._iterable_class is ModelIterable and self._result_cache:
            attach_task_lights(self._result_cache, today=self._status_today)


def _as(queryset: QuerySet, cls: type[QuerySet], today) -> QuerySet:
    clone = queryset._chain()
    clone.__class__ = cls
    clone._status_today = today
    return clone


def _approved_reports():
    return ProgressReport.objects.filter(milestone_id=OuterRef("pk"), state=ReportState.APPROVED)


def milestones_with_status(queryset: QuerySet, *, today: datetime.date | None = None) -> QuerySet:
    """Milestones annotated with ``done_on`` and ``started``; fetched rows also get roll-ups.

    ``done_on`` is the date the office approved the first completing report (``completes``)
    from the task's lead unit — from any unit when the task has no lead unit (the office
    reports itself on tasks without units). ``started`` is whether any report was approved.
    """
    completing = (
        _approved_reports()
        .filter(completes=True)
        .filter(
            Q(unit_id=OuterRef("task__lead_unit_id")) | Q(milestone__task__lead_unit__isnull=True)
        )
        .annotate(approved_on=TruncDate("reviewed_at"))
        .order_by("reviewed_at", "pk")
        .values("approved_on")[:1]
    )
    annotated = queryset.annotate(
        done_on=Subquery(completing, output_field=DateField()),
        started=Exists(_approved_reports()),
    )
    return _as(annotated, MilestoneStatusQuerySet, today)


def attach_rollups(
    milestones: Iterable[Milestone], *, today: datetime.date | None = None
) -> list[Milestone]:
    """Set ``unit_values`` ({unit_id: value}), ``rollup_value``, ``progress`` and ``light``.

    Each unit's share is the value of its latest approved report (a correction supersedes
    what it corrects because it is approved later); the roll-up is the sum of the shares.
    ``progress`` is the roll-up as a percentage of the target (None without a target).
    One query for all the milestones. They must come from ``milestones_with_status``.
    """
    milestones = list(milestones)
    today = _today(today)
    by_pk = {m.pk: m for m in milestones}
    values: dict[int, dict[int, Decimal]] = defaultdict(dict)
    if by_pk:
        rows = (
            ProgressReport.objects.filter(
                milestone_id__in=list(by_pk), state=ReportState.APPROVED, value__isnull=False
            )
            .order_by("milestone_id", "unit_id", "-reviewed_at", "-pk")
            .values_list("milestone_id", "unit_id", "value")
        )
        for milestone_id, unit_id, value in rows:
            values[milestone_id].setdefault(unit_id, value)  # the first row is the latest
    for milestone in milestones:
        milestone.unit_values = values.get(milestone.pk, {})
        milestone.rollup_value = (
            sum(milestone.unit_values.values(), Decimal(0)) if milestone.unit_values else None
        )
        milestone.progress = _progress(milestone)
        milestone.light = milestone_light(
            due_on=milestone.due_on,
            done_on=getattr(milestone, "done_on", None),
            started=bool(getattr(milestone, "started", False)),
            today=today,
        )
    return milestones


def _progress(milestone) -> Decimal | None:
    target = milestone.target_value
    if not target or milestone.rollup_value is None:
        return None
    return min(Decimal(100), (milestone.rollup_value * 100 / target).quantize(Decimal("0.1")))


# --- tasks ----------------------------------------------------------------------------------


def tasks_with_status(queryset: QuerySet, *, today: datetime.date | None = None) -> QuerySet:
    """Tasks with their milestones prefetched (with status); fetched tasks carry ``light``."""
    milestones = milestones_with_status(Milestone.objects.order_by("order", "due_on"), today=today)
    prefetched = queryset.prefetch_related(Prefetch("milestones", queryset=milestones))
    return _as(prefetched, TaskStatusQuerySet, today)


def attach_task_lights(tasks: Iterable[Task], *, today: datetime.date | None = None) -> list[Task]:
    """Set ``light`` on each task from its prefetched milestones' lights.

    Milestones prefetched by ``tasks_with_status`` already carry their lights; otherwise their
    roll-ups are attached here, in one query for all the tasks.
    """
    tasks = list(tasks)
    unlit = [
        milestone
        for task in tasks
        for milestone in task.milestones.all()
        if not hasattr(milestone, "light")
    ]
    if unlit:
        attach_rollups(unlit, today=today)
    for task in tasks:
        task.light = task_light([m.light for m in task.milestones.all()])
    return tasks


def annotate_task_light(queryset: QuerySet, *, today: datetime.date | None = None) -> QuerySet:
    """Tasks annotated with ``light_code``: the light ``selectors.task_light`` gives, in SQL.

    For filtering and counting by light in the database (pagination, counts per directive);
    a fetched task's ``.light`` still comes from ``selectors.attach_task_lights``. The two agree
    (tests/tasks/test_ledger_pages.py checks every light). Added by the ledger.
    """
    today = _today(today)
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    milestones = milestones_with_status(
        Milestone.objects.filter(task_id=OuterRef("pk")), today=today
    )
    open_ = milestones.filter(done_on__isnull=True)
    done = milestones.filter(done_on__isnull=False)
    return queryset.annotate(
        light_code=Case(
            When(Exists(open_.filter(due_on__lt=today)), then=Value(Light.OVERDUE.value)),
            When(
                Exists(open_.filter(due_on__gte=today, due_on__lte=soon)),
                then=Value(Light.DUE_SOON.value),
            ),
            # Work visibly under way: an open milestone started, or another one done.
            When(
                Exists(open_.filter(started=True)) | (Exists(open_) & Exists(done)),
                then=Value(Light.ON_TRACK.value),
            ),
            When(Exists(open_) | ~Exists(milestones), then=Value(Light.NOT_STARTED.value)),
            When(Exists(done.filter(done_on__gt=F("due_on"))), then=Value(Light.DONE_LATE.value)),
            default=Value(Light.DONE.value),
            output_field=CharField(),
        )
    )


def _task_base() -> QuerySet:
    return Task.objects.select_related("directive", "section", "lead_unit").prefetch_related(
        Prefetch("assignments", queryset=_assignments())
    )


def _assignments():
    from .models import Assignment

    return Assignment.objects.select_related("unit").order_by("order", "pk")


def task_list(*, user, today: datetime.date | None = None) -> QuerySet:
    """The tasks the user may see, with units and lights, in directive order."""
    return tasks_with_status(restrict(_task_base(), user, "view"), today=today)


def task_detail(*, user, pk, today: datetime.date | None = None) -> Task:
    """One task the user may see (404 otherwise), with milestones, lights and roll-ups."""
    return get_object_or_404(task_list(user=user, today=today), pk=pk)


def unit_tasks(*, user, today: datetime.date | None = None) -> QuerySet:
    """Tasks assigned to one of the user's own units (the staff workbench's list)."""
    scope = user_scope(user)
    assigned = Q(assignments__unit_id__in=scope.unit_ids)
    return task_list(user=user, today=today).filter(
        pk__in=Task.objects.filter(assigned).values("pk")
    )


def task_reports(*, user, task: Task) -> QuerySet:
    """The progress reports on ``task`` the user may see, newest first."""
    return report_list(user=user).filter(milestone__task=task)


# --- reports --------------------------------------------------------------------------------


def report_list(*, user) -> QuerySet:
    """Reports the user may see, with what their rows show."""
    return restrict(
        ProgressReport.objects.select_related(
            "milestone__task__lead_unit", "unit", "author__profile", "corrects"
        ),
        user,
        "view",
    )


def report_detail(*, user, pk) -> ProgressReport:
    """One report the user may see (404 otherwise), with evidence and steps prefetched."""
    steps = ReportStep.objects.select_related("actor__profile").order_by("at", "pk")
    queryset = (
        report_list(user=user)
        .select_related("milestone__task__directive", "confirmed_by", "reviewed_by")
        .prefetch_related("evidence", Prefetch("steps", queryset=steps))
    )
    return get_object_or_404(queryset, pk=pk)


def reports_awaiting_confirmation(*, user) -> QuerySet:
    """Submitted reports of the units the user leads (负责人确认)."""
    scope = user_scope(user)
    return (
        report_list(user=user)
        .filter(state=ReportState.SUBMITTED, unit_id__in=scope.leader_unit_ids)
        .order_by("submitted_at", "pk")
    )


def reports_awaiting_review(*, user) -> QuerySet:
    """Confirmed reports waiting for the office's review (安委办审核); none for anyone else."""
    scope = user_scope(user)
    queryset = report_list(user=user).filter(state=ReportState.CONFIRMED)
    if not scope.writes_all:
        return queryset.none()
    return queryset.order_by("confirmed_at", "pk")


def reports_returned(*, user) -> QuerySet:
    """Reports returned to the user and not yet resubmitted: written by them, or by a colleague
    of a unit where they are staff (a leader's own returns do not come back to the leader)."""
    scope = user_scope(user)
    staff_units = scope.unit_ids - scope.leader_unit_ids
    mine = Q(author_id=scope.user_id) | Q(unit_id__in=staff_units)
    return (
        report_list(user=user)
        .filter(mine, state=ReportState.RETURNED)
        .order_by("-reviewed_at", "-pk")
    )


def milestones_due(*, user, within_days: int = 30, today: datetime.date | None = None) -> QuerySet:
    """Open milestones of the user's units' tasks due within ``within_days`` (overdue included).

    "Open" means not done: no completing report approved yet. Soonest first.
    """
    today = _today(today)
    scope = user_scope(user)
    queryset = restrict(
        Milestone.objects.select_related("task__lead_unit", "task__directive"), user, "view"
    ).filter(
        task__in=Task.objects.filter(assignments__unit_id__in=scope.unit_ids).values("pk"),
        due_on__lte=today + datetime.timedelta(days=within_days),
    )
    return (
        milestones_with_status(queryset, today=today)
        .filter(done_on__isnull=True)
        .order_by("due_on", "pk")
    )


def milestone_notices(*, user, milestone_ids: list[int]) -> QuerySet:
    """The 督办单 issued on these milestones that the user may see (one query)."""
    from portal.supervision.models import SupervisionNotice

    from .deadlines import MilestoneDeadlines

    notices = SupervisionNotice.objects.filter(
        source=MilestoneDeadlines.name, object_id__in=milestone_ids
    )
    return restrict(notices, user, "view").order_by("issued_at", "pk")

"""What the task ledger has that falls due, for the deadline engine (``portal.deadlines``).

- ``tasks.milestone`` — a milestone's 完成时限: the task's units are reminded (a co-unit that
  has reported its share complete is left out), the lead unit (牵头单位) receives the 督办单,
  the co-units are named on it. Recurring milestones (每年3月; 每年4月和11月) get their next
  occurrence when the current one is done or its month has passed.
- ``tasks.report-confirm`` — a submitted report waits for its unit leader's confirmation
  (``PROGRESS_CONFIRM_WORKDAYS`` working days); ``tasks.report-review`` — a confirmed report
  waits for the office's review (``PROGRESS_REVIEW_WORKDAYS``). Both remind and mark
  overdue; neither issues a 督办单 (they are steps of the workflow, not the directive's dates).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from portal.deadlines import (
    DeadlineSource,
    DueItem,
    Occurrence,
    listed_months,
    monthly_periods,
    register_deadline_source,
)
from portal.workdays import WorkdayCalendar

from .choices import ReportState
from .models import Assignment, Milestone, ProgressReport
from .selectors import milestones_with_status


def _open_on(today: datetime.date) -> Q:
    """Not done on ``today`` (a report approved later does not count in a past sweep)."""
    return Q(done_on__isnull=True) | Q(done_on__gt=today)


def milestone_title(task_number: str, task_title: str, due_on: datetime.date) -> str:
    return _("任务%(number)s“%(title)s” · %(due)s节点") % {
        "number": task_number,
        "title": task_title,
        "due": f"{due_on.year}年{due_on.month}月{due_on.day}日",
    }


class MilestoneDeadlines(DeadlineSource):
    name = "tasks.milestone"
    model = Milestone
    label = gettext_lazy("任务节点")
    issues_notices = True

    def due_items(self, *, today, until, calendar: WorkdayCalendar):
        milestones = self.without_event(
            Milestone.objects.filter(due_on__isnull=False, due_on__lte=until),
            stage="overdue",  # the overdue backlog already marked stays out
        )
        rows = list(
            milestones_with_status(milestones, today=today)
            .filter(_open_on(today))
            .values(
                "pk",
                "due_on",
                "text",
                "task_id",
                "task__number",
                "task__title",
                "task__lead_unit_id",
            )
            .order_by("due_on", "pk")
        )
        if not rows:
            return []
        task_ids = {row["task_id"] for row in rows}
        units: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
        for task_id, unit_id, role, name in (
            Assignment.objects.filter(task_id__in=task_ids, unit__is_active=True)
            .order_by("task_id", "order")
            .values_list("task_id", "unit_id", "role", "unit__name")
        ):
            units[task_id].append((unit_id, role, name))
        finished = set(
            ProgressReport.objects.filter(
                milestone_id__in=[row["pk"] for row in rows],
                state=ReportState.APPROVED,
                completes=True,
                reviewed_at__date__lte=today,
            ).values_list("milestone_id", "unit_id")
        )
        items = []
        for row in rows:
            task_units = units.get(row["task_id"], [])
            co_names = "、".join(name for _u, role, name in task_units if role != "lead")
            items.append(
                DueItem(
                    object_id=row["pk"],
                    due_on=row["due_on"],
                    title=milestone_title(row["task__number"], row["task__title"], row["due_on"]),
                    text=row["text"],
                    link=reverse("tasks:task-detail", args=[row["task_id"]]),
                    unit_id=row["task__lead_unit_id"],
                    remind_unit_ids=tuple(
                        unit_id
                        for unit_id, _role, _name in task_units
                        if (row["pk"], unit_id) not in finished
                    ),
                    co_unit_names=co_names,
                )
            )
        return items

    def still_open(self, *, object_ids: Sequence[int], today) -> set[int]:
        return set(
            milestones_with_status(Milestone.objects.filter(pk__in=object_ids), today=today)
            .filter(_open_on(today))
            .values_list("pk", flat=True)
        )

    # --- recurrence -----------------------------------------------------------------------

    def next_occurrences(self, *, today) -> list[Occurrence]:
        """For every recurring series: the occurrences to create so that its latest one is
        still ahead (or open and not yet due). A done occurrence brings the next at once; a
        passed one brings every missed period up to the next one still to come."""
        heads = Milestone.objects.filter(series__isnull=True, due_on__isnull=False).exclude(
            recurrence_months=[]
        )
        rows = (
            milestones_with_status(
                Milestone.objects.filter(Q(pk__in=heads.values("pk")) | Q(series__in=heads)),
                today=today,
            )
            .values(
                "pk",
                "series_id",
                "due_on",
                "done_on",
                "recurrence_months",
                "task__number",
                "task__title",
            )
            .order_by("pk")
        )
        series: dict[int, dict] = {}
        for row in rows:
            head_id = row["series_id"] or row["pk"]
            entry = series.setdefault(head_id, {"latest": None})
            if row["series_id"] is None:
                entry["months"] = row["recurrence_months"]
                entry["task"] = (row["task__number"], row["task__title"])
            if row["due_on"] and (entry["latest"] is None or row["due_on"] > entry["latest"][0]):
                entry["latest"] = (row["due_on"], row["done_on"])
        wanted = []
        for head_id, entry in series.items():
            months = listed_months(entry.get("months"))
            if not months or entry["latest"] is None:
                continue
            due, done_on = entry["latest"]
            done = done_on is not None and done_on <= today
            while done or due < today:
                due = next_period_end(due, months)
                wanted.append(Occurrence(head_id, due, milestone_title(*entry["task"], due)))
                done = False
        return wanted

    def create_occurrences(self, occurrences: Sequence[Occurrence]) -> None:
        heads = Milestone.objects.in_bulk([o.object_id for o in occurrences])
        copies = []
        for occurrence in occurrences:
            head = heads[occurrence.object_id]
            copies.append(
                Milestone(
                    task_id=head.task_id,
                    text=head.text,
                    due_on=occurrence.due_on,
                    series=head,
                    target_value=head.target_value,
                    target_unit=head.target_unit,
                    target_subject=head.target_subject,
                    target_comparator=head.target_comparator,
                    order=head.order,
                )
            )
        bulk_create_with_history(copies, Milestone, batch_size=500)


def next_period_end(after: datetime.date, months: Sequence[int]) -> datetime.date:
    """The end of the first listed month that ends after ``after``."""
    return next(end for _start, end in monthly_periods(months, from_year=after.year) if end > after)


class ReportConfirmDeadlines(DeadlineSource):
    """A submitted report awaiting its unit leader's confirmation."""

    name = "tasks.report-confirm"
    model = ProgressReport
    label = gettext_lazy("进展报告确认")
    issues_notices = False
    state = ReportState.SUBMITTED
    stamp = "submitted_at"

    def workdays(self) -> int:
        return settings.PROGRESS_CONFIRM_WORKDAYS

    def due_on(self, stamp: datetime.datetime, calendar: WorkdayCalendar) -> datetime.date:
        return calendar.add_workdays(timezone.localdate(stamp), self.workdays())

    def _waiting(self, today):
        end = datetime.datetime.combine(
            today + datetime.timedelta(days=1),
            datetime.time(),
            tzinfo=timezone.get_current_timezone(),
        )
        return ProgressReport.objects.filter(state=self.state, **{f"{self.stamp}__lt": end})

    def due_items(self, *, today, until, calendar: WorkdayCalendar):
        rows = self._waiting(today).values_list(
            "pk",
            self.stamp,
            "unit_id",
            "unit__name",
            "milestone__task__number",
            "milestone__task__title",
        )
        items = []
        for pk, stamp, unit_id, unit_name, number, title in rows:
            due = self.due_on(stamp, calendar)
            if due > until:
                continue
            items.append(self.item(pk, due, unit_id, unit_name, number, title))
        return items

    def item(self, pk, due, unit_id, unit_name, number, title) -> DueItem:
        return DueItem(
            object_id=pk,
            due_on=due,
            title=_("%(unit)s 任务%(number)s“%(title)s”的进展报告待确认")
            % {"unit": unit_name, "number": number, "title": title},
            link=reverse("tasks:report-detail", args=[pk]),
            unit_id=unit_id,
            remind_unit_ids=(unit_id,),
            remind_role="leader",
        )

    def still_open(self, *, object_ids, today) -> set[int]:
        return set(self._waiting(today).filter(pk__in=object_ids).values_list("pk", flat=True))


class ReportReviewDeadlines(ReportConfirmDeadlines):
    """A confirmed report awaiting the office's review."""

    name = "tasks.report-review"
    label = gettext_lazy("进展报告审核")
    state = ReportState.CONFIRMED
    stamp = "confirmed_at"

    def workdays(self) -> int:
        return settings.PROGRESS_REVIEW_WORKDAYS

    def item(self, pk, due, unit_id, unit_name, number, title) -> DueItem:
        return DueItem(
            object_id=pk,
            due_on=due,
            title=_("%(unit)s 任务%(number)s“%(title)s”的进展报告待审核")
            % {"unit": unit_name, "number": number, "title": title},
            link=reverse("tasks:report-detail", args=[pk]),
            unit_id=unit_id,
            remind_office=True,
        )


register_deadline_source(MilestoneDeadlines())
register_deadline_source(ReportConfirmDeadlines())
register_deadline_source(ReportReviewDeadlines())

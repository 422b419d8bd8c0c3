"""The deadline engine: what falls due, who is told, and the 督办单 when it is missed.

Each app declares what it has that falls due in its own ``deadlines.py`` by registering a
``DeadlineSource`` (tasks: milestones and progress reviews; hazards, risks and emergency add
theirs). One ``sweep(now=...)`` — run by beat every ``DEADLINE_SWEEP_INTERVAL`` seconds
(``portal.jobs.sweep_deadlines``) and by ``manage.py sweep_deadlines`` — then:

1. creates the next occurrence of recurring items whose current one is done or has passed;
2. reminds the responsible units 7, 3 and 1 days before the due date — only the stage that
   applies at the sweep's time, a missed stage is not sent late;
3. on the day after the due date marks the item overdue and, for sources that issue them,
   issues a 督办单 to the responsible unit's leaders, copied to the office;
4. escalates a 督办单 still open (its item still undone) ``DEADLINE_GRACE_DAYS`` after issue to
   the office's leadership and flags it for 约谈.

Exactly once: every one of those acts first inserts a ``DeadlineEvent`` keyed (source, object,
stage, due date) under a unique constraint, with ``ON CONFLICT DO NOTHING``, tagged with this
sweep's id; only the rows this sweep inserted (its "winners") go on to notify, number a notice
or create an occurrence — in the same transaction. A second sweep, a concurrent one (it waits
on the first's uncommitted rows, then skips them) or a redelivered job finds nothing left to
win. Reads are bulk and writes batched (``DEADLINE_SWEEP_BATCH_SIZE`` items a transaction),
so the number of queries does not grow with the number of items due; outbound channels get the
new notifications after commit, as one job per batch.
"""

from __future__ import annotations

import calendar
import datetime
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import count, islice

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from portal.notifications.services import Message, notify_many
from portal.permissions import ROLE_OFFICE
from portal.workdays import WorkdayCalendar

logger = logging.getLogger(__name__)

CATEGORY_REMINDER = "deadline-reminder"
CATEGORY_OVERDUE = "deadline-overdue"
CATEGORY_NOTICE = "supervision-notice"
CATEGORY_ESCALATION = "supervision-escalation"

# Reminder stages by the days left before the due date (inclusive upper bounds): 7 days
# before up to 4 days before is the 7-day stage, 3 and 2 the 3-day stage, 1 and the day
# itself the 1-day stage.
_REMINDER_WINDOWS = ((1, "remind-1"), (3, "remind-3"), (7, "remind-7"))
REMINDER_HORIZON = 7


@dataclass(frozen=True)
class DueItem:
    """One thing that falls due, as a source describes it to the engine."""

    object_id: int
    due_on: datetime.date
    title: str
    text: str = ""
    link: str = ""
    # The responsible unit: its leaders receive the 督办单 (None: the office is told alone).
    unit_id: int | None = None
    # Units whose people are reminded: their staff, or their leaders with ``remind_role``
    # "leader" (either way the other role when a unit has none of the one asked for).
    remind_unit_ids: tuple[int, ...] = ()
    remind_role: str = "staff"
    # The office is reminded too (for what the office itself must do, e.g. a review).
    remind_office: bool = False
    co_unit_names: str = ""


@dataclass(frozen=True)
class Occurrence:
    """The next occurrence a recurring item should get: ``object_id`` names the series."""

    object_id: int
    due_on: datetime.date
    title: str


class DeadlineSource:
    """What an app registers. Subclasses set ``name``, ``model`` and ``label`` and answer:

    - ``due_items(today, until)`` — the items still open on ``today`` that are due on or
      before ``until``, leaving out those already marked overdue (``without_event``);
    - ``still_open(object_ids, today)`` — which of these items are still not done;
    - optionally ``next_occurrences(today)`` and ``create_occurrences(occurrences)``.
    """

    name: str = ""
    model: type[models.Model]
    label: str = ""
    issues_notices: bool = True

    def due_items(
        self, *, today: datetime.date, until: datetime.date, calendar: WorkdayCalendar
    ) -> Iterable[DueItem]:
        raise NotImplementedError

    def still_open(self, *, object_ids: Sequence[int], today: datetime.date) -> set[int]:
        raise NotImplementedError

    def next_occurrences(self, *, today: datetime.date) -> list[Occurrence]:
        return []

    def create_occurrences(self, occurrences: Sequence[Occurrence]) -> None:
        raise NotImplementedError

    def without_event(self, queryset: QuerySet, *, stage: str, due_field: str = "due_on"):
        """``queryset`` less the rows that already have an event of ``stage`` for their
        current due date (used to leave the overdue backlog out of every sweep)."""
        from portal.supervision.models import DeadlineEvent

        return queryset.exclude(
            Exists(
                DeadlineEvent.objects.filter(
                    source=self.name,
                    stage=stage,
                    object_id=OuterRef("pk"),
                    due_on=OuterRef(due_field),
                )
            )
        )


_SOURCES: dict[str, DeadlineSource] = {}


def register_deadline_source(source: DeadlineSource) -> DeadlineSource:
    """Add (or replace, by name) a source of deadlines; apps call it from their deadlines.py."""
    if not source.name:
        raise ValueError("a deadline source needs a name")
    _SOURCES[source.name] = source
    return source


def deadline_sources() -> list[DeadlineSource]:
    return list(_SOURCES.values())


def get_deadline_source(name: str) -> DeadlineSource | None:
    return _SOURCES.get(name)


def listed_months(values) -> list[int]:
    """A recurrence's months (每年4月和11月 → [4, 11]), cleaned: 1–12, sorted, once each."""
    return sorted({int(m) for m in values or [] if 1 <= int(m) <= 12})


def monthly_periods(
    months: Sequence[int], *, from_year: int
) -> Iterator[tuple[datetime.date, datetime.date]]:
    """(first day, last day) of each listed month, year after year from ``from_year``: what
    a recurring item (a milestone, an inspection drive) steps through."""
    if not months:
        return  # nothing recurs (and an endless loop over no months is avoided)
    for year in count(from_year):
        for month in months:
            last = calendar.monthrange(year, month)[1]
            yield datetime.date(year, month, 1), datetime.date(year, month, last)


def reminder_stage(days_left: int) -> str | None:
    """The reminder stage that applies with ``days_left`` days to go, if any."""
    if days_left < 0:
        return None
    for upper, stage in _REMINDER_WINDOWS:
        if days_left <= upper:
            return stage
    return None


@dataclass
class SweepResult:
    reminders: int = 0
    overdue: int = 0
    notices: int = 0
    escalations: int = 0
    recurrences: int = 0
    notification_ids: list[int] = field(default_factory=list, repr=False)

    def as_dict(self) -> dict[str, int]:
        return {
            "reminders": self.reminders,
            "overdue": self.overdue,
            "notices": self.notices,
            "escalations": self.escalations,
            "recurrences": self.recurrences,
        }


def _batches(items: Sequence, size: int):
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def sweep(*, now: datetime.datetime | None = None) -> SweepResult:
    """One sweep at ``now`` (aware; default the present). Safe to run twice or concurrently."""
    now = now or timezone.now()
    if timezone.is_naive(now):
        now = timezone.make_aware(now)
    run = _Sweep(now=now)
    for source in deadline_sources():
        run.recur(source)
    for source in deadline_sources():
        run.remind_and_mark(source)
    run.escalate()
    logger.info("deadline sweep at %s: %s", now.isoformat(), run.result.as_dict())
    return run.result


class _Sweep:
    """One sweep's state: its id, clock, calendar and the people it may address."""

    def __init__(self, *, now: datetime.datetime):
        self.now = now
        self.today = timezone.localdate(now)
        self.sweep_id = uuid.uuid4()
        self.calendar = WorkdayCalendar()
        self.batch_size = settings.DEADLINE_SWEEP_BATCH_SIZE
        self.result = SweepResult()
        self._office: tuple[list[int], list[int]] | None = None
        self._content_types: dict[str, ContentType] = {}

    # --- who ------------------------------------------------------------------------------

    def office(self) -> tuple[list[int], list[int]]:
        """(every office user, the office's leadership): leaders of an office unit who hold
        the office role; every office user when no leader is recorded."""
        if self._office is None:
            from responsibilities.models import Membership

            User = get_user_model()
            rows = list(
                User.objects.filter(is_active=True, groups__name=ROLE_OFFICE)
                .distinct()
                .values_list("pk", flat=True)
            )
            leaders = list(
                Membership.objects.filter(
                    user_id__in=rows,
                    role=Membership.Role.LEADER,
                    unit__kind="office",
                ).values_list("user_id", flat=True)
            )
            self._office = (sorted(rows), sorted(set(leaders)) or sorted(rows))
        return self._office

    @staticmethod
    def members(unit_ids: Iterable[int]) -> dict[int, dict[str, list[int]]]:
        """{unit: {"staff": [user ids], "leader": [user ids]}} for active people, one query."""
        from responsibilities.models import Membership

        found: dict[int, dict[str, list[int]]] = defaultdict(lambda: {"staff": [], "leader": []})
        unit_ids = set(unit_ids)
        if unit_ids:
            rows = Membership.objects.filter(
                unit_id__in=unit_ids, user__is_active=True
            ).values_list("unit_id", "role", "user_id")
            for unit_id, role, user_id in rows:
                found[unit_id][role].append(user_id)
        return found

    def content_type(self, source: DeadlineSource) -> ContentType:
        if source.name not in self._content_types:
            self._content_types[source.name] = ContentType.objects.get_for_model(source.model)
        return self._content_types[source.name]

    # --- the key --------------------------------------------------------------------------

    def claim(self, source: DeadlineSource, wanted: list[tuple[str, DueItem]]) -> set[tuple]:
        """Insert the events for ``wanted`` (stage, item) pairs; return the keys
        (object_id, stage, due_on) this sweep won. Must run inside the batch's transaction."""
        from portal.supervision.models import DeadlineEvent

        if not wanted:
            return set()
        ids = {item.object_id for _stage, item in wanted}
        existing = set(
            DeadlineEvent.objects.filter(source=source.name, object_id__in=ids).values_list(
                "object_id", "stage", "due_on"
            )
        )
        content_type = self.content_type(source)
        fresh = [
            DeadlineEvent(
                source=source.name,
                content_type=content_type,
                object_id=item.object_id,
                stage=stage,
                due_on=item.due_on,
                unit_id=item.unit_id,
                title=item.title[:300],
                sweep_id=self.sweep_id,
                occurred_at=self.now,
            )
            for stage, item in wanted
            if (item.object_id, stage, item.due_on) not in existing
        ]
        if not fresh:
            return set()
        # ON CONFLICT DO NOTHING: a concurrent sweep's row wins, this one is skipped.
        DeadlineEvent.objects.bulk_create(fresh, ignore_conflicts=True)
        return set(
            DeadlineEvent.objects.filter(
                sweep_id=self.sweep_id, source=source.name, object_id__in=ids
            ).values_list("object_id", "stage", "due_on")
        )

    # --- 1. recurrence --------------------------------------------------------------------

    def recur(self, source: DeadlineSource) -> None:
        occurrences = source.next_occurrences(today=self.today)
        for batch in _batches(occurrences, self.batch_size):
            with transaction.atomic():
                wanted = [
                    ("recur", DueItem(object_id=o.object_id, due_on=o.due_on, title=o.title))
                    for o in batch
                ]
                won = self.claim(source, wanted)
                chosen = [o for o in batch if (o.object_id, "recur", o.due_on) in won]
                if chosen:
                    source.create_occurrences(chosen)
                self.result.recurrences += len(chosen)

    # --- 2 and 3. reminders, overdue, 督办单 ------------------------------------------------

    def remind_and_mark(self, source: DeadlineSource) -> None:
        until = self.today + datetime.timedelta(days=REMINDER_HORIZON)
        wanted: list[tuple[str, DueItem]] = []
        for item in source.due_items(today=self.today, until=until, calendar=self.calendar):
            days_left = (item.due_on - self.today).days
            stage = "overdue" if days_left < 0 else reminder_stage(days_left)
            if stage:
                wanted.append((stage, item))
        for batch in _batches(wanted, self.batch_size):
            with transaction.atomic():
                won = self.claim(source, batch)
                chosen = [(s, i) for s, i in batch if (i.object_id, s, i.due_on) in won]
                if chosen:
                    self._act(source, chosen)

    def _act(self, source: DeadlineSource, chosen: list[tuple[str, DueItem]]) -> None:
        from portal.supervision.models import event_key

        unit_ids = set()
        for _stage, item in chosen:
            unit_ids.update(item.remind_unit_ids)
            if item.unit_id:
                unit_ids.add(item.unit_id)
        members = self.members(unit_ids)
        office, _leadership = self.office()
        messages: list[Message] = []
        overdue_items: list[DueItem] = []
        for stage, item in chosen:
            key = event_key(source.name, item.object_id, stage, item.due_on)
            if stage == "overdue":
                self.result.overdue += 1
                if source.issues_notices and item.unit_id:
                    overdue_items.append(item)
                    continue
                recipients = self._reminded(item, members) + office
                messages.append(self._overdue_message(item, key, recipients))
            else:
                self.result.reminders += 1
                recipients = self._reminded(item, members)
                if item.remind_office:
                    recipients += office
                messages.append(self._reminder_message(source, item, stage, key, recipients))
        if overdue_items:
            notices = self._issue_notices(source, overdue_items)
            for notice in notices:
                key = event_key(source.name, notice.object_id, "overdue", notice.due_on)
                unit = members.get(notice.unit_id, {"staff": [], "leader": []})
                leaders = unit["leader"] or unit["staff"]
                messages.append(self._notice_message(notice, key, leaders + office))
        self._send(messages)

    @staticmethod
    def _reminded(item: DueItem, members) -> list[int]:
        people: list[int] = []
        other = "staff" if item.remind_role == "leader" else "leader"
        for unit_id in item.remind_unit_ids:
            unit = members.get(unit_id)
            if unit:
                people += unit[item.remind_role] or unit[other]
        return people

    def _issue_notices(self, source: DeadlineSource, items: list[DueItem]):
        from portal.models import YearCounter
        from portal.supervision.models import NOTICE_COUNTER, SupervisionNotice, notice_number

        year = self.today.year
        first = YearCounter.take(NOTICE_COUNTER, year, count=len(items))
        response_due = self.calendar.add_workdays(
            self.today, settings.SUPERVISION_RESPONSE_WORKDAYS
        )
        content_type = self.content_type(source)
        notices = [
            SupervisionNotice(
                number=notice_number(year, first + i),
                year=year,
                sequence=first + i,
                source=source.name,
                content_type=content_type,
                object_id=item.object_id,
                item_title=item.title[:300],
                item_text=item.text,
                item_link=item.link,
                unit_id=item.unit_id,
                co_unit_names=item.co_unit_names[:500],
                due_on=item.due_on,
                issued_at=self.now,
                issued_on=self.today,
                response_due_on=response_due,
            )
            for i, item in enumerate(items)
        ]
        created = bulk_create_with_history(notices, SupervisionNotice, batch_size=500)
        self.result.notices += len(created)
        return created

    # --- 4. escalation --------------------------------------------------------------------

    def escalate(self) -> None:
        from portal.supervision.models import NoticeState, SupervisionNotice

        cutoff = self.today - datetime.timedelta(days=settings.DEADLINE_GRACE_DAYS)
        candidates = list(
            SupervisionNotice.objects.exclude(state=NoticeState.CLOSED)
            .select_related("unit")
            .filter(escalated_at__isnull=True, issued_on__lte=cutoff)
            .order_by("pk")
        )
        by_source: dict[str, list] = defaultdict(list)
        for notice in candidates:
            by_source[notice.source].append(notice)
        for name, notices in by_source.items():
            source = get_deadline_source(name)
            if source is None:
                continue
            for batch in _batches(notices, self.batch_size):
                open_ids = source.still_open(
                    object_ids=[n.object_id for n in batch], today=self.today
                )
                batch = [n for n in batch if n.object_id in open_ids]
                with transaction.atomic():
                    wanted = [
                        (
                            "escalate",
                            DueItem(
                                object_id=n.object_id,
                                due_on=n.due_on,
                                title=n.item_title,
                                unit_id=n.unit_id,
                            ),
                        )
                        for n in batch
                    ]
                    won = self.claim(source, wanted)
                    chosen = [n for n in batch if (n.object_id, "escalate", n.due_on) in won]
                    if chosen:
                        self._escalate(source, chosen)

    def _escalate(self, source: DeadlineSource, notices: list) -> None:
        from portal.supervision.models import SupervisionNotice, event_key

        for notice in notices:
            notice.escalated_at = self.now
            notice.interview_required = True
            notice.updated_at = self.now
        bulk_update_with_history(
            notices,
            SupervisionNotice,
            ["escalated_at", "interview_required", "updated_at"],
            batch_size=500,
        )
        self.result.escalations += len(notices)
        members = self.members({n.unit_id for n in notices})
        _office, leadership = self.office()
        messages = []
        for notice in notices:
            key = event_key(source.name, notice.object_id, "escalate", notice.due_on)
            leaders = members.get(notice.unit_id, {"leader": []})["leader"]
            messages.append(
                Message(
                    recipients=leadership + leaders,
                    title=_("升级督办：%(number)s 逾期未办结，建议约谈")
                    % {"number": notice.number},
                    body=_(
                        "%(unit)s 的督办事项“%(item)s”（原定完成时限 %(due)s）自 %(issued)s "
                        "下发督办单后超过 %(days)d 天仍未办结，已列入约谈。"
                    )
                    % {
                        "unit": notice.unit.display_name if notice.unit_id else "",
                        "item": notice.item_title,
                        "due": notice.due_on.isoformat(),
                        "issued": notice.issued_on.isoformat(),
                        "days": settings.DEADLINE_GRACE_DAYS,
                    },
                    link=notice.get_absolute_url(),
                    category=CATEGORY_ESCALATION,
                    unit_id=notice.unit_id,
                    key=key,
                )
            )
        self._send(messages)

    # --- messages -------------------------------------------------------------------------

    def _reminder_message(self, source, item: DueItem, stage: str, key: str, recipients):
        days = (item.due_on - self.today).days
        when = _("今天到期") if days == 0 else _("还有 %(days)d 天到期") % {"days": days}
        return Message(
            recipients=recipients,
            title=_("到期提醒：%(item)s（%(when)s）") % {"item": item.title, "when": when},
            body=_("%(label)s“%(item)s”的完成时限为 %(due)s，%(when)s，请按时完成并报送进展。")
            % {"label": source.label, "item": item.title, "due": item.due_on, "when": when},
            link=item.link,
            category=CATEGORY_REMINDER,
            unit_id=item.unit_id,
            key=key,
        )

    def _overdue_message(self, item: DueItem, key: str, recipients):
        return Message(
            recipients=recipients,
            title=_("逾期：%(item)s") % {"item": item.title},
            body=_("完成时限 %(due)s 已过，事项仍未完成。") % {"due": item.due_on},
            link=item.link,
            category=CATEGORY_OVERDUE,
            unit_id=item.unit_id,
            key=key,
        )

    def _notice_message(self, notice, key: str, recipients):
        return Message(
            recipients=recipients,
            title=_("督办单 %(number)s：%(item)s")
            % {"number": notice.number, "item": notice.item_title},
            body=_(
                "原定完成时限 %(due)s 已过，事项仍未完成。请于 %(response)s 前反馈逾期原因、"
                "整改措施及承诺完成日期。"
            )
            % {"due": notice.due_on, "response": notice.response_due_on},
            link=notice.get_absolute_url(),
            category=CATEGORY_NOTICE,
            unit_id=notice.unit_id,
            key=key,
        )

    def _send(self, messages: list[Message]) -> None:
        self.result.notification_ids += notify_many(messages)

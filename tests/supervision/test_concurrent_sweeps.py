"""Two sweeps at the same moment on PostgreSQL (as two beat ticks on two workers, or beat
and an operator's ``sweep_deadlines``): each on its own connection, released together by a
barrier. Between them every milestone is marked overdue once, every 督办单 issued once and
numbered without a gap, every person told once — and their counts add up to the totals."""

import datetime
import threading
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from portal.deadlines import sweep
from portal.notifications.models import Notification
from portal.supervision.models import DeadlineEvent, SupervisionNotice, notice_number
from tests.supervision.support import make_due_milestones

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NOW = timezone.make_aware(datetime.datetime(2019, 7, 1, 9, 0))
DUE = datetime.date(2019, 6, 30)
ITEMS = 300


def run_together(count: int, work):
    """Run ``work()`` in ``count`` threads, each on its own database connection, started
    by a barrier at the same instant; return their results (re-raising any error)."""
    barrier = threading.Barrier(count, timeout=30)
    results: list = [None] * count
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work()
        except BaseException as exc:  # reported in the test thread
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads), "a sweep hung"
    if errors:
        raise errors[0]
    return results


def test_two_sweeps_started_together_issue_each_notice_once_and_number_them_without_gaps(
    cast, settings
):
    # Many small transactions, so the two sweeps interleave batch by batch rather than one
    # taking everything in a single transaction while the other waits.
    settings.DEADLINE_SWEEP_BATCH_SIZE = 10
    units = [cast.zhujian_unit, cast.yingji_unit, cast.houzhen_unit]
    milestones = make_due_milestones(count=ITEMS, due_on=DUE, units=units, tasks_per_unit=10)

    first, second = run_together(2, lambda: sweep(now=NOW))

    assert first.overdue + second.overdue == ITEMS
    assert first.notices + second.notices == ITEMS
    assert first.reminders == second.reminders == 0
    assert len(first.notification_ids) + len(second.notification_ids) == ITEMS * 2
    assert not set(first.notification_ids) & set(second.notification_ids)

    events = Counter(DeadlineEvent.objects.values_list("object_id", "stage", "due_on"))
    assert events == {(m.pk, "overdue", DUE): 1 for m in milestones}
    notices = list(SupervisionNotice.objects.values_list("object_id", "sequence", "number"))
    assert sorted(object_id for object_id, _, _ in notices) == sorted(m.pk for m in milestones)
    assert sorted(sequence for _, sequence, _ in notices) == list(range(1, ITEMS + 1))
    assert {number for _, _, number in notices} == {
        notice_number(2019, n) for n in range(1, ITEMS + 1)
    }
    # Each notice goes to its lead unit's leader (the staff where none is recorded) and to
    # the office: two people a notice, once each.
    per_key = Counter(Notification.objects.values_list("key", flat=True))
    assert len(per_key) == ITEMS and set(per_key.values()) == {2}
    per_person = Counter(Notification.objects.values_list("recipient__username", flat=True))
    assert per_person == {
        "t-office": ITEMS,
        "t-zhujian-lead": ITEMS // 3,
        "t-yingji": ITEMS // 3,
        "t-houzhen": ITEMS // 3,
    }

    again = sweep(now=NOW)
    assert again.as_dict() == dict.fromkeys(again.as_dict(), 0)

"""A worker killed outright (SIGKILL to its process group) loses nothing and repeats
nothing: the job it held is not acknowledged (acks_late, reject_on_worker_lost), Redis hands
it to the restarted worker after the visibility timeout, and the exactly-once keys make the
second run finish only what the first did not commit."""

import datetime
import os
from collections import Counter

import pytest
from django.utils import timezone

from portal.deadlines import sweep
from portal.notifications.models import Delivery, Notification
from portal.notifications.services import deliveries_replan
from portal.supervision.models import DeadlineEvent, SupervisionNotice
from tests.supervision.support import (
    SLOW_MAIL_BACKEND,
    STALL_MARKER_ENV,
    make_due_milestones,
    read_mail,
    worker_mail_env,
)

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

REDELIVERY_TIMEOUT = 90  # the test settings' visibility timeout is 10 s


def all_sent() -> bool:
    return (
        Delivery.objects.exists()
        and not Delivery.objects.exclude(state=Delivery.State.SENT).exists()
    )


def planned_or_replanned() -> bool:
    """Every notification's deliveries planned; if not, queue the planning again as the
    ``replan_deliveries`` beat job would (re-planning one in flight is harmless)."""
    if not Notification.objects.filter(planned_at__isnull=True).exists():
        return True
    deliveries_replan(settle=datetime.timedelta(seconds=5))
    return False


def test_a_worker_killed_while_mailing_is_restarted_and_every_mail_goes_out_once(
    cast, start_celery_worker, tmp_path
):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    milestones = make_due_milestones(
        count=3, due_on=yesterday, units=[cast.zhujian_unit, cast.yingji_unit]
    )
    mail_dir, marker = tmp_path / "mail", tmp_path / "mail-stalled"
    worker = start_celery_worker(
        os.environ["REDIS_URL"],
        env=worker_mail_env(mail_dir, backend=SLOW_MAIL_BACKEND, **{STALL_MARKER_ENV: str(marker)}),
    )

    result = sweep()  # here; its deliveries are queued to the worker on commit
    assert result.notices == 3
    worker.wait_for(marker.exists, timeout=60)  # the worker is inside a send, stalled
    stalled = Delivery.objects.filter(state=Delivery.State.SENT).count()
    worker.kill()
    worker.restart()

    worker.wait_for(all_sent, timeout=REDELIVERY_TIMEOUT)

    assert stalled < Delivery.objects.count()  # the kill really left mail unsent
    assert SupervisionNotice.objects.count() == 3
    assert sorted(SupervisionNotice.objects.values_list("object_id", flat=True)) == sorted(
        m.pk for m in milestones
    )
    keys = Counter(Notification.objects.values_list("key", "recipient_id"))
    assert len(keys) == 3 * 2 and set(keys.values()) == {1}  # leader (or staff) + office
    deliveries = Counter(Delivery.objects.values_list("notification_id", "channel", "target"))
    assert set(deliveries.values()) == {1}
    mail = Counter((tuple(m["to"]), m["subject"]) for m in read_mail(mail_dir))
    assert sum(mail.values()) == Delivery.objects.filter(channel="email").count() == 6
    assert set(mail.values()) == {1}  # the stalled message was sent once, after the restart


def test_a_worker_killed_halfway_through_a_sweep_leaves_every_notice_issued_exactly_once(
    cast, start_celery_worker, tmp_path
):
    from portal.jobs import sweep_deadlines

    total = 300
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    milestones = make_due_milestones(
        count=total,
        due_on=yesterday,
        units=[cast.zhujian_unit, cast.yingji_unit, cast.houzhen_unit],
        tasks_per_unit=4,
    )
    # One item a transaction: the sweep commits as it goes, so a kill lands between batches
    # or inside one.
    worker = start_celery_worker(
        os.environ["REDIS_URL"],
        env=worker_mail_env(tmp_path / "mail", CHENGAN_TEST_SWEEP_BATCH_SIZE="1"),
    )

    sweep_deadlines.delay()
    worker.wait_for(
        lambda: DeadlineEvent.objects.filter(stage="overdue").count() >= 10, interval=0.02
    )
    worker.kill()
    done = DeadlineEvent.objects.filter(stage="overdue").count()
    assert 0 < done < total, "the sweep was not caught halfway; give it more items"
    worker.restart()

    worker.wait_for(
        lambda: DeadlineEvent.objects.filter(stage="overdue").count() == total,
        timeout=REDELIVERY_TIMEOUT,
    )
    # A kill between a batch's commit and the queueing of its delivery planning loses that
    # job (the notices stand). The beat job replan_deliveries queues it again for whatever is
    # still unplanned; here it runs at once instead of after its ten minutes' settling.
    worker.wait_for(lambda: Notification.objects.count() == total * 2, timeout=120)
    worker.wait_for(
        lambda: (
            not Notification.objects.filter(planned_at__isnull=True).exists()
            or deliveries_replan(settle=datetime.timedelta(seconds=5)) < 0
        ),
        timeout=120,
        interval=1,
    )
    worker.wait_for(lambda: Delivery.objects.count() == total * 2 and all_sent(), timeout=120)

    notices = list(SupervisionNotice.objects.values_list("object_id", "sequence"))
    assert sorted(object_id for object_id, _ in notices) == sorted(m.pk for m in milestones)
    assert sorted(sequence for _, sequence in notices) == list(range(1, total + 1))
    events = Counter(DeadlineEvent.objects.values_list("object_id", "stage"))
    assert set(events.values()) == {1}
    keys = Counter(Notification.objects.values_list("key", "recipient_id"))
    assert len(keys) == total * 2 and set(keys.values()) == {1}
    mail = read_mail(tmp_path / "mail")
    assert len(mail) == Delivery.objects.filter(channel="email").count() == total * 2

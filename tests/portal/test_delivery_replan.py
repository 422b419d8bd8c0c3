"""A notice whose delivery planning was lost (broker down, job gone) is planned again by the
beat job, so its e-mail still goes out; nothing is planned twice or sent twice."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from portal.celery import app
from portal.notifications.models import Delivery, Notification
from portal.notifications.services import deliveries_replan, notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs_run_inline():
    """Celery's eager mode: ``delay`` runs the job at once in this process (no broker)."""
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False
    app.conf.task_eager_propagates = False


def lost_notice(user, minutes_ago: int) -> Notification:
    """A notice saved, but whose planning job never ran: as when the broker was down."""
    notice = Notification.objects.create(recipient=user, title="督办单：燃气排查", key=None)
    Notification.objects.filter(pk=notice.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )
    return notice


def test_a_notice_whose_planning_was_lost_is_planned_again_and_mailed_once(
    cast, jobs_run_inline, django_capture_on_commit_callbacks
):
    notice = lost_notice(cast.zhujian, minutes_ago=20)

    with django_capture_on_commit_callbacks(execute=True):  # the sending job, after commit
        assert deliveries_replan() == 1

    notice.refresh_from_db()
    assert notice.planned_at is not None
    assert [m.to for m in mail.outbox] == [[cast.zhujian.email]]
    assert Delivery.objects.get(notification=notice).state == Delivery.State.SENT
    assert deliveries_replan() == 0
    assert len(mail.outbox) == 1


def test_a_fresh_or_ancient_unplanned_notice_is_left_alone(cast, jobs_run_inline):
    lost_notice(cast.zhujian, minutes_ago=2)  # its planning job may still be on its way
    lost_notice(cast.zhujian, minutes_ago=60 * 24 * 8)  # older than the window

    assert deliveries_replan() == 0
    assert mail.outbox == []


def test_a_notice_planned_on_commit_is_marked_planned(
    cast, jobs_run_inline, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (notice,) = notify(recipients=[cast.zhujian], title="到期提醒：燃气排查")

    notice.refresh_from_db()
    assert notice.planned_at is not None
    assert Notification.objects.filter(planned_at__isnull=True).count() == 0

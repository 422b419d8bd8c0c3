"""The deadline engine on its real schedule: a Celery worker running beat on Redis sweeps
every few seconds by itself — nobody calls ``sweep`` — issues the 督办单 for a milestone
whose date has passed, e-mails the reminder for one due in three days, and sends each once
however many sweeps follow."""

import datetime
import os
from collections import Counter

import pytest
from django.utils import timezone

from portal.notifications.models import Delivery, Notification, NotificationPreference
from portal.supervision.models import DeadlineEvent, SupervisionNotice, event_key
from tests.supervision.support import read_mail, worker_mail_env
from tests.tasks.factories import MilestoneFactory, make_task

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

SWEEP_INTERVAL = 2  # seconds, through the worker's DEADLINE_SWEEP_INTERVAL


def sweeps_run(worker) -> int:
    return worker.log().count("Task portal.jobs.sweep_deadlines[")


def test_beat_issues_the_notice_and_mails_the_reminder_without_anyone_calling_sweep(
    cast, start_celery_worker, tmp_path
):
    today = timezone.localdate()
    for user in (cast.zhujian, cast.zhujian_lead, cast.yingji, cast.office):
        NotificationPreference.objects.create(user=user)  # immediate, e-mail on
    task = make_task(lead=cast.zhujian_unit, co=[cast.yingji_unit])
    missed = MilestoneFactory(task=task, due_on=today - datetime.timedelta(days=1))
    coming = MilestoneFactory(task=task, due_on=today + datetime.timedelta(days=3))
    mail_dir = tmp_path / "mail"

    worker = start_celery_worker(
        os.environ["REDIS_URL"],
        beat=True,
        env=worker_mail_env(mail_dir, DEADLINE_SWEEP_INTERVAL=str(SWEEP_INTERVAL)),
    )

    notice = worker.wait_for(
        lambda: SupervisionNotice.objects.filter(object_id=missed.pk).first(), timeout=60
    )
    assert notice.unit == cast.zhujian_unit
    assert notice.due_on == missed.due_on
    assert notice.issued_on == today
    assert "Task portal.jobs.sweep_deadlines[" in worker.log()  # the beat's sweep did it

    reminder_subject = worker.wait_for(
        lambda: next(
            (m["subject"] for m in read_mail(mail_dir) if m["to"] == [cast.zhujian.email]), None
        ),
        timeout=60,
    )
    assert reminder_subject.startswith("到期提醒：")
    assert "还有 3 天到期" in reminder_subject
    assert str(task.number) in reminder_subject

    # More sweeps come every two seconds; none repeats what the first one did.
    seen = sweeps_run(worker)
    worker.wait_for(lambda: sweeps_run(worker) >= seen + 2, timeout=30)
    worker.wait_for(
        lambda: (
            Delivery.objects.exists()
            and not Delivery.objects.exclude(state=Delivery.State.SENT).exists()
        ),
        timeout=60,
    )

    assert SupervisionNotice.objects.count() == 1
    stages = Counter(DeadlineEvent.objects.values_list("object_id", "stage"))
    assert stages == {(missed.pk, "overdue"): 1, (coming.pk, "remind-3"): 1}
    notice_key = event_key("tasks.milestone", missed.pk, "overdue", missed.due_on)
    reminder_key = event_key("tasks.milestone", coming.pk, "remind-3", coming.due_on)
    by_key = Counter(Notification.objects.values_list("key", "recipient__username"))
    assert by_key == {
        (notice_key, "t-zhujian-lead"): 1,  # the lead unit's leader gets the 督办单
        (notice_key, "t-office"): 1,  # copied to the office
        (reminder_key, "t-zhujian"): 1,  # the task's units' staff are reminded
        (reminder_key, "t-yingji"): 1,
    }
    email = Delivery.objects.filter(channel=Delivery.Channel.EMAIL)
    assert email.count() == 4 and set(email.values_list("state", flat=True)) == {"sent"}
    sent = Counter((tuple(m["to"]), m["subject"]) for m in read_mail(mail_dir))
    assert sorted(to for (to,), _subject in sent) == sorted(
        u.email for u in (cast.zhujian, cast.zhujian_lead, cast.yingji, cast.office)
    )
    assert set(sent.values()) == {1}
    assert sent[((cast.zhujian_lead.email,), f"督办单 {notice.number}：{notice.item_title}")] == 1

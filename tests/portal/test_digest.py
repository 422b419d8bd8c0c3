"""The morning digest (每日汇总): one message a day per person who chose it, listing what
arrived since their last digest; nothing for an empty list or for people who chose
immediate delivery; delivered by e-mail like any notice; on beat at 08:00."""

from __future__ import annotations

from datetime import timedelta

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.utils import timezone

from portal.notifications.models import Notification, NotificationPreference
from portal.notifications.services import (
    CATEGORY_DIGEST,
    digests_send,
    notification_deliver,
    notification_mark_read,
    notification_preference_set,
    notify,
)

pytestmark = pytest.mark.django_db


def choose_digest(user, *, email: bool = True) -> None:
    notification_preference_set(
        actor=user,
        user=user,
        mode=NotificationPreference.Mode.DIGEST,
        email_enabled=email,
        sms_enabled=False,
    )


def digests(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, category=CATEGORY_DIGEST))


def test_each_digest_person_gets_one_digest_listing_their_new_notices(cast):
    choose_digest(cast.yingji)
    choose_digest(cast.houzhen)
    notify(recipients=[cast.yingji], title="到期提醒：任务8（还有 3 天到期）")
    notify(recipients=[cast.yingji, cast.houzhen], title="督办单 城安督〔2026〕1号：任务15")

    assert digests_send(now=timezone.now()) == 2

    [digest] = digests(cast.yingji)
    assert "2 条新通知" in digest.title
    assert digest.body.splitlines() == [
        "· 督办单 城安督〔2026〕1号：任务15",
        "· 到期提醒：任务8（还有 3 天到期）",
    ]
    [digest] = digests(cast.houzhen)
    assert "1 条新通知" in digest.title
    assert digest.body == "· 督办单 城安督〔2026〕1号：任务15"


def test_nobody_with_nothing_new_hears_anything(cast):
    choose_digest(cast.yingji)
    assert digests_send(now=timezone.now()) == 0
    assert not Notification.objects.exists()


def test_a_notice_already_read_is_not_listed_again(cast):
    choose_digest(cast.yingji)
    [read] = notify(recipients=[cast.yingji], title="已读的通知")
    notification_mark_read(actor=cast.yingji, notification=read)
    assert digests_send(now=timezone.now()) == 0
    assert digests(cast.yingji) == []


def test_people_who_chose_immediate_delivery_get_no_digest(cast):
    choose_digest(cast.yingji)
    notification_preference_set(
        actor=cast.zhujian,
        user=cast.zhujian,
        mode=NotificationPreference.Mode.IMMEDIATE,
        email_enabled=True,
        sms_enabled=False,
    )
    # houzhen never chose: immediate is the default.
    notify(recipients=[cast.zhujian, cast.houzhen, cast.yingji], title="逾期：任务15")
    assert digests_send(now=timezone.now()) == 1
    assert digests(cast.zhujian) == [] and digests(cast.houzhen) == []
    assert len(digests(cast.yingji)) == 1


def test_a_second_run_the_same_day_sends_nothing(cast):
    choose_digest(cast.yingji)
    notify(recipients=[cast.yingji], title="逾期：任务15")
    now = timezone.now()
    assert digests_send(now=now) == 1
    assert digests_send(now=now) == 0
    assert len(digests(cast.yingji)) == 1


def test_a_notice_arriving_after_the_days_digest_waits_for_the_next_one(cast):
    choose_digest(cast.yingji)
    notify(recipients=[cast.yingji], title="逾期：任务15")
    now = timezone.now()
    assert digests_send(now=now) == 1
    notify(recipients=[cast.yingji], title="到期提醒：任务8（今天到期）")
    # A redelivered job the same day sends nothing, and must not swallow the new notice.
    assert digests_send(now=timezone.now()) == 0
    assert digests_send(now=timezone.now() + timedelta(days=1)) == 1
    latest = max(digests(cast.yingji), key=lambda n: n.pk)
    assert latest.body == "· 到期提醒：任务8（今天到期）"


def test_the_next_days_digest_lists_only_what_arrived_since(cast):
    choose_digest(cast.yingji)
    notify(recipients=[cast.yingji], title="第一天的通知")
    assert digests_send(now=timezone.now()) == 1
    assert digests_send(now=timezone.now() + timedelta(days=1)) == 0


def test_the_digest_is_emailed_to_a_digest_person_and_the_notice_itself_is_not(cast):
    choose_digest(cast.yingji)
    [notice] = notify(recipients=[cast.yingji], title="督办单 城安督〔2026〕1号：任务15")
    assert notification_deliver(notification_id=notice.pk) == []
    assert mail.outbox == []  # digest mode: the notice waits for the morning

    digests_send(now=timezone.now())
    [digest] = digests(cast.yingji)
    assert notification_deliver(notification_id=digest.pk) == []
    [message] = mail.outbox
    assert message.to == [cast.yingji.email]
    assert message.subject == digest.title
    assert "督办单 城安督〔2026〕1号：任务15" in message.body


def test_a_digest_person_who_switched_email_off_gets_no_mail(cast):
    choose_digest(cast.yingji, email=False)
    notify(recipients=[cast.yingji], title="逾期：任务15")
    digests_send(now=timezone.now())
    [digest] = digests(cast.yingji)
    notification_deliver(notification_id=digest.pk)
    assert mail.outbox == []


def test_beat_runs_the_digest_at_eight_and_the_sweep_every_interval():
    from portal.celery import app

    schedule = app.conf.beat_schedule
    digest = schedule["morning-digest"]
    assert digest["task"] == "portal.jobs.send_digests"
    assert digest["schedule"] == crontab(hour=8, minute=0)
    assert app.conf.timezone == "Asia/Shanghai"
    sweep = schedule["sweep-deadlines"]
    assert sweep["task"] == "portal.jobs.sweep_deadlines"
    assert sweep["schedule"] == timedelta(seconds=settings.DEADLINE_SWEEP_INTERVAL)
    from portal.jobs import send_digests, sweep_deadlines

    assert (send_digests.name, sweep_deadlines.name) == (digest["task"], sweep["task"])

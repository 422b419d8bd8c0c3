"""The demo's 督办: seed_demo runs the deadline sweep as beat would have since the shifted
issue date, so task 15's missed April 排查 has a 督办单 issued the day after its date,
escalated for 约谈 and answered by zhujian-lead; a second seed adds nothing."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from portal.notifications.models import Notification
from portal.supervision.models import DeadlineEvent, NoticeState, SupervisionNotice
from responsibilities.demo import seed_demo
from tasks.models import Directive, Milestone

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    seed_demo()
    return Directive.objects.get()


def test_the_missed_april_inspection_got_its_notice_the_day_after_its_date(seeded):
    notice = SupervisionNotice.objects.get(source="tasks.milestone")
    milestone = Milestone.objects.get(pk=notice.object_id)
    assert (milestone.task.directive, milestone.task.number) == (seeded, "15")
    assert notice.unit.name == "市住建局"
    assert notice.due_on == milestone.due_on
    assert notice.issued_on == milestone.due_on + datetime.timedelta(days=1)
    assert notice.number == f"城安督〔{notice.issued_on.year}〕1号"
    assert notice.issued_on < timezone.localdate()


def test_the_notice_is_escalated_for_an_interview_and_answered_by_zhujian_lead(seeded):
    notice = SupervisionNotice.objects.get(source="tasks.milestone")
    assert notice.interview_required and notice.escalated_at is not None
    assert notice.state == NoticeState.REPLIED
    assert notice.replied_by.username == "zhujian-lead"
    assert notice.reply_reason and notice.reply_measures
    assert notice.committed_on > timezone.localdate()
    # Nothing happened in the future: every event is at or before now.
    assert not DeadlineEvent.objects.filter(occurred_at__gt=timezone.now()).exists()


def test_the_office_has_the_reply_waiting_and_the_leader_has_read_what_he_answered(seeded):
    notice = SupervisionNotice.objects.get(source="tasks.milestone")
    link = notice.get_absolute_url()
    office_unread = Notification.objects.filter(
        recipient__username="office", link=link, read_at__isnull=True
    )
    assert office_unread.filter(title__contains="已反馈").exists()
    assert not Notification.objects.filter(
        recipient__username="zhujian-lead", link=link, read_at__isnull=True
    ).exists()


def test_a_second_seed_creates_no_new_events_notices_or_notifications(seeded):
    before = (
        DeadlineEvent.objects.count(),
        list(SupervisionNotice.objects.values_list("pk", "state", "updated_at")),
        Notification.objects.count(),
    )
    seed_demo()
    after = (
        DeadlineEvent.objects.count(),
        list(SupervisionNotice.objects.values_list("pk", "state", "updated_at")),
        Notification.objects.count(),
    )
    assert after == before

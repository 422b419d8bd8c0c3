"""督办单 services: the unit's leader replies (amendable until closed), the office closes;
every refusal leaves the notice unchanged and says why in Chinese."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from portal.notifications.models import Notification
from portal.supervision.models import NoticeState, SupervisionNotice
from portal.supervision.services import notice_close, notice_reply
from tests.supervision.factories import SupervisionNoticeFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
NEXT_MONTH = TODAY + datetime.timedelta(days=30)


@pytest.fixture
def notice(cast):
    return SupervisionNoticeFactory(unit=cast.zhujian_unit)


def reply(actor, notice, **overrides):
    kwargs = {
        "reason": "雨季施工受阻",
        "measures": "增派两个施工队，每周调度",
        "committed_on": NEXT_MONTH,
        **overrides,
    }
    return notice_reply(actor=actor, notice=notice, **kwargs)


def state_of(notice) -> str:
    return SupervisionNotice.objects.get(pk=notice.pk).state


def test_unit_leader_replies_and_the_office_is_told(cast, notice):
    replied = reply(cast.zhujian_lead, notice)
    assert replied.state == NoticeState.REPLIED
    assert replied.replied_by == cast.zhujian_lead
    assert replied.replied_at is not None
    assert replied.reply_reason == "雨季施工受阻"
    assert replied.committed_on == NEXT_MONTH
    told = Notification.objects.filter(key__startswith=f"supervision:{notice.pk}:replied:")
    assert set(told.values_list("recipient_id", flat=True)) == {cast.office.pk}


def test_the_office_may_reply_for_the_unit(cast, notice):
    assert reply(cast.office, notice).state == NoticeState.REPLIED


def test_a_reply_may_be_amended_while_open_and_the_history_keeps_the_first(cast, notice):
    reply(cast.zhujian_lead, notice)
    later = NEXT_MONTH + datetime.timedelta(days=10)
    amended = reply(cast.zhujian_lead, notice, reason="材料供应延迟", committed_on=later)
    assert amended.reply_reason == "材料供应延迟"
    assert amended.committed_on == later
    reasons = list(notice.history.order_by("history_date").values_list("reply_reason", flat=True))
    assert reasons[-2:] == ["雨季施工受阻", "材料供应延迟"]
    assert notice.history.first().history_change_reason == "修改反馈"


def test_unit_staff_cannot_reply(cast, notice):
    with pytest.raises(PermissionDenied):
        reply(cast.zhujian, notice)
    assert state_of(notice) == NoticeState.ISSUED


def test_other_units_leader_cannot_reply(cast):
    notice = SupervisionNoticeFactory(unit=cast.yingji_unit)
    with pytest.raises(PermissionDenied):
        reply(cast.zhujian_lead, notice)
    assert state_of(notice) == NoticeState.ISSUED


def test_auditor_cannot_reply(cast, notice):
    with pytest.raises(PermissionDenied):
        reply(cast.auditor, notice)
    assert state_of(notice) == NoticeState.ISSUED


def test_a_committed_date_before_today_is_refused_naming_the_field(cast, notice):
    with pytest.raises(ValidationError) as caught:
        reply(cast.zhujian_lead, notice, committed_on=TODAY - datetime.timedelta(days=1))
    assert "承诺完成日期不能早于今天" in caught.value.message_dict["committed_on"][0]
    assert state_of(notice) == NoticeState.ISSUED


def test_a_reply_without_reason_measures_or_date_names_each_field(cast, notice):
    with pytest.raises(ValidationError) as caught:
        reply(cast.zhujian_lead, notice, reason="  ", measures="", committed_on=None)
    assert set(caught.value.message_dict) == {"reason", "measures", "committed_on"}
    assert caught.value.message_dict["reason"] == ["请填写逾期原因。"]


def test_committed_today_is_accepted(cast, notice):
    assert reply(cast.zhujian_lead, notice, committed_on=TODAY).committed_on == TODAY


def test_the_office_closes_with_a_comment_and_the_units_leaders_are_told(cast, notice):
    reply(cast.zhujian_lead, notice)
    closed = notice_close(actor=cast.office, notice=notice, comment="已完成，同意办结")
    assert closed.state == NoticeState.CLOSED
    assert closed.closed_by == cast.office
    assert closed.close_comment == "已完成，同意办结"
    told = Notification.objects.filter(key=f"supervision:{notice.pk}:closed")
    assert list(told.values_list("recipient_id", flat=True)) == [cast.zhujian_lead.pk]


def test_the_office_may_close_a_notice_not_yet_replied(cast, notice):
    assert notice_close(actor=cast.office, notice=notice, comment="事项已完成").is_open is False


def test_closing_needs_a_comment(cast, notice):
    with pytest.raises(ValidationError) as caught:
        notice_close(actor=cast.office, notice=notice, comment="  ")
    assert caught.value.message_dict == {"comment": ["请填写办结意见。"]}
    assert state_of(notice) == NoticeState.ISSUED


def test_closing_twice_is_refused(cast, notice):
    notice_close(actor=cast.office, notice=notice, comment="办结")
    with pytest.raises(ValidationError, match="已办结"):
        notice_close(actor=cast.office, notice=notice, comment="再次办结")
    assert SupervisionNotice.objects.get(pk=notice.pk).close_comment == "办结"


def test_a_reply_after_close_is_refused(cast, notice):
    notice_close(actor=cast.office, notice=notice, comment="办结")
    with pytest.raises(ValidationError, match="已办结，不能再反馈"):
        reply(cast.zhujian_lead, notice)
    assert SupervisionNotice.objects.get(pk=notice.pk).replied_at is None


@pytest.mark.parametrize("who", ["zhujian_lead", "zhujian", "auditor", "yingji"])
def test_only_the_office_closes(cast, notice, who):
    with pytest.raises(PermissionDenied):
        notice_close(actor=getattr(cast, who), notice=notice, comment="办结")
    assert state_of(notice) == NoticeState.ISSUED


def test_a_closed_notice_stops_ageing(cast, notice):
    notice_close(actor=cast.office, notice=notice, comment="办结")
    notice.refresh_from_db()
    assert notice.age_days(today=TODAY + datetime.timedelta(days=100)) == 1

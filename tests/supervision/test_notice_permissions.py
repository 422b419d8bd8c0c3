"""The permission matrix applied to 督办单 and the engine's log, and the API's doors: a unit
sees its own notices and its leader replies; the office sees, replies and closes all; the
auditor reads everything and writes nothing."""

from __future__ import annotations

import datetime
import warnings

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from portal.supervision.models import DeadlineEvent, NoticeState, SupervisionNotice
from tests.permission_matrix import PermissionMatrix
from tests.supervision.factories import SupervisionNoticeFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
VIEW_OWN = {"own": {"view"}, "other": set()}


class TestSupervisionNoticeMatrix(PermissionMatrix):
    """A unit sees its notices; only its leader may answer them (the office closes)."""

    model = SupervisionNotice
    detail_url_name = "supervision:notice-detail"
    api_basename = "supervisionnotice"
    member_rights = {
        "staff": VIEW_OWN,
        "leader": {"own": {"view", "change"}, "other": set()},
        "township": VIEW_OWN,
    }

    def make_object(self, cast, unit):
        return SupervisionNoticeFactory(unit=unit)


class TestDeadlineEventMatrix(PermissionMatrix):
    """What the engine did about a unit's items is visible to that unit."""

    model = DeadlineEvent
    api_basename = "deadlineevent"
    member_rights = {"staff": VIEW_OWN, "leader": VIEW_OWN, "township": VIEW_OWN}

    def make_object(self, cast, unit):
        from tasks.models import Milestone

        return DeadlineEvent.objects.create(
            source="tasks.milestone",
            content_type=ContentType.objects.get_for_model(Milestone),
            object_id=DeadlineEvent.objects.count() + 1,
            stage=DeadlineEvent.Stage.OVERDUE,
            due_on=datetime.date(2019, 6, 30),
            unit=unit,
            title="建成居民小区电动车停车棚470个",
            sweep_id="00000000-0000-0000-0000-000000000001",
            occurred_at=timezone.now(),
        )


# --- the API's actions ----------------------------------------------------------------------


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def reply_url(notice) -> str:
    return reverse("supervisionnotice-reply", args=[notice.pk])


def close_url(notice) -> str:
    return reverse("supervisionnotice-close", args=[notice.pk])


REPLY = {"reason": "雨季施工受阻", "measures": "增派施工队", "committed_on": TODAY.isoformat()}


@pytest.fixture
def notice(cast):
    return SupervisionNoticeFactory(unit=cast.zhujian_unit)


def test_api_lists_open_and_closed_notices_with_state_age_and_interview(cast, notice):
    closed = SupervisionNoticeFactory(
        unit=cast.zhujian_unit, state=NoticeState.CLOSED, closed_at=timezone.now()
    )
    response = api_for(cast.zhujian).get(reverse("supervisionnotice-list"))
    assert response.status_code == 200
    rows = {row["number"]: row for row in response.json()["results"]}
    assert set(rows) == {notice.number, closed.number}
    assert rows[notice.number]["state"] == "issued"
    assert rows[notice.number]["age_days"] == 1
    assert rows[notice.number]["interview_required"] is False
    filtered = api_for(cast.zhujian).get(reverse("supervisionnotice-list"), {"state": "open"})
    assert [row["number"] for row in filtered.json()["results"]] == [notice.number]


def test_api_leader_replies_and_office_closes(cast, notice):
    response = api_for(cast.zhujian_lead).post(reply_url(notice), REPLY, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "replied"
    response = api_for(cast.office).post(close_url(notice), {"comment": "同意办结"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "closed"


@pytest.mark.parametrize(
    ("who", "status"), [("zhujian", 403), ("auditor", 403), ("yingji", 404), ("houzhen", 404)]
)
def test_api_reply_refused_for_staff_auditor_and_other_units(cast, notice, who, status):
    response = api_for(getattr(cast, who)).post(reply_url(notice), REPLY, format="json")
    assert response.status_code == status, response.content
    assert SupervisionNotice.objects.get(pk=notice.pk).state == NoticeState.ISSUED


def test_api_leader_cannot_close(cast, notice):
    response = api_for(cast.zhujian_lead).post(
        close_url(notice), {"comment": "办结"}, format="json"
    )
    assert response.status_code == 403
    assert "只有安委办可以办结督办单" in response.json()["detail"]


def test_api_errors_name_the_field(cast, notice):
    past = {**REPLY, "committed_on": "2019-01-01"}
    response = api_for(cast.zhujian_lead).post(reply_url(notice), past, format="json")
    assert response.status_code == 400
    assert "承诺完成日期不能早于今天" in response.json()["committed_on"][0]
    response = api_for(cast.office).post(close_url(notice), {"comment": ""}, format="json")
    assert response.status_code == 400
    assert response.json() == {"comment": ["请填写办结意见。"]}


def test_api_closing_twice_is_a_400(cast, notice):
    api = api_for(cast.office)
    assert api.post(close_url(notice), {"comment": "办结"}, format="json").status_code == 200
    response = api.post(close_url(notice), {"comment": "办结"}, format="json")
    assert response.status_code == 400
    assert "已办结" in str(response.json())


def test_api_schema_has_the_notice_endpoints_without_warnings(cast):
    from drf_spectacular.drainage import GENERATOR_STATS

    GENERATOR_STATS.reset()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        response = api_for(cast.office).get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/supervision-notices/",
        "/api/supervision-notices/{id}/",
        "/api/supervision-notices/{id}/reply/",
        "/api/supervision-notices/{id}/close/",
        "/api/deadline-events/",
    ):
        assert path in paths, path
    notice_schema = response.json()["components"]["schemas"]["SupervisionNotice"]
    for field in ("state", "age_days", "interview_required", "response_overdue"):
        assert field in notice_schema["properties"], field
    assert not [
        message
        for message in (*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache)
        if "upervision" in message or "eadline" in message
    ]

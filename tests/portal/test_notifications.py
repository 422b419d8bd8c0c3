"""Notifications: idempotent sending, a private inbox for everyone, the bell, the API."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from portal.notifications import channels
from portal.notifications.models import Notification
from portal.notifications.selectors import notifications_for
from portal.notifications.services import (
    notification_mark_read,
    notifications_mark_all_read,
    notifications_purge,
    notify,
)
from tests.querycount import count_queries

pytestmark = pytest.mark.django_db


def test_notify_sends_one_notice_per_distinct_recipient(cast):
    sent = notify(
        recipients=[cast.zhujian, cast.zhujian_lead, cast.zhujian.pk],
        title="任务即将到期",
        link="/tasks/1/",
        unit=cast.zhujian_unit,
    )
    assert [n.recipient_id for n in sent] == [cast.zhujian.pk, cast.zhujian_lead.pk]
    assert Notification.objects.count() == 2


def test_notify_with_a_key_sends_nothing_twice(cast):
    key = "milestone:1:remind-3:2026-12-31"
    first = notify(recipients=[cast.zhujian], title="提醒", key=key)
    again = notify(recipients=[cast.zhujian, cast.yingji], title="提醒", key=key)
    assert len(first) == 1
    assert [n.recipient_id for n in again] == [cast.yingji.pk]
    assert Notification.objects.filter(key=key).count() == 2


def test_notices_without_a_key_may_repeat(cast):
    notify(recipients=[cast.zhujian], title="公告")
    notify(recipients=[cast.zhujian], title="公告")
    assert Notification.objects.filter(recipient=cast.zhujian).count() == 2


def test_notify_rejects_a_script_link_and_saves_nothing(cast):
    with pytest.raises(ValidationError) as exc:
        notify(recipients=[cast.zhujian], title="坏链接", link="javascript:alert(1)")
    assert "link" in exc.value.message_dict
    assert not Notification.objects.exists()


def test_channels_receive_the_new_ids_after_commit(cast, django_capture_on_commit_callbacks):
    received = []

    class Recorder:
        name = "test-recorder"

        def send(self, notification_ids):
            received.append(notification_ids)

    channels.register_channel(Recorder())
    try:
        with django_capture_on_commit_callbacks(execute=True):
            sent = notify(recipients=[cast.zhujian], title="督办单", key="k1")
            assert received == []  # nothing leaves before the commit
        with django_capture_on_commit_callbacks(execute=True):
            notify(recipients=[cast.zhujian], title="督办单", key="k1")
    finally:
        channels._CHANNELS.pop("test-recorder")
    assert received == [[sent[0].pk]]


def test_even_the_office_sees_only_its_own_notifications(cast, client):
    notify(recipients=[cast.zhujian], title="给住建局的通知")
    notify(recipients=[cast.office], title="给安委办的通知")
    client.force_login(cast.office)
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    assert "给安委办的通知" in response.text
    assert "给住建局的通知" not in response.text
    assert list(notifications_for(cast.auditor)) == []


def test_the_list_shows_unread_before_read(cast, client):
    older_unread = notify(recipients=[cast.zhujian], title="旧的未读")[0]
    newer_read = notify(recipients=[cast.zhujian], title="新的已读")[0]
    notification_mark_read(actor=cast.zhujian, notification=newer_read)
    client.force_login(cast.zhujian)
    response = client.get(reverse("notifications:list"))
    assert [n.pk for n in response.context["notifications"]] == [older_unread.pk, newer_read.pk]


def test_marking_read_with_htmx_returns_the_row_and_the_new_badge(cast, client):
    n = notify(recipients=[cast.zhujian], title="请填报进度")[0]
    notify(recipients=[cast.zhujian], title="另一条")
    client.force_login(cast.zhujian)
    response = client.post(reverse("notifications:mark-read", args=[n.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="notification-{n.pk}"' in response.text
    assert 'data-read="1"' in response.text
    assert 'hx-swap-oob="true"' in response.text and ">1</span>" in response.text
    n.refresh_from_db()
    assert n.read_at is not None
    assert n.history.count() == 2  # the read is in the history


def test_nobody_marks_another_persons_notification(cast, client):
    n = notify(recipients=[cast.zhujian], title="私人通知")[0]
    client.force_login(cast.office)
    response = client.post(reverse("notifications:mark-read", args=[n.pk]))
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        notification_mark_read(actor=cast.office, notification=n)
    n.refresh_from_db()
    assert n.read_at is None


def test_mark_all_read_touches_only_the_actors_unread(cast, client):
    notify(recipients=[cast.zhujian, cast.yingji], title="甲")
    notify(recipients=[cast.zhujian], title="乙")
    client.force_login(cast.zhujian)
    response = client.post(reverse("notifications:mark-all-read"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=cast.zhujian, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=cast.yingji, read_at__isnull=True).count() == 1
    assert notifications_mark_all_read(actor=cast.zhujian) == 0


def test_the_bell_counts_unread_in_one_query(cast, client, rf):
    from portal.notifications.context_processors import notifications

    notify(recipients=[cast.zhujian], title="一")
    notify(recipients=[cast.zhujian], title="二")
    request = rf.get("/")
    request.user = cast.zhujian
    context = notifications(request)
    assert context["notifications_enabled"] is True
    queries, value, _ = count_queries(lambda: int(str(context["unread_notifications"])))
    assert (queries, value) == (1, 2)

    client.force_login(cast.zhujian)
    page = client.get(reverse("notifications:list"))
    assert 'data-testid="unread-count">2</span>' in page.text


def test_anonymous_visitors_cost_no_notification_query(rf):
    from django.contrib.auth.models import AnonymousUser

    from portal.notifications.context_processors import notifications

    request = rf.get("/")
    request.user = AnonymousUser()
    queries, context, _ = count_queries(lambda: notifications(request))
    assert queries == 0 and context["unread_notifications"] == 0


def test_api_lists_only_the_callers_notifications_and_marks_read(cast):
    mine = notify(recipients=[cast.auditor], title="审计通知")[0]
    others = notify(recipients=[cast.office], title="安委办通知")[0]
    api = APIClient()
    api.force_authenticate(cast.auditor)
    listing = api.get("/api/notifications/")
    assert listing.status_code == 200
    assert [row["id"] for row in listing.json()["results"]] == [mine.pk]
    assert api.get(f"/api/notifications/{others.pk}/").status_code == 404
    assert api.post(f"/api/notifications/{others.pk}/read/").status_code == 404
    # Reading one's own notice is not a change to business data: auditors may.
    marked = api.post(f"/api/notifications/{mine.pk}/read/")
    assert marked.status_code == 200 and marked.json()["is_read"] is True
    assert api.post("/api/notifications/read-all/").json() == {"marked": 0}


def test_api_refuses_anonymous_callers():
    assert APIClient().get("/api/notifications/").status_code in {401, 403}


def test_the_workbench_panel_lists_the_latest_unread(cast, client):
    for i in range(7):
        notify(recipients=[cast.zhujian], title=f"未读通知{i}")
    client.force_login(cast.zhujian)
    response = client.get(reverse("workbench"))
    assert 'data-testid="panel-notifications"' in response.text
    assert "未读通知6" in response.text and "未读通知1" not in response.text
    client.force_login(cast.yingji)
    assert 'data-testid="panel-notifications"' not in client.get(reverse("workbench")).text


def test_purge_deletes_only_notifications_read_long_ago(cast):
    old_read, recent_read, unread = (
        notify(recipients=[cast.zhujian], title="x")
        + notify(recipients=[cast.zhujian], title="y")
        + notify(recipients=[cast.zhujian], title="z")
    )
    now = timezone.now()
    for n, when in ((old_read, now - timedelta(days=200)), (recent_read, now)):
        n.read_at = when
        n.save()
    assert notifications_purge(read_before=now - timedelta(days=180)) == 1
    assert set(Notification.objects.values_list("pk", flat=True)) == {recent_read.pk, unread.pk}

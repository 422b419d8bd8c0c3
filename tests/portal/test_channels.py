"""Notification channels: e-mail, WeCom/DingTalk group robots and SMS, each delivery recorded,
retried and visible to the office; each person chooses immediate or digest."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.urls import reverse

from portal.notifications.channels import dingtalk_signed_url
from portal.notifications.jobs import DeliveryIncomplete, deliver_notification
from portal.notifications.models import Delivery, NotificationPreference, UnitWebhook
from portal.notifications.selectors import pending_digest_items
from portal.notifications.services import (
    deliveries_plan,
    notification_preference_set,
    notify,
)
from portal.notifications.sms import ConsoleSmsBackend

pytestmark = pytest.mark.django_db


class Robot:
    """A group robot on 127.0.0.1: records each POST and answers with ``status``."""

    def __init__(self):
        self.received: list[dict] = []
        self.status = 200
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                robot.received.append(
                    {"path": self.path, "body": json.loads(self.rfile.read(length))}
                )
                answer = b'{"errcode": 0, "errmsg": "ok"}'
                self.send_response(robot.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"


@pytest.fixture
def robot():
    robot = Robot()
    thread = threading.Thread(target=robot.server.serve_forever, daemon=True)
    thread.start()
    yield robot
    robot.server.shutdown()
    robot.server.server_close()


def quiet(user, **channels):
    """Switch the person's personal channels off unless named, to test one at a time."""
    notification_preference_set(
        actor=user,
        user=user,
        mode=NotificationPreference.Mode.IMMEDIATE,
        email_enabled=channels.get("email", False),
        sms_enabled=channels.get("sms", False),
    )


def test_an_immediate_user_gets_an_email_and_a_digest_user_does_not(cast):
    notification_preference_set(
        actor=cast.yingji,
        user=cast.yingji,
        mode=NotificationPreference.Mode.DIGEST,
        email_enabled=True,
        sms_enabled=True,
    )
    sent = notify(
        recipients=[cast.zhujian, cast.yingji], title="督办单：燃气排查", link="/tasks/1/"
    )
    for notification in sent:
        deliver_notification(notification.pk)

    assert [m.to for m in mail.outbox] == [[cast.zhujian.email]]
    assert mail.outbox[0].subject == "督办单：燃气排查"
    assert "/tasks/1/" in mail.outbox[0].body
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.target, delivery.state, delivery.attempts) == (
        "email",
        cast.zhujian.email,
        Delivery.State.SENT,
        1,
    )
    assert delivery.sent_at is not None
    # The digest user's notice waits for the morning digest.
    assert list(pending_digest_items(cast.yingji)) == [sent[1]]


def test_a_wecom_robot_of_the_recipients_unit_receives_markdown(cast, robot):
    quiet(cast.zhujian)
    webhook = UnitWebhook.objects.create(
        unit=cast.zhujian_unit,
        kind=UnitWebhook.Kind.WECOM,
        url=f"{robot.url}/cgi-bin/webhook/send?key=ROBOT-KEY",
    )
    UnitWebhook.objects.create(  # another unit's robot hears nothing
        unit=cast.yingji_unit, kind=UnitWebhook.Kind.WECOM, url=f"{robot.url}/other?key=X"
    )
    [notification] = notify(recipients=[cast.zhujian], title="隐患整改到期", body="请于今日完成。")
    deliver_notification(notification.pk)

    [call] = robot.received
    assert call["path"] == "/cgi-bin/webhook/send?key=ROBOT-KEY"
    assert call["body"]["msgtype"] == "markdown"
    content = call["body"]["markdown"]["content"]
    assert "隐患整改到期" in content and "请于今日完成。" in content
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.state) == ("wecom", Delivery.State.SENT)
    assert delivery.target == f"127.0.0.1 #{webhook.pk}"
    assert "ROBOT-KEY" not in delivery.target
    assert "ROBOT-KEY" not in str(webhook) and webhook.masked_url.endswith("/send?…")


def test_dingtalk_signature_matches_the_hand_computed_hmac():
    # printf '1700000000000\nSEC-test-secret' | openssl dgst -sha256 -hmac SEC-test-secret
    #   -binary | base64
    signed = dingtalk_signed_url(
        "https://oapi.dingtalk.com/robot/send?access_token=T", "SEC-test-secret", 1700000000000
    )
    assert signed == (
        "https://oapi.dingtalk.com/robot/send?access_token=T&timestamp=1700000000000"
        "&sign=Mrhy389nC5p7fqYHgciQpNWFiBNjbTx4Rn5BqEH45jY%3D"
    )


def test_a_signed_dingtalk_robot_receives_title_text_and_signature(cast, robot):
    quiet(cast.zhujian)
    UnitWebhook.objects.create(
        unit=cast.zhujian_unit,
        kind=UnitWebhook.Kind.DINGTALK,
        url=f"{robot.url}/robot/send?access_token=T",
        secret="SEC-test-secret",
    )
    [notification] = notify(recipients=[cast.zhujian], title="应急演练通知")
    deliver_notification(notification.pk)

    [call] = robot.received
    assert call["body"]["msgtype"] == "markdown"
    assert call["body"]["markdown"]["title"] == "应急演练通知"
    assert "应急演练通知" in call["body"]["markdown"]["text"]
    query = parse_qs(urlsplit(call["path"]).query)
    timestamp = int(query["timestamp"][0])
    expected = dingtalk_signed_url("http://x/?access_token=T", "SEC-test-secret", timestamp)
    assert query["sign"] == parse_qs(urlsplit(expected).query)["sign"]


def test_a_failing_robot_leaves_a_failed_delivery_the_office_sees_and_retries(
    cast, robot, client, django_capture_on_commit_callbacks
):
    quiet(cast.zhujian)
    UnitWebhook.objects.create(
        unit=cast.zhujian_unit, kind=UnitWebhook.Kind.WECOM, url=f"{robot.url}/send?key=K"
    )
    robot.status = 500
    [notification] = notify(recipients=[cast.zhujian], title="风险研判会")
    with pytest.raises(DeliveryIncomplete):
        deliver_notification(notification.pk)

    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == (Delivery.State.FAILED, 1)
    assert "500" in delivery.last_error

    client.force_login(cast.zhujian)
    assert client.get(reverse("notifications:deliveries")).status_code == 403
    assert (
        client.post(reverse("notifications:delivery-retry", args=[delivery.pk])).status_code == 403
    )

    assert "deliveries-link" not in client.get(reverse("notifications:list")).text

    client.force_login(cast.office)
    assert "deliveries-link" in client.get(reverse("notifications:list")).text
    page = client.get(reverse("notifications:deliveries"))
    assert page.status_code == 200
    assert "风险研判会" in page.text and "500" in page.text

    with django_capture_on_commit_callbacks() as queued:
        response = client.post(reverse("notifications:delivery-retry", args=[delivery.pk]))
    assert response.status_code == 302 and len(queued) == 1
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.PENDING

    robot.status = 200
    deliver_notification(notification.pk)  # what the queued job runs
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_error) == (
        Delivery.State.SENT,
        2,
        "",
    )
    assert len(robot.received) == 2
    assert "风险研判会" not in client.get(reverse("notifications:deliveries")).text


def test_a_notification_delivered_twice_is_sent_once(cast):
    quiet(cast.zhujian, email=True)
    [notification] = notify(recipients=[cast.zhujian], title="周报提醒")
    deliveries_plan(notification=notification)
    deliver_notification(notification.pk)
    deliver_notification(notification.pk)
    assert deliveries_plan(notification=notification) == [Delivery.objects.get()]
    assert len(mail.outbox) == 1


def test_the_console_sms_backend_records_the_message(cast):
    ConsoleSmsBackend.outbox.clear()
    cast.zhujian.profile.phone = "13800000001"
    cast.zhujian.profile.save()
    cast.yingji.profile.phone = "13800000002"
    cast.yingji.profile.save()
    quiet(cast.zhujian, sms=True)
    quiet(cast.yingji, email=True)  # switched SMS off
    for notification in notify(recipients=[cast.zhujian, cast.yingji], title="汛期值班提醒"):
        deliver_notification(notification.pk)

    assert [(phone, text.splitlines()[0]) for phone, text in ConsoleSmsBackend.outbox] == [
        ("13800000001", "汛期值班提醒")
    ]
    assert Delivery.objects.get(channel="sms").target == "13800000001"


def test_a_person_chooses_digest_and_channels_on_their_page(cast, client):
    client.force_login(cast.auditor)
    url = reverse("notifications:preferences")
    assert client.get(url).status_code == 200
    response = client.post(url, {"mode": "digest", "email_enabled": "on"})
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=cast.auditor)
    assert (preference.mode, preference.email_enabled, preference.sms_enabled) == (
        "digest",
        True,
        False,
    )

    bad = client.post(url, {"mode": "hourly"})
    assert bad.status_code == 400 and "hourly" in bad.text
    preference.refresh_from_db()
    assert preference.mode == "digest"

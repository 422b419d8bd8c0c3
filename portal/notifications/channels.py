"""Delivery channels: where a notification goes besides the database row.

``notify`` saves the rows, then after commit hands the new notifications' ids to
``deliver``, which calls every local channel and queues one Celery job per notification for
the remote ones (e-mail, WeCom/DingTalk group robots, SMS): nothing talks to the network
inside the web request. The job (``jobs.deliver_notification``) records each sending as a
``Delivery`` row, retries failures and leaves a final failure visible to the office.

A remote channel answers two questions: ``targets(notification)`` — whom to reach, as a
mapping from the recorded target (an address, a phone, a robot's host — never a secret) to
what ``send_to`` needs — and ``send_to(notification, target, context)``, which raises on
failure.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
import urllib.parse
import urllib.request
from functools import partial
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

logger = logging.getLogger(__name__)


class Channel(Protocol):
    """A way to reach people. ``send`` receives the ids of notifications just created."""

    name: str

    def send(self, notification_ids: list[int]) -> None: ...


class InAppChannel:
    """站内通知 — the saved row is the message; the bell and the list page show it."""

    name = "inapp"

    def send(self, notification_ids: list[int]) -> None:
        return None


class RemoteChannel:
    """A channel that reaches people over the network, from the delivery job only."""

    remote = True
    name = ""
    # The NotificationPreference flag that switches this channel off for a person, if any.
    preference_field: str | None = None

    def send(self, notification_ids: list[int]) -> None:
        return None  # deliver() queues the job that calls targets() and send_to()

    def targets(self, notification) -> dict[str, Any]:
        raise NotImplementedError

    def send_to(self, notification, target: str, context: Any) -> None:
        raise NotImplementedError


def absolute_link(link: str) -> str:
    if link.startswith("/") and settings.SITE_URL:
        return settings.SITE_URL + link
    return link


def plain_text(notification) -> str:
    parts = [notification.title, notification.body, absolute_link(notification.link)]
    return "\n\n".join(p for p in parts if p)


class EmailChannel(RemoteChannel):
    """电子邮件 — Django's mail backend: console in the embedded mode, SMTP by settings."""

    name = "email"
    preference_field = "email_enabled"

    def targets(self, notification) -> dict[str, Any]:
        address = notification.recipient.email
        return {address: None} if address else {}

    def send_to(self, notification, target: str, context: Any) -> None:
        send_mail(
            subject=notification.title,
            message=plain_text(notification),
            from_email=None,
            recipient_list=[target],
            fail_silently=False,
        )


class SmsChannel(RemoteChannel):
    """短信 — through the gateway named by ``settings.SMS_BACKEND``."""

    name = "sms"
    preference_field = "sms_enabled"

    def targets(self, notification) -> dict[str, Any]:
        profile = getattr(notification.recipient, "profile", None)
        phone = profile.phone.strip() if profile else ""
        return {phone: None} if phone else {}

    def send_to(self, notification, target: str, context: Any) -> None:
        from .sms import sms_backend

        sms_backend().send(target, plain_text(notification))


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    """DingTalk's 加签: HMAC-SHA256 over "timestamp\\nsecret" keyed by the secret, base64,
    URL-encoded, added as ``timestamp`` and ``sign`` query parameters."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    separator = "&" if urllib.parse.urlsplit(url).query else "?"
    return f"{url}{separator}timestamp={timestamp_ms}&sign={sign}"


def robot_message(kind: str, notification) -> dict:
    text = f"### {notification.title}\n\n"
    if notification.body:
        text += f"{notification.body}\n\n"
    if link := absolute_link(notification.link):
        text += f"[查看详情]({link})\n\n"
    text += f"接收人：{_display_name(notification.recipient)}"
    if kind == "dingtalk":
        return {"msgtype": "markdown", "markdown": {"title": notification.title, "text": text}}
    return {"msgtype": "markdown", "markdown": {"content": text}}


def _display_name(user) -> str:
    profile = getattr(user, "profile", None)
    return (profile.full_name if profile else "") or user.get_username()


class WebhookChannel(RemoteChannel):
    """工作群机器人 — posts to the group robots of the recipient's units (企业微信 or 钉钉)."""

    def __init__(self, kind: str):
        self.name = kind

    def targets(self, notification) -> dict[str, Any]:
        from .models import UnitWebhook

        robots = UnitWebhook.objects.filter(
            kind=self.name,
            is_active=True,
            unit__is_active=True,
            unit__memberships__user_id=notification.recipient_id,
        ).distinct()
        return {robot.target: robot for robot in robots}

    def send_to(self, notification, target: str, context: Any) -> None:
        url = context.url
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise ValueError("robot address must be http(s)")
        if self.name == "dingtalk" and context.secret:
            url = dingtalk_signed_url(url, context.secret, int(time.time() * 1000))
        body = json.dumps(robot_message(self.name, notification), ensure_ascii=False)
        request = urllib.request.Request(
            url,
            data=body.encode(),
            headers={"Content-Type": "application/json; charset=utf-8"},
            method="POST",
        )
        with urllib.request.urlopen(  # the scheme is checked above
            request, timeout=settings.NOTIFICATION_WEBHOOK_TIMEOUT
        ) as response:
            answer = response.read(4096).decode("utf-8", "replace")
        # Both robots answer HTTP 200 with {"errcode": 0} on success, non-zero otherwise.
        try:
            errcode = json.loads(answer).get("errcode", 0)
        except (ValueError, AttributeError):
            errcode = 0
        if errcode:
            raise RuntimeError(f"robot answered {answer[:300]}")


_CHANNELS: dict[str, Channel] = {}


def register_channel(channel: Channel) -> Channel:
    """Add (or replace, by name) a delivery channel."""
    _CHANNELS[channel.name] = channel
    return channel


def channels() -> list[Channel]:
    return list(_CHANNELS.values())


def remote_channels() -> list[RemoteChannel]:
    return [c for c in _CHANNELS.values() if getattr(c, "remote", False)]


def get_channel(name: str) -> Channel | None:
    return _CHANNELS.get(name)


def deliver(notification_ids: list[int]) -> None:
    """Hand new notifications to every channel; one failing channel does not stop the rest."""
    for channel in channels():
        try:
            channel.send(notification_ids)
        except Exception:
            logger.exception("notification channel %s failed", channel.name)
    if not notification_ids:
        return
    from .services import deliveries_plan_and_queue, notifications_mark_planned

    try:
        if remote_channels():
            deliveries_plan_and_queue(notification_ids=notification_ids)
        notifications_mark_planned(notification_ids=notification_ids)
    except Exception:
        # Left unplanned: deliveries_replan (beat) queues the planning again.
        logger.exception("could not plan deliveries of notifications %s", notification_ids)


def queue_delivery(notification_id: int) -> None:
    """Queue the delivery job after the current transaction commits (at once outside one)."""
    transaction.on_commit(partial(_enqueue, notification_id))


def _enqueue(notification_id: int) -> None:
    from .jobs import deliver_notification

    try:
        deliver_notification.delay(notification_id)
    except Exception:
        # The broker is down: the pending Delivery rows stay on the office's page, which
        # re-queues them; the in-app notice stands meanwhile.
        logger.exception("could not queue delivery of notification %s", notification_id)


register_channel(InAppChannel())
register_channel(EmailChannel())
register_channel(WebhookChannel("wecom"))
register_channel(WebhookChannel("dingtalk"))
register_channel(SmsChannel())

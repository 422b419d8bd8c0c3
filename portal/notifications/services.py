"""Writes on notifications: send (idempotent on key), mark read, purge old ones, and the
outbound deliveries (plan, attempt, retry) with each person's preference."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from portal.permissions import require, user_scope

from .channels import deliver, get_channel, queue_delivery, remote_channels
from .models import Delivery, Notification, NotificationPreference

logger = logging.getLogger(__name__)

CATEGORY_DIGEST = "digest"
DIGEST_MAX_LINES = 30


@transaction.atomic
def notify(
    *,
    recipients: Iterable,
    title: str,
    body: str = "",
    link: str = "",
    category: str = "",
    unit=None,
    key: str | None = None,
) -> list[Notification]:
    """Send one notification to each recipient (users or user ids) and return those created.

    With a ``key``, a recipient who already has a notification with that key gets nothing
    (the unique constraint decides, so two workers racing still send once). The channels
    receive the new notifications after commit.
    """
    created: list[Notification] = []
    seen: set[int] = set()
    for recipient in recipients:
        user_id = getattr(recipient, "pk", recipient)
        if user_id in seen:
            continue
        seen.add(user_id)
        notification = Notification(
            recipient_id=user_id,
            title=title,
            body=body,
            link=link,
            category=category,
            unit=unit,
            key=key or None,
        )
        # Foreign keys and the key's uniqueness are left to the database: one insert per
        # recipient instead of three queries, and the constraint also holds across workers.
        notification.full_clean(exclude=["recipient", "unit"], validate_constraints=False)
        try:
            with transaction.atomic():
                notification.save()
        except IntegrityError:
            if key is None:
                raise
            continue  # already sent with this key
        created.append(notification)
    if created:
        transaction.on_commit(partial(deliver, [n.pk for n in created]))
    return created


@dataclass
class Message:
    """One notice to several people, for ``notify_many``."""

    recipients: Sequence[int]
    title: str
    body: str = ""
    link: str = ""
    category: str = ""
    unit_id: int | None = None
    key: str | None = None


@transaction.atomic
def notify_many(messages: Iterable[Message]) -> list[int]:
    """Send many notifications at once (the deadline engine's batches); return the new ids.

    One read for the keys already sent, one insert for the rows and one for their history,
    whatever the number of messages. A recipient who already has a message's key gets
    nothing. The remote channels get the new notifications after commit, through one
    ``plan_deliveries`` job per 200 (so planning runs on the worker, not in the sweep).
    """
    messages = list(messages)
    keys = {m.key for m in messages if m.key}
    sent = (
        set(Notification.objects.filter(key__in=keys).values_list("recipient_id", "key"))
        if keys
        else set()
    )
    rows: list[Notification] = []
    for message in messages:
        for user_id in dict.fromkeys(message.recipients):  # each person once, in order
            if message.key:
                if (user_id, message.key) in sent:
                    continue
                sent.add((user_id, message.key))
            rows.append(
                Notification(
                    recipient_id=user_id,
                    title=message.title[:200],
                    body=message.body,
                    link=message.link,
                    category=message.category,
                    unit_id=message.unit_id,
                    key=message.key or None,
                )
            )
    if not rows:
        return []
    created = bulk_create_with_history(rows, Notification, batch_size=500)
    ids = [n.pk for n in created]
    transaction.on_commit(partial(_queue_planning, ids))
    return ids


def _queue_planning(notification_ids: list[int]) -> None:
    from .jobs import plan_deliveries

    for start in range(0, len(notification_ids), 200):
        batch = notification_ids[start : start + 200]
        try:
            plan_deliveries.delay(batch)
        except Exception:
            # The broker is down: the in-app notices stand and the error is logged.
            logger.exception("could not queue delivery planning for notifications %s", batch)


@transaction.atomic
def notification_mark_read(*, actor, notification: Notification) -> Notification:
    """Mark one notification read; only its recipient may."""
    if notification.recipient_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("只能标记自己的通知。"))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, actor) -> int:
    """Mark all of the actor's unread notifications read; returns how many."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("请先登录。"))
    now = timezone.now()
    unread = list(
        Notification.objects.select_for_update().filter(recipient_id=actor.pk, read_at__isnull=True)
    )
    for notification in unread:
        notification.read_at = now
        notification.updated_at = now
    if unread:
        bulk_update_with_history(
            unread, Notification, ["read_at", "updated_at"], batch_size=500, default_user=actor
        )
    return len(unread)


def notifications_purge(*, read_before: datetime) -> int:
    """Delete notifications read before ``read_before`` (housekeeping); returns how many."""
    deleted = 0
    old = Notification.objects.filter(read_at__lt=read_before).values_list("pk", flat=True)
    while batch := list(old[:1000]):
        with transaction.atomic():
            # delete() sends post_delete per row, so the history records each deletion.
            deleted += (
                Notification.objects.filter(pk__in=batch)
                .delete()[1]
                .get(Notification._meta.label, 0)
            )
    return deleted


# --- outbound channels ----------------------------------------------------------------------


def preference_for(user) -> NotificationPreference:
    """The person's preference, or the unsaved default (immediate, e-mail and SMS on)."""
    try:
        return NotificationPreference.objects.get(user_id=user.pk)
    except NotificationPreference.DoesNotExist:
        return NotificationPreference(user_id=user.pk)


@transaction.atomic
def notification_preference_set(
    *, actor, user, mode: str, email_enabled: bool, sms_enabled: bool
) -> NotificationPreference:
    """Each person chooses for themselves (the office and admins may too)."""
    if getattr(actor, "pk", None) != user.pk and not user_scope(actor).writes_all:
        raise PermissionDenied(_("只能修改自己的通知偏好。"))
    preference = preference_for(user)
    preference.mode = mode
    preference.email_enabled = email_enabled
    preference.sms_enabled = sms_enabled
    preference.full_clean(exclude=["user"])
    preference.save()
    return preference


@transaction.atomic
def deliveries_plan(*, notification: Notification) -> list[Delivery]:
    """The Delivery rows this notification needs on the remote channels, pending until sent.

    A person in digest mode gets none now (the morning digest collects their notices); a
    channel they switched off is skipped. Existing rows are kept, so planning twice is safe.
    """
    preference = preference_for(notification.recipient)
    is_digest = notification.category == CATEGORY_DIGEST
    if preference.is_digest and not is_digest:
        return []  # the morning digest carries it
    planned = []
    for channel in remote_channels():
        if channel.preference_field and not getattr(preference, channel.preference_field):
            continue
        if is_digest and not channel.preference_field:
            continue  # a personal digest goes to the person, not to a unit's group robot
        for target in channel.targets(notification):
            delivery, _created = Delivery.objects.get_or_create(
                notification=notification, channel=channel.name, target=target[:255]
            )
            planned.append(delivery)
    return planned


def notifications_mark_planned(*, notification_ids: list[int]) -> None:
    """Record that these notifications' deliveries are planned (one update)."""
    Notification.objects.filter(pk__in=notification_ids, planned_at__isnull=True).update(
        planned_at=timezone.now()
    )


def deliveries_replan(
    *,
    now: datetime | None = None,
    settle: timedelta = timedelta(minutes=10),
    window: timedelta = timedelta(days=7),
    limit: int = 1000,
) -> int:
    """Queue the planning again for notifications still unplanned ``settle`` after creation
    (the broker was down when it was to be queued, or the job was lost), so no notice
    misses its e-mail, robot or SMS silently. Returns how many were queued."""
    now = now or timezone.now()
    ids = list(
        Notification.objects.filter(
            planned_at__isnull=True, created_at__lt=now - settle, created_at__gte=now - window
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    if ids:
        logger.warning("re-queueing delivery planning of %d notifications", len(ids))
        _queue_planning(ids)
    return len(ids)


def deliveries_plan_and_queue(*, notification_ids: list[int]) -> None:
    """After ``notify`` commits: record what is to be sent, then queue one job each."""
    notifications = Notification.objects.filter(pk__in=notification_ids).select_related(
        "recipient__profile"
    )
    for notification in notifications:
        if deliveries_plan(notification=notification):
            queue_delivery(notification.pk)


def notification_deliver(*, notification_id: int) -> list[Delivery]:
    """Send every unsent delivery of one notification; returns those that failed."""
    notification = (
        Notification.objects.select_related("recipient__profile").filter(pk=notification_id).first()
    )
    if notification is None:
        return []  # deleted meanwhile: nothing to send
    deliveries_plan(notification=notification)
    failed = []
    for delivery_id in notification.deliveries.exclude(state=Delivery.State.SENT).values_list(
        "pk", flat=True
    ):
        delivery = delivery_attempt(delivery_id=delivery_id, notification=notification)
        if delivery.state == Delivery.State.FAILED:
            failed.append(delivery)
    return failed


@transaction.atomic
def delivery_attempt(*, delivery_id: int, notification: Notification) -> Delivery:
    """One attempt; the row is locked while sending, so two workers never both send it."""
    delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
    if delivery.state == Delivery.State.SENT:
        return delivery
    channel = get_channel(delivery.channel)
    delivery.attempts += 1
    try:
        targets = channel.targets(notification) if channel else {}
        if delivery.target not in targets:
            raise LookupError(_("发送对象已不存在或已停用。"))
        channel.send_to(notification, delivery.target, targets[delivery.target])
    except Exception as exc:  # any failure is recorded, never lost
        delivery.state = Delivery.State.FAILED
        delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    else:
        delivery.state = Delivery.State.SENT
        delivery.sent_at = timezone.now()
        delivery.last_error = ""
    delivery.save()
    return delivery


@transaction.atomic
def delivery_retry(*, actor, delivery: Delivery) -> Delivery:
    """The office re-queues a failed or stuck delivery; a sent one is left alone."""
    require(actor, "change", delivery)
    if delivery.state == Delivery.State.SENT:
        raise ValidationError(_("该投递已发送，无需重试。"))
    delivery.state = Delivery.State.PENDING
    delivery.save(update_fields=["state", "updated_at"])
    queue_delivery(delivery.notification_id)
    return delivery


# --- the morning digest ---------------------------------------------------------------------


def digests_send(*, now: datetime | None = None) -> int:
    """Send each digest-mode person one notification listing what arrived since their last
    digest (e-mail and SMS as they chose; it is delivered even though they are in digest
    mode); nobody with nothing new hears anything. Keyed by the day, so a repeated or
    redelivered job sends one digest a person a day. Returns how many were sent."""
    now = now or timezone.now()
    preferences = NotificationPreference.objects.filter(
        mode=NotificationPreference.Mode.DIGEST, user__is_active=True
    ).values_list("pk", flat=True)
    sent = 0
    for preference_id in preferences:
        sent += bool(_digest_send_one(preference_id=preference_id, now=now))
    return sent


@transaction.atomic
def _digest_send_one(*, preference_id: int, now: datetime) -> Notification | None:
    from .selectors import pending_digest_items

    preference = (
        NotificationPreference.objects.select_for_update()
        .select_related("user")
        .get(pk=preference_id)
    )
    user = preference.user
    items = list(
        pending_digest_items(user).exclude(category=CATEGORY_DIGEST).filter(created_at__lte=now)
    )
    if not items:
        return None
    today = timezone.localdate(now)
    lines = [f"· {item.title}" for item in items[:DIGEST_MAX_LINES]]
    if len(items) > DIGEST_MAX_LINES:
        lines.append(
            _("…… 另有 %(count)d 条，请登录查看。") % {"count": len(items) - DIGEST_MAX_LINES}
        )
    created = notify(
        recipients=[user],
        title=_("每日汇总（%(month)d月%(day)d日）：%(count)d 条新通知")
        % {"month": today.month, "day": today.day, "count": len(items)},
        body="\n".join(lines),
        link=reverse("notifications:list"),
        category=CATEGORY_DIGEST,
        key=f"digest:{today.isoformat()}",
    )
    if not created:
        # Today's digest went out already: what arrived since waits for tomorrow's.
        return None
    preference.last_digest_at = now
    preference.save(update_fields=["last_digest_at", "updated_at"])
    return created[0]


# --- recipients -----------------------------------------------------------------------------


def unit_user_ids(unit) -> list[int]:
    """The active members of ``unit`` (staff and leaders)."""
    from django.contrib.auth import get_user_model

    if unit is None:
        return []
    return list(
        get_user_model()
        .objects.filter(memberships__unit=unit, is_active=True)
        .distinct()
        .values_list("pk", flat=True)
    )


def office_user_ids() -> list[int]:
    """Every active user with the office (安委办) role."""
    from django.contrib.auth import get_user_model

    from portal.permissions import ROLE_OFFICE

    return list(
        get_user_model()
        .objects.filter(groups__name=ROLE_OFFICE, is_active=True)
        .distinct()
        .values_list("pk", flat=True)
    )

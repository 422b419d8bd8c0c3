"""Writes on notifications: send (idempotent on key), mark read, purge old ones, and the
outbound deliveries (plan, attempt, retry) with each person's preference."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from portal.permissions import require, user_scope

from .channels import deliver, get_channel, queue_delivery, remote_channels
from .models import Delivery, Notification, NotificationPreference


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
    if preference.is_digest:
        return []
    planned = []
    for channel in remote_channels():
        if channel.preference_field and not getattr(preference, channel.preference_field):
            continue
        for target in channel.targets(notification):
            delivery, _created = Delivery.objects.get_or_create(
                notification=notification, channel=channel.name, target=target[:255]
            )
            planned.append(delivery)
    return planned


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

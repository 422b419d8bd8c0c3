"""Writes on notifications: send (idempotent on key), mark read, purge old ones."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import partial

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from .channels import deliver
from .models import Notification


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

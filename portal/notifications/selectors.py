"""What notifications a person sees: their own, whatever their role."""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When

from .models import Notification


def notifications_for(user) -> QuerySet[Notification]:
    """The user's own notifications, unread first, newest first.

    Not ``restrict``: global roles widen ``restrict`` to every row, but even the office reads
    only its own inbox. The recipient filter is the whole scope of a notification.
    """
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    return (
        Notification.objects.filter(recipient_id=user.pk)
        .select_related("unit")
        .alias(
            unread_rank=Case(
                When(read_at__isnull=True, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("unread_rank", "-created_at", "-pk")
    )


def unread_notifications_for(user) -> QuerySet[Notification]:
    return notifications_for(user).filter(read_at__isnull=True)


def unread_count(user) -> int:
    """One query."""
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()

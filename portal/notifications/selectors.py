"""What notifications a person sees: their own, whatever their role."""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When

from portal.permissions import restrict

from .models import Delivery, Notification, NotificationPreference


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


def deliveries_needing_attention(user) -> QuerySet[Delivery]:
    """Failed and pending deliveries, for the office (``restrict``: only global writers)."""
    return (
        restrict(Delivery.objects.all(), user, "change")
        .exclude(state=Delivery.State.SENT)
        .select_related("notification__recipient")
        .order_by("-updated_at", "-pk")
    )


def pending_digest_items(user) -> QuerySet[Notification]:
    """What a digest-mode person's next digest lists: unread notices since the last digest."""
    items = unread_notifications_for(user)
    last = (
        NotificationPreference.objects.filter(user_id=getattr(user, "pk", None))
        .values_list("last_digest_at", flat=True)
        .first()
    )
    return items.filter(created_at__gt=last) if last else items

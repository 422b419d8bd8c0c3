"""Celery jobs for notifications: sending over the remote channels."""

from celery import shared_task
from django.conf import settings

from .channels import deliver
from .services import notification_deliver


class DeliveryIncomplete(Exception):
    """Some deliveries failed; Celery retries the job with backoff (sent ones are skipped)."""


@shared_task(
    name="portal.notifications.jobs.deliver_notification",
    acks_late=True,
    autoretry_for=(DeliveryIncomplete,),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=settings.NOTIFICATION_DELIVERY_MAX_RETRIES,
)
def deliver_notification(notification_id: int) -> None:
    """Send one notification's pending deliveries; each attempt updates its Delivery row and
    a final failure stays ``failed`` with its error on the office's page."""
    failed = notification_deliver(notification_id=notification_id)
    if failed:
        raise DeliveryIncomplete(
            "; ".join(f"{d.channel} {d.target}: {d.last_error}" for d in failed)
        )


@shared_task(name="portal.notifications.jobs.plan_deliveries", acks_late=True)
def plan_deliveries(notification_ids: list[int]) -> None:
    """Hand notifications created in bulk (``notify_many``) to the channels: record the
    deliveries each needs and queue their sending. Planning twice is harmless (a delivery
    is unique per notification, channel and target; a sent one is never sent again)."""
    deliver(list(notification_ids))


@shared_task(name="portal.notifications.jobs.replan_deliveries", acks_late=True)
def replan_deliveries() -> int:
    """Beat, with the sweep: notifications whose delivery planning was lost get it again."""
    from .services import deliveries_replan

    return deliveries_replan()

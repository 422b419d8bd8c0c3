"""Portal-wide Celery jobs."""

import datetime
import logging

from celery import shared_task
from django.core import management

logger = logging.getLogger(__name__)


@shared_task(name="portal.jobs.housekeeping", acks_late=True)
def housekeeping():
    """Nightly: expired sessions, old export files, long-read notifications and the embedded
    broker's delivered messages out; other apps' clean-ups hook in through their own jobs."""
    from django.conf import settings
    from django.utils import timezone

    from portal.celery import app
    from portal.notifications.services import notifications_purge
    from portal.reports.services import export_jobs_purge

    management.call_command("clearsessions")
    now = timezone.now()
    exports = export_jobs_purge(
        created_before=now - datetime.timedelta(days=settings.EXPORT_RETENTION_DAYS)
    )
    notices = notifications_purge(
        read_before=now - datetime.timedelta(days=settings.NOTIFICATION_RETENTION_DAYS)
    )
    messages = purge_delivered_broker_messages(
        broker_url=app.conf.broker_url or "",
        delivered_before=datetime.datetime.now() - datetime.timedelta(days=1),
    )
    logger.info(
        "housekeeping done: %d exports, %d read notifications, %d broker messages removed",
        exports,
        notices,
        messages,
    )


def purge_delivered_broker_messages(*, broker_url: str, delivered_before: datetime.datetime) -> int:
    """Embedded mode only: kombu's SQLAlchemy transport never deletes a delivered message (it
    marks it invisible and stamps the delivery time, naive local time), so its table grows
    with every job. Remove those delivered before ``delivered_before``; Redis needs nothing."""
    if not broker_url.startswith("sqla+"):
        return 0
    import sqlalchemy as sa

    engine = sa.create_engine(broker_url.removeprefix("sqla+"))
    try:
        with engine.begin() as conn:
            if not sa.inspect(conn).has_table("kombu_message"):
                return 0
            result = conn.execute(
                sa.text("DELETE FROM kombu_message WHERE visible = :no AND timestamp < :before"),
                {"no": False, "before": delivered_before},
            )
            return result.rowcount
    finally:
        engine.dispose()


@shared_task(name="portal.jobs.sweep_deadlines", acks_late=True)
def sweep_deadlines() -> dict:
    """Beat, every ``DEADLINE_SWEEP_INTERVAL`` seconds: one deadline sweep. Safe to redeliver
    or to overlap another sweep (see portal.deadlines: every act is claimed once)."""
    from portal.deadlines import sweep

    return sweep().as_dict()


@shared_task(name="portal.jobs.send_digests", acks_late=True)
def send_digests() -> int:
    """Beat, 08:00 Asia/Shanghai: one digest per person who chose the daily digest and has
    something new; nobody hears anything when their list is empty."""
    from portal.notifications.services import digests_send

    return digests_send()

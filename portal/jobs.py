"""Portal-wide Celery jobs."""

import logging

from celery import shared_task
from django.core import management

logger = logging.getLogger(__name__)


@shared_task(name="portal.jobs.housekeeping", acks_late=True)
def housekeeping():
    """Nightly: expired sessions, old export files and long-read notifications out; other
    apps' clean-ups hook in through their own jobs."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from portal.notifications.services import notifications_purge
    from portal.reports.services import export_jobs_purge

    management.call_command("clearsessions")
    now = timezone.now()
    exports = export_jobs_purge(created_before=now - timedelta(days=settings.EXPORT_RETENTION_DAYS))
    notices = notifications_purge(
        read_before=now - timedelta(days=settings.NOTIFICATION_RETENTION_DAYS)
    )
    logger.info("housekeeping done: %d exports, %d read notifications removed", exports, notices)

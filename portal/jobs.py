"""Portal-wide Celery jobs."""

import logging

from celery import shared_task
from django.core import management

logger = logging.getLogger(__name__)


@shared_task(name="portal.jobs.housekeeping", acks_late=True)
def housekeeping():
    """Nightly: expired sessions out; other apps' clean-ups hook in through their own jobs."""
    management.call_command("clearsessions")
    logger.info("housekeeping done")

"""Writes on exports: queue a job, run it (the Celery job calls this), purge old files."""

from __future__ import annotations

import logging
import tempfile
from datetime import datetime
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.exports import FORMATS, WRITERS

from .models import ExportJob
from .selectors import export_queryset, exporter_for

logger = logging.getLogger(__name__)


@transaction.atomic
def export_job_create(*, actor, exporter_name: str, params: dict, fmt: str) -> ExportJob:
    """Queue a background export of ``exporter_name`` with ``params`` for ``actor``.

    Any signed-in person may export what they may see (auditors above all): the rows are
    decided by the exporter's ``get_queryset`` in the actor's scope, again inside the job.
    """
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("请先登录。"))
    exporter = exporter_for(exporter_name)
    job = ExportJob(
        user=actor,
        exporter=exporter_name,
        title=str(exporter.title or exporter_name),
        params=params,
        format=fmt if fmt in FORMATS else "",
    )
    job.full_clean()
    job.save()
    from .jobs import run_export

    transaction.on_commit(partial(run_export.delay, job.pk))
    return job


def _save_progress(job: ExportJob, rows_done: int) -> None:
    job.rows_done = rows_done
    # Progress ticks are not part of the audit trail; the state changes are.
    job.skip_history_when_saving = True
    try:
        job.save(update_fields=["rows_done", "updated_at"])
    finally:
        del job.skip_history_when_saving


def export_job_run(*, job_id: int) -> ExportJob | None:
    """Write the export's file. Safe to run again: a finished job is left alone, a job
    interrupted mid-way starts over. Not one transaction: progress must be visible."""
    job = ExportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None:
        logger.warning("export job %s no longer exists", job_id)
        return None
    if job.state == ExportJob.State.DONE:
        return job
    job.state = ExportJob.State.RUNNING
    job.rows_done = 0
    job.error = ""
    job.save(update_fields=["state", "rows_done", "error", "updated_at"])
    try:
        exporter = exporter_for(job.exporter)
        queryset = export_queryset(exporter=exporter, user=job.user, params=job.params)
        job.rows_total = queryset.count()
        job.save(update_fields=["rows_total", "updated_at"])
        with tempfile.TemporaryFile(dir=settings.VAR_DIR) as handle:
            rows = WRITERS[job.format](
                exporter, queryset, handle, progress=partial(_save_progress, job)
            )
            handle.seek(0)
            job.file.save(exporter.filename(job.format), File(handle), save=False)
    except Exception as exc:
        logger.exception("export job %s failed", job_id)
        job.state = ExportJob.State.FAILED
        job.error = str(exc)[:1000] or exc.__class__.__name__
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "error", "finished_at", "updated_at"])
        return job
    job.rows_done = rows
    job.state = ExportJob.State.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "rows_done", "state", "finished_at", "updated_at"])
    return job


def export_jobs_purge(*, created_before: datetime) -> int:
    """Delete export jobs (and their files) requested before ``created_before``."""
    deleted = 0
    for job in ExportJob.objects.filter(created_at__lt=created_before).iterator(chunk_size=500):
        if job.file:
            job.file.delete(save=False)
        job.delete()
        deleted += 1
    return deleted

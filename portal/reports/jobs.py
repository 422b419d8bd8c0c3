"""Celery jobs for reports: background exports."""

from celery import shared_task

from .services import export_job_run


@shared_task(name="portal.reports.jobs.run_export", acks_late=True)
def run_export(job_id: int) -> None:
    """Write one export's file; the job's user decides the scope (rebuilt from its id)."""
    export_job_run(job_id=job_id)

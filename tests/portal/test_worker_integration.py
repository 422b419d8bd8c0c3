"""A large export, queued through the page, is written by a real Celery worker and
downloads: once over the embedded SQLAlchemy broker and once over Redis."""

import io
import os

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from portal.reports.models import ExportJob
from responsibilities.models import Membership
from tests.celery_worker import sqlalchemy_broker_url
from tests.portal.exporters import MembershipTestExporter

EXPORT = reverse("reports:export", args=[MembershipTestExporter.name])


@pytest.fixture(params=["sqlalchemy", pytest.param("redis", marks=pytest.mark.redis)])
def broker_url(request, tmp_path):
    if request.param == "redis":
        return os.environ["REDIS_URL"]
    return sqlalchemy_broker_url(tmp_path / "celery-broker.sqlite3")


@pytest.mark.django_db(transaction=True)
def test_a_large_export_is_written_by_a_real_worker_and_downloads(
    broker_url, start_celery_worker, cast, client, settings
):
    settings.EXPORT_STREAM_LIMIT = 2
    worker = start_celery_worker(broker_url, include=("tests.portal.exporters",))
    client.force_login(cast.office)

    response = client.get(EXPORT, {"format": "xlsx"})

    job = ExportJob.objects.get(user=cast.office)
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    finished = worker.wait_for(
        lambda: ExportJob.objects.filter(pk=job.pk, state__in=["done", "failed"]).first()
    )
    assert finished.state == ExportJob.State.DONE, finished.error
    assert finished.rows_done == Membership.objects.count() > settings.EXPORT_STREAM_LIMIT
    assert "portal.reports.jobs.run_export" in worker.log()

    download = client.get(reverse("reports:export-download", args=[job.pk]))
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    usernames = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert usernames == set(Membership.objects.values_list("user__username", flat=True))

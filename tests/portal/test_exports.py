"""Exports: formula-injection escaping, the user's scope, streaming small files and running
large ones as jobs whose file only their owner downloads."""

import csv
import datetime
import io
import os
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal.exports import Column, cell_value, escape_cell, get_exporter
from portal.reports.jobs import run_export
from portal.reports.models import ExportJob
from portal.reports.services import export_jobs_purge
from responsibilities.models import Membership
from tests.portal.exporters import MembershipTestExporter
from tests.responsibilities.factories import MembershipFactory

EXPORT = reverse("reports:export", args=[MembershipTestExporter.name])


# --- escaping -------------------------------------------------------------------------------


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r"])
def test_text_starting_with_a_formula_character_gets_an_apostrophe(lead):
    assert escape_cell(f'{lead}HYPERLINK("http://x")') == f'\'{lead}HYPERLINK("http://x")'


@pytest.mark.parametrize("value", ["市住建局", "a=b", "", " =1", "'quoted", "100%"])
def test_ordinary_text_is_left_alone(value):
    assert escape_cell(value) == value


@pytest.mark.parametrize(
    "value", [-5, 3.5, Decimal("-12.50"), datetime.date(2026, 1, 1), None, True]
)
def test_numbers_dates_and_empties_stay_typed(value):
    assert escape_cell(value) is value


def test_cell_values_keep_types_and_show_aware_times_in_local_time():
    aware = datetime.datetime(2026, 3, 1, 0, 30, tzinfo=datetime.UTC)
    assert cell_value(aware) == datetime.datetime(2026, 3, 1, 8, 30)  # Asia/Shanghai
    assert cell_value(Decimal("1.5")) == Decimal("1.5")
    assert cell_value(["甲", "乙"]) == "甲、乙"
    assert cell_value(False) == "否"


@pytest.mark.django_db
def test_a_column_path_uses_the_choice_label(cast):
    membership = Membership.objects.get(user=cast.zhujian_lead)
    assert Column("角色", "role").resolve(membership) == membership.get_role_display()
    assert Column("单位", "unit.short_name").resolve(membership) == "住建局"


def test_exporters_are_found_by_name():
    assert get_exporter("test-memberships") is MembershipTestExporter
    with pytest.raises(KeyError):
        get_exporter("no-such-export")


# --- streaming ------------------------------------------------------------------------------


def _csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


@pytest.mark.django_db
def test_a_small_csv_export_streams_only_the_users_scope(cast, client):
    client.force_login(cast.zhujian)
    response = client.get(EXPORT, {"format": "csv"})
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert "attachment" in response["Content-Disposition"]
    rows = _csv_rows(response)
    assert rows[0] == ["单位", "用户名", "角色", "单位编号", "加入时间", "联系电话"]
    assert sorted(r[1] for r in rows[1:]) == ["t-zhujian", "t-zhujian-lead"]
    assert not ExportJob.objects.exists()


@pytest.mark.django_db
def test_the_office_exports_every_unit_and_filters_apply(cast, client):
    client.force_login(cast.office)
    everything = _csv_rows(client.get(EXPORT, {"format": "csv"}))
    assert len(everything) - 1 == Membership.objects.count()
    filtered = _csv_rows(client.get(EXPORT, {"format": "csv", "unit": cast.yingji_unit.pk}))
    assert [r[1] for r in filtered[1:]] == ["t-yingji"]


@pytest.mark.django_db
def test_a_small_xlsx_export_has_a_bold_frozen_header_and_escaped_cells(cast, client):
    MembershipFactory(unit__name='=HYPERLINK("http://evil","点我")', user__username="t-evil")
    client.force_login(cast.office)
    response = client.get(EXPORT, {"format": "xlsx"})
    assert response.status_code == 200
    assert isinstance(response, FileResponse)
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.title == "单位成员（测试）"
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].value == "单位" and sheet["A1"].font.b
    assert sheet.column_dimensions["A"].width == 24
    cells = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert cells["t-evil"][0] == '\'=HYPERLINK("http://evil","点我")'
    assert isinstance(cells["t-zhujian"][3], int)  # numbers stay numbers
    assert isinstance(cells["t-zhujian"][4], datetime.datetime)  # and dates dates


@pytest.mark.django_db
def test_bad_export_requests_get_clear_answers(cast, client):
    assert client.get(EXPORT).status_code == 302  # anonymous: to the login page
    client.force_login(cast.zhujian)
    bad = client.get(EXPORT, {"format": "pdf"})
    assert bad.status_code == 400 and "pdf" in bad.text
    assert client.get(reverse("reports:export", args=["no-such-export"])).status_code == 404


# --- jobs above the limit -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_large_export_becomes_a_job_in_the_users_scope(cast, client, settings):
    settings.EXPORT_STREAM_LIMIT = 1
    client.force_login(cast.zhujian)
    response = client.get(EXPORT, {"format": "xlsx", "unit": cast.zhujian_unit.pk})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.user, job.exporter, job.format, job.state) == (
        cast.zhujian,
        "test-memberships",
        "xlsx",
        ExportJob.State.QUEUED,
    )
    assert job.params == {"unit": [str(cast.zhujian_unit.pk)]}

    page = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 2s"' in page.text

    run_export(job.pk)
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE
    assert (job.rows_done, job.rows_total) == (2, 2)
    assert job.finished_at is not None

    page = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert "every 2s" not in page.text and 'data-testid="download"' in page.text
    download = client.get(reverse("reports:export-download", args=[job.pk]))
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert sorted(r[1] for r in sheet.iter_rows(min_row=2, values_only=True)) == [
        "t-zhujian",
        "t-zhujian-lead",
    ]
    listing = client.get(reverse("reports:export-jobs"))
    assert job.title in listing.text


@pytest.mark.django_db
def test_only_the_owner_sees_and_downloads_an_export(cast, client, settings):
    settings.EXPORT_STREAM_LIMIT = 0
    client.force_login(cast.auditor)
    client.get(EXPORT, {"format": "csv"})
    job = ExportJob.objects.get(user=cast.auditor)
    run_export(job.pk)
    assert client.get(reverse("reports:export-download", args=[job.pk])).status_code == 200
    for other in (cast.office, cast.admin, cast.zhujian):
        client.force_login(other)
        assert client.get(job.get_absolute_url()).status_code == 404
        assert client.get(reverse("reports:export-download", args=[job.pk])).status_code == 404
        assert job.title not in client.get(reverse("reports:export-jobs")).text


@pytest.mark.django_db
def test_a_job_whose_export_is_gone_fails_with_a_message(cast):
    job = ExportJob.objects.create(
        user=cast.office, exporter="retired-export", title="旧报表", format="csv"
    )
    run_export(job.pk)
    job.refresh_from_db()
    assert job.state == ExportJob.State.FAILED and "retired-export" in job.error
    run_export(123456789)  # a job deleted meanwhile is not an error


@pytest.mark.django_db
def test_housekeeping_removes_old_exports_and_their_files(cast, settings):
    old = ExportJob.objects.create(user=cast.office, exporter="x", title="旧", format="csv")
    old.file.save("old.csv", ContentFile(b"a,b"))
    ExportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(8))
    recent = ExportJob.objects.create(user=cast.office, exporter="x", title="新", format="csv")
    path = old.file.path
    cutoff = timezone.now() - datetime.timedelta(days=settings.EXPORT_RETENTION_DAYS)
    assert export_jobs_purge(created_before=cutoff) == 1
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [recent.pk]

    assert not os.path.exists(path)

"""The report pages: file with evidence, read, edit, the review buttons, evidence downloads."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tasks.choices import ReportState
from tasks.models import ProgressReport, ReportEvidence
from tasks.services.reports import report_confirm, report_create, report_submit
from tests.tasks.factories import PDF_BYTES, MilestoneFactory, make_task

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def shed(cast):
    task = make_task(lead=cast.yingji_unit, co=[cast.zhujian_unit], title="电动车停车棚建设")
    return MilestoneFactory(task=task, with_target=True)


def draft(cast, milestone):
    return report_create(
        actor=cast.zhujian, milestone=milestone, unit=cast.zhujian_unit, value=120, narrative="x"
    )


@pytest.mark.django_db
def test_staff_file_a_report_with_two_evidence_files(client, cast, shed):
    client.force_login(cast.zhujian)
    url = reverse("tasks:report-create", args=[shed.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "不少于470个电动车停车棚" in page.content.decode()
    response = client.post(
        url,
        {
            "unit": cast.zhujian_unit.pk,
            "value": "120",
            "narrative": "已建成停车棚120个。",
            "evidence": [
                SimpleUploadedFile("验收.pdf", PDF_BYTES),
                SimpleUploadedFile("现场.png", PNG),
            ],
        },
    )
    report = ProgressReport.objects.get()
    assert response.status_code == 302 and response.url == report.get_absolute_url()
    assert sorted(report.evidence.values_list("name", flat=True)) == ["现场.png", "验收.pdf"]
    detail = client.get(report.get_absolute_url()).content.decode()
    assert "验收.pdf" in detail and 'data-testid="submit"' in detail


@pytest.mark.django_db
def test_a_fake_pdf_comes_back_to_the_form_and_nothing_is_filed(client, cast, shed):
    client.force_login(cast.zhujian)
    response = client.post(
        reverse("tasks:report-create", args=[shed.pk]),
        {
            "unit": cast.zhujian_unit.pk,
            "value": "1",
            "narrative": "x",
            "evidence": [SimpleUploadedFile("佐证.pdf", b"MZ not a pdf")],
        },
    )
    assert response.status_code == 200
    assert "“佐证.pdf”不是允许的文件类型" in response.content.decode()
    assert not ProgressReport.objects.exists()
    assert not ReportEvidence.objects.exists()


@pytest.mark.django_db
def test_a_unit_not_on_the_task_cannot_open_the_report_form(client, cast, shed):
    client.force_login(cast.houzhen)
    assert client.get(reverse("tasks:report-create", args=[shed.pk])).status_code == 404


@pytest.mark.django_db
def test_a_unit_on_the_task_only_picks_among_its_own_units(client, cast, shed):
    client.force_login(cast.yingji)
    response = client.post(
        reverse("tasks:report-create", args=[shed.pk]),
        {"unit": cast.zhujian_unit.pk, "value": "1", "narrative": "x"},
    )
    assert response.status_code == 200
    assert not ProgressReport.objects.exists()


@pytest.mark.django_db
def test_leader_confirms_and_office_returns_with_a_comment_through_the_buttons(client, cast, shed):
    report = draft(cast, shed)
    report_submit(actor=cast.zhujian, report=report)
    client.force_login(cast.zhujian_lead)
    page = client.get(report.get_absolute_url()).content.decode()
    assert 'data-testid="confirm"' in page and 'data-testid="approve"' not in page
    client.post(reverse("tasks:report-confirm", args=[report.pk]), {"comment": ""})
    client.force_login(cast.office)
    page = client.get(report.get_absolute_url()).content.decode()
    assert 'data-testid="approve"' in page
    response = client.post(reverse("tasks:report-return", args=[report.pk]), {"comment": ""})
    assert response.status_code == 302
    assert ProgressReport.objects.get(pk=report.pk).state == ReportState.CONFIRMED
    assert "退回时请填写退回意见" in client.get(report.get_absolute_url()).content.decode()
    client.post(reverse("tasks:report-return", args=[report.pk]), {"comment": "请补充照片"})
    assert ProgressReport.objects.get(pk=report.pk).state == ReportState.RETURNED
    client.force_login(cast.zhujian)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "请补充照片" in page and 'data-testid="edit"' in page


@pytest.mark.django_db
def test_staff_pressing_confirm_is_refused(client, cast, shed):
    report = draft(cast, shed)
    report_submit(actor=cast.zhujian, report=report)
    client.force_login(cast.zhujian)
    response = client.post(reverse("tasks:report-confirm", args=[report.pk]))
    assert response.status_code == 403
    assert ProgressReport.objects.get(pk=report.pk).state == ReportState.SUBMITTED


@pytest.mark.django_db
def test_edit_page_saves_a_draft_and_refuses_a_submitted_report(client, cast, shed):
    report = draft(cast, shed)
    client.force_login(cast.zhujian)
    url = reverse("tasks:report-edit", args=[report.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"value": "150", "narrative": "更新"})
    assert ProgressReport.objects.get(pk=report.pk).value == 150
    report_submit(actor=cast.zhujian, report=report)
    assert client.get(url).status_code == 302
    response = client.post(url, {"value": "1", "narrative": "改"})
    assert response.status_code == 200 and "不能修改" in response.content.decode()
    assert ProgressReport.objects.get(pk=report.pk).value == 150


@pytest.mark.django_db
def test_evidence_downloads_only_for_those_who_see_the_report(client, cast, shed):
    report = draft(cast, shed)
    from tasks.services.reports import evidence_add

    evidence = evidence_add(
        actor=cast.zhujian, report=report, file=SimpleUploadedFile("验收.pdf", PDF_BYTES)
    )
    url = reverse("tasks:report-evidence", args=[evidence.pk])
    for user in (cast.zhujian, cast.yingji, cast.auditor):  # own unit, lead unit, auditor
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF_BYTES
        assert "attachment" in response["Content-Disposition"]
    client.force_login(cast.houzhen)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


@pytest.mark.django_db
def test_other_units_cannot_read_a_report(client, cast, shed):
    report = draft(cast, shed)
    client.force_login(cast.houzhen)
    assert client.get(report.get_absolute_url()).status_code == 404
    report_submit(actor=cast.zhujian, report=report)
    report_confirm(actor=cast.zhujian_lead, report=report)
    client.force_login(cast.auditor)
    page = client.get(report.get_absolute_url())
    assert page.status_code == 200 and 'data-testid="review-box"' not in page.content.decode()

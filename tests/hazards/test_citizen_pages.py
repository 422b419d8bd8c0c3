"""群众举报 pages: the public form, its receipt and status lookup, and the office's triage."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from hazards.choices import CitizenReportState, HazardSource, HazardState
from hazards.forms_citizen import PHOTO_MAX_BYTES
from hazards.models import CitizenReport, Hazard
from hazards.views_citizen import LOOKUPS_PER_HOUR, REPORTS_PER_HOUR
from tests.hazards.factories import CitizenReportFactory, a_png, png_bytes

FORM_URL = reverse("hazards:citizen-report-form")
STATUS_URL = reverse("hazards:citizen-report-status")
LIST_URL = reverse("hazards:citizen-report-list")


@pytest.fixture(autouse=True)
def fresh_cache():
    # Lookup counts live in the cache; each test starts from none.
    cache.clear()
    yield
    cache.clear()


def report_data(**overrides):
    data = {
        "description": "小区门口广告牌松动，大风天有坠落危险。",
        "address": "寿光市文圣街88号",
        "township": "",
        "latitude": "",
        "longitude": "",
        "contact_name": "",
        "contact_phone": "",
    }
    data.update(overrides)
    return data


def detail_url(report):
    return reverse("hazards:citizen-report-detail", args=[report.pk])


# --- the public form ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_report_form_is_public_and_ready_for_a_phone_camera(client):
    response = client.get(FORM_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'accept="image/*"' in html and 'capture="environment"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "data-locate-lat" in html and "data-locate-lng" in html
    # The CSP forbids inline scripts: every script on the page comes from a file.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert 'data-testid="main-nav"' not in html


@pytest.mark.django_db
def test_anonymous_citizen_submits_a_report_with_photo_and_gets_a_receipt(client, cast):
    response = client.post(
        FORM_URL,
        report_data(
            township=cast.houzhen_unit.pk,
            latitude="36.930001",
            longitude="118.950002",
            contact_name="王先生",
            contact_phone="138 0013 8000",
            photo=a_png(),
        ),
    )
    assert response.status_code == 302
    assert response.url == reverse("hazards:citizen-report-receipt")

    report = CitizenReport.objects.get()
    assert report.state == CitizenReportState.NEW
    assert report.township == cast.houzhen_unit
    assert str(report.latitude) == "36.930001" and str(report.longitude) == "118.950002"
    assert report.contact_phone == "13800138000"
    assert report.photo
    assert len(report.client_fingerprint) == 64

    receipt = client.get(response.url)
    assert receipt.status_code == 200
    assert report.receipt_code in receipt.content.decode()


@pytest.mark.django_db
def test_receipt_page_without_a_report_sends_back_to_the_form(client):
    response = client.get(reverse("hazards:citizen-report-receipt"))
    assert response.status_code == 302 and response.url == FORM_URL


@pytest.mark.django_db
def test_validation_errors_name_their_fields_and_save_nothing(client, tmp_path):
    not_an_image = SimpleUploadedFile("现场.png", b"MZ\x90\x00 not a picture", "image/png")
    response = client.post(
        FORM_URL,
        report_data(
            description="",
            address="",
            contact_phone="12345",
            latitude="36.9",
            photo=not_an_image,
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    for field in ("description", "address", "contact_phone", "photo", "latitude"):
        assert f'data-field-error="{field}"' in html, field
    assert "请描述发现的安全隐患" in html
    assert "联系电话应为11位手机号码或固定电话" in html
    assert "不是允许的文件类型" in html
    assert not CitizenReport.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["13800138000", "+86 138 0013 8000", "0536-5221234", "5221234"])
def test_mobile_and_landline_numbers_are_accepted(client, phone):
    response = client.post(FORM_URL, report_data(contact_phone=phone))
    assert response.status_code == 302
    assert CitizenReport.objects.count() == 1


@pytest.mark.django_db
def test_too_many_reports_from_one_address_get_429_and_nothing_is_saved(client):
    for _ in range(REPORTS_PER_HOUR):
        assert client.post(FORM_URL, report_data()).status_code == 302
    response = client.post(FORM_URL, report_data(description="第六条举报"))
    assert response.status_code == 429
    assert "提交过于频繁" in response.content.decode()
    assert CitizenReport.objects.count() == REPORTS_PER_HOUR
    assert not CitizenReport.objects.filter(description="第六条举报").exists()


@pytest.mark.django_db
def test_another_address_may_still_report_when_one_is_limited(client):
    for _ in range(REPORTS_PER_HOUR):
        client.post(FORM_URL, report_data())
    response = client.post(FORM_URL, report_data(), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302


# --- the status lookup ----------------------------------------------------------------------


@pytest.mark.django_db
def test_status_page_shows_a_new_report_without_its_contact_or_content(client):
    report = CitizenReportFactory(
        receipt_code="K7MP2QXA", contact_name="王先生", contact_phone="13800138000"
    )
    response = client.get(STATUS_URL, {"code": " k7mp-2qxa "})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-state="new"' in html and "待处理" in html
    for private in ("王先生", "13800138000", report.description, report.address):
        assert private not in html


@pytest.mark.django_db
def test_unknown_receipt_code_says_so_clearly(client):
    CitizenReportFactory(receipt_code="K7MP2QXA")
    response = client.get(STATUS_URL, {"code": "ZZZZ9999"})
    assert response.status_code == 200
    assert "没有找到这个回执码对应的举报" in response.content.decode()


@pytest.mark.django_db
def test_malformed_receipt_code_names_the_field(client):
    response = client.get(STATUS_URL, {"code": "<script>"})
    assert 'data-field-error="code"' in response.content.decode()


@pytest.mark.django_db
def test_status_lookups_are_rate_limited(client):
    CitizenReportFactory(receipt_code="K7MP2QXA")
    for _ in range(LOOKUPS_PER_HOUR):
        assert client.get(STATUS_URL, {"code": "ZZZZ9999"}).status_code == 200
    response = client.get(STATUS_URL, {"code": "K7MP2QXA"})
    assert response.status_code == 429
    assert "查询过于频繁" in response.content.decode()
    assert 'data-state="new"' not in response.content.decode()


# --- the office's triage --------------------------------------------------------------------


@pytest.mark.django_db
def test_office_sees_the_contact_auditor_does_not(client, cast):
    report = CitizenReportFactory(contact_name="王先生", contact_phone="13800138000")
    client.force_login(cast.office)
    html = client.get(detail_url(report)).content.decode()
    assert "王先生" in html and "13800138000" in html
    assert 'data-testid="triage-form"' in html and 'data-testid="dismiss-form"' in html

    client.force_login(cast.auditor)
    response = client.get(detail_url(report))
    html = response.content.decode()
    assert response.status_code == 200
    assert "王先生" not in html and "13800138000" not in html
    assert "仅安委办可见" in html
    assert 'data-testid="triage-form"' not in html and 'data-testid="dismiss-form"' not in html


@pytest.mark.django_db
def test_auditor_cannot_triage_or_dismiss(client, cast):
    report = CitizenReportFactory()
    client.force_login(cast.auditor)
    triage = client.post(
        reverse("hazards:citizen-report-triage", args=[report.pk]),
        {"township": cast.houzhen_unit.pk, "grade": "general", "address": "a", "description": "b"},
    )
    dismiss = client.post(
        reverse("hazards:citizen-report-dismiss", args=[report.pk]), {"reason": "重复举报"}
    )
    assert triage.status_code == 403 and dismiss.status_code == 403
    report.refresh_from_db()
    assert report.state == CitizenReportState.NEW
    assert not Hazard.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["zhujian", "houzhen", "zhujian_lead"])
def test_unit_members_get_403_on_triage_pages(client, cast, who):
    report = CitizenReportFactory(township=cast.houzhen_unit)
    client.force_login(getattr(cast, who))
    assert client.get(LIST_URL).status_code == 403
    assert client.get(detail_url(report)).status_code == 403
    response = client.post(
        reverse("hazards:citizen-report-dismiss", args=[report.pk]), {"reason": "重复举报"}
    )
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.state == CitizenReportState.NEW


@pytest.mark.django_db
def test_triage_pages_ask_anonymous_visitors_to_sign_in(client):
    report = CitizenReportFactory()
    for url in (LIST_URL, detail_url(report)):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.django_db
def test_list_puts_new_reports_first_and_filters_by_state(client, cast):
    handled = CitizenReportFactory(state=CitizenReportState.DISMISSED, dismissal_reason="重复")
    waiting = CitizenReportFactory()
    newest_handled = CitizenReportFactory(state=CitizenReportState.DISMISSED, dismissal_reason="x")
    client.force_login(cast.office)
    html = client.get(LIST_URL).content.decode()
    assert html.index(waiting.receipt_code) < html.index(newest_handled.receipt_code)
    assert html.index(newest_handled.receipt_code) < html.index(handled.receipt_code)

    html = client.get(LIST_URL, {"state": "new"}).content.decode()
    assert waiting.receipt_code in html and handled.receipt_code not in html


@pytest.mark.django_db
def test_office_triages_a_report_into_a_hazard_and_the_reporter_sees_it_accepted(client, cast):
    client.post(FORM_URL, report_data(photo=a_png()))
    report = CitizenReport.objects.get()
    code = report.receipt_code

    client.force_login(cast.office)
    response = client.post(
        reverse("hazards:citizen-report-triage", args=[report.pk]),
        {
            "township": cast.houzhen_unit.pk,
            "grade": "general",
            "address": "寿光市侯镇文圣街88号",
            "description": report.description,
        },
    )
    hazard = Hazard.objects.get()
    assert response.status_code == 302
    assert response.url in (hazard.get_absolute_url(), detail_url(report))
    assert hazard.source == HazardSource.CITIZEN
    assert hazard.township == cast.houzhen_unit
    assert hazard.address == "寿光市侯镇文圣街88号"
    report.refresh_from_db()
    assert report.state == CitizenReportState.ACCEPTED and report.hazard == hazard

    client.logout()
    html = client.get(STATUS_URL, {"code": code}).content.decode()
    assert 'data-state="accepted"' in html and "已受理" in html
    assert "已立案，正在核实" in html


@pytest.mark.django_db
def test_reporter_reads_the_hazard_progress_in_public_words(client):
    hazard_states = {HazardState.RECTIFYING: "整改中", HazardState.CLOSED: "已整改销号"}
    from tests.hazards.factories import HazardFactory

    for state, words in hazard_states.items():
        hazard = HazardFactory(state=state, source=HazardSource.CITIZEN)
        report = CitizenReportFactory(state=CitizenReportState.ACCEPTED, hazard=hazard)
        html = client.get(STATUS_URL, {"code": report.receipt_code}).content.decode()
        assert words in html


@pytest.mark.django_db
def test_office_dismisses_with_a_reason_the_reporter_reads(client, cast):
    report = CitizenReportFactory(contact_phone="13800138000")
    client.force_login(cast.office)
    response = client.post(
        reverse("hazards:citizen-report-dismiss", args=[report.pk]),
        {"reason": "经现场核实，广告牌已于昨日拆除。"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == CitizenReportState.DISMISSED

    client.logout()
    html = client.get(STATUS_URL, {"code": report.receipt_code}).content.decode()
    assert 'data-state="dismissed"' in html and "不予受理" in html
    assert "经现场核实，广告牌已于昨日拆除。" in html
    assert "13800138000" not in html


@pytest.mark.django_db
def test_dismissing_without_a_reason_names_the_field(client, cast):
    report = CitizenReportFactory()
    client.force_login(cast.office)
    response = client.post(reverse("hazards:citizen-report-dismiss", args=[report.pk]), {})
    assert response.status_code == 200
    assert 'data-field-error="reason"' in response.content.decode()
    report.refresh_from_db()
    assert report.state == CitizenReportState.NEW


@pytest.mark.django_db
def test_the_photo_is_served_to_the_office_only(client, cast):
    client.post(FORM_URL, report_data(photo=a_png()))
    report = CitizenReport.objects.get()
    url = reverse("hazards:citizen-report-photo", args=[report.pk])
    client.force_login(cast.zhujian)
    assert client.get(url).status_code == 403
    client.force_login(cast.office)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


@pytest.mark.django_db
def test_workbench_shows_waiting_reports_to_the_office_only(client, cast):
    CitizenReportFactory(description="桥下堆放大量易燃杂物")
    CitizenReportFactory(state=CitizenReportState.DISMISSED, dismissal_reason="重复")
    client.force_login(cast.office)
    html = client.get(reverse("workbench")).content.decode()
    assert 'data-testid="panel-citizen-reports"' in html
    assert re.search(r'data-testid="count-new">1<', html)
    assert "桥下堆放大量易燃杂物" in html

    for user in (cast.zhujian, cast.auditor):
        client.force_login(user)
        html = client.get(reverse("workbench")).content.decode()
        assert 'data-testid="panel-citizen-reports"' not in html


@pytest.mark.django_db
def test_reports_older_than_an_hour_do_not_count_toward_the_limit(client):
    for _ in range(REPORTS_PER_HOUR):
        client.post(FORM_URL, report_data())
    # Moved back in time directly: no service sets a report's creation time.
    CitizenReport.objects.update(created_at=timezone.now() - timedelta(minutes=61))
    assert client.post(FORM_URL, report_data()).status_code == 302


@pytest.mark.django_db
def test_a_photo_over_the_size_limit_is_refused_by_name(client):
    big = SimpleUploadedFile(
        "大图.png", png_bytes() + b"\x00" * PHOTO_MAX_BYTES, content_type="image/png"
    )
    response = client.post(FORM_URL, report_data(photo=big))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-field-error="photo"' in html and "超过上限" in html and "大图.png" in html
    assert not CitizenReport.objects.exists()

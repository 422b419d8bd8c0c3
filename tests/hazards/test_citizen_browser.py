"""A citizen reports a hazard from a phone; the office makes a hazard of it; the citizen's
receipt code then shows 已受理."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hazards.choices import CitizenReportState, HazardSource
from hazards.models import CitizenReport, Hazard
from tests.hazards.factories import png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
NOTES_SCREENS = Path("/work/notes/screens")
HOUZHEN_POSITION = {"latitude": 36.931234, "longitude": 118.951234}


@pytest.fixture
def phone(chromium, live_server):
    context = chromium.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        geolocation=HOUZHEN_POSITION,
        permissions=["geolocation"],
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


def shoot(page, screenshot_dir, name):
    path = screenshot_dir / f"citizen-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if NOTES_SCREENS.is_dir():
        shutil.copy(path, NOTES_SCREENS / path.name)


def test_citizen_report_from_a_phone_becomes_a_hazard(
    cast, phone, browser_page, screenshot_dir, tmp_path
):
    photo = tmp_path / "广告牌.png"
    photo.write_bytes(png_bytes(40, 30))
    page = phone

    # The citizen, no login: describe, place, locate, photograph, send.
    page.goto(f"{page.base_url}/hazards/report/")
    page.fill("textarea[name=description]", "文圣街88号楼顶广告牌支架锈蚀松动，大风天有坠落危险。")
    page.fill("input[name=address]", "寿光市侯镇文圣街88号")
    page.select_option("select[name=township]", str(cast.houzhen_unit.pk))
    page.click("[data-testid=locate]")
    page.wait_for_selector("[data-locate][data-located=true]")
    assert page.input_value("input[name=latitude]") == "36.931234"
    page.set_input_files("input[name=photo]", str(photo))
    page.fill("input[name=contact_phone]", "13800138000")
    shoot(page, screenshot_dir, "form")
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=receipt-code]")
    code = page.inner_text("[data-testid=receipt-code]").strip()
    shoot(page, screenshot_dir, "receipt")

    report = CitizenReport.objects.get(receipt_code=code)
    assert report.photo and str(report.latitude) == "36.931234"
    page.click("[data-testid=check-status]")
    assert page.get_attribute("[data-testid=status]", "data-state") == CitizenReportState.NEW

    # The office, at its desk: opens the report, keeps the prefilled place, makes a hazard.
    office = browser_page
    office.goto(f"{office.base_url}/accounts/login/?next=/hazards/citizen-reports/")
    office.fill("input[name=username]", cast.office.username)
    office.fill("input[name=password]", "Test-pass-2026")
    office.click("[data-testid=login-submit]")
    office.wait_for_url("**/hazards/citizen-reports/")
    office.get_by_role("link", name=code).click()
    office.wait_for_selector("[data-testid=triage-form]")
    assert office.inner_text("[data-testid=contact-phone]") == "13800138000"
    assert office.input_value("[data-testid=triage-form] input[name=address]") == (
        "寿光市侯镇文圣街88号"
    )
    office.wait_for_function(
        "() => document.querySelector('[data-testid=report-photo]').naturalWidth > 0"
    )
    shoot(office, screenshot_dir, "triage")
    office.click("[data-testid=triage]")
    office.wait_for_load_state()
    hazard = Hazard.objects.get()
    assert hazard.source == HazardSource.CITIZEN
    assert hazard.photos.count() == 1
    assert hazard.code in office.content()

    # The citizen checks the receipt code again.
    page.goto(f"{page.base_url}/hazards/report/status/")
    page.fill("input[name=code]", code.lower())
    page.click("[data-testid=lookup]")
    page.wait_for_selector("[data-testid=status][data-state=accepted]")
    assert "已受理" in page.inner_text("[data-testid=status-state]")
    assert "13800138000" not in page.content()
    shoot(page, screenshot_dir, "status-accepted")

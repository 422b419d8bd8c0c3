"""In Chromium: the auditor opens /reports/, exports the hazard ledger for one month, and the
downloaded workbook holds that month's hazards only."""

import datetime
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.hazards.factories import HazardFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Test-pass-2026"  # tests.responsibilities.factories.UserFactory
SCREENS = Path("/work/notes/screens")


def sign_in(page, user, next_url):
    page.goto(f"{page.base_url}/accounts/login/?next={next_url}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"**{next_url}")


def test_the_auditor_exports_one_months_hazard_ledger_and_opens_it(
    cast, browser_page, screenshot_dir
):
    october = [
        HazardFactory(
            township=cast.houzhen_unit,
            responsible_unit=cast.zhujian_unit,
            found_on=datetime.date(2026, 10, day),
            description=f"十月排查：临边防护缺失（{day}日）",
        )
        for day in (1, 15, 31)
    ]
    for day in (datetime.date(2026, 9, 30), datetime.date(2026, 11, 1)):
        HazardFactory(township=cast.yangkou_unit, found_on=day, description="不在十月")
    page = browser_page
    sign_in(page, cast.auditor, "/")
    page.click("[data-nav=reports]")
    page.wait_for_url("**/reports/")

    page.fill("input[name=date_from]", "2026-10-01")
    page.fill("input[name=date_to]", "2026-10-31")
    page.click("[data-testid=ledger-apply]")
    page.wait_for_url("**/reports/?date_from=2026-10-01*")
    row = page.locator("tr[data-ledger=hazards]")
    row.wait_for()
    assert "排查时间" in row.inner_text()
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "reports.png"), full_page=True)
    page.screenshot(path=str(screenshot_dir / "reports.png"), full_page=True)

    with page.expect_download() as info:
        row.locator("[data-testid=export-xlsx]").click()
    download = info.value
    assert download.suggested_filename.startswith("隐患台账")
    assert download.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[1] == "隐患编号" and header[2] == "排查时间"
    assert sorted(row[1] for row in rows) == sorted(hazard.code for hazard in october)
    assert all(row[2].date().month == 10 for row in rows)


def test_the_auditor_follows_a_hazards_changes_from_its_page_to_the_change_log(
    cast, browser_page, screenshot_dir
):
    from hazards.choices import HazardState

    hazard = HazardFactory(township=cast.houzhen_unit, responsible_unit=cast.zhujian_unit)
    hazard._history_user = cast.office
    hazard.state = HazardState.CONFIRMED
    hazard.responsible_unit = cast.yingji_unit
    hazard.save()
    page = browser_page
    sign_in(page, cast.auditor, hazard.get_absolute_url())

    page.click("[data-testid=full-history]")
    page.wait_for_url("**/reports/history/hazards.hazard/*/")
    newest = page.locator("[data-testid=version]").first
    assert newest.get_attribute("data-kind") == "~"
    text = newest.inner_text()
    assert "市住建局" in text and "市应急管理局" in text and "t-office" in text
    page.screenshot(path=str(screenshot_dir / "record-history.png"), full_page=True)
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "record-history.png"), full_page=True)

    page.goto(f"{page.base_url}/reports/changes/?model=hazards.hazard")
    rows = page.locator("[data-testid=change-row]")
    assert rows.count() == 2
    page.screenshot(path=str(SCREENS / "change-log.png"), full_page=True)
    # The auditor reads and changes nothing: no form here writes.
    assert page.locator("form[method=post]:not([action*=logout]):not([action*=i18n])").count() == 0

"""In the browser: the office opens October's bulletin, writes 下步工作 and issues it; the
issued bulletin carries its number and the text."""

from __future__ import annotations

import pytest

from portal.reports.models import Bulletin
from tests.reports.test_bulletin import build_month

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, user, next_url):
    page.goto(f"{page.base_url}/accounts/login/?next={next_url}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "Test-pass-2026")
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"**{next_url}")


def test_office_issues_the_monthly_bulletin(cast, browser_page, screenshot_dir):
    build_month(cast)
    page = browser_page
    sign_in(page, cast.office, "/reports/bulletins/")
    page.locator("[data-month='2026-10']").get_by_role("link", name="打印页").click()
    page.wait_for_selector("[data-testid=bulletin-document]")
    assert page.inner_text("[data-testid=bulletin-title]") == "寿光市城市安全发展工作月度通报"
    overdue = page.locator("[data-section=overdue]").inner_text()
    assert "市应急管理局" in overdue and "侯镇、羊口镇" in overdue

    page.fill("#next-steps", "一是加快推进逾期任务。\n二是抓好隐患整改。")
    page.click("[data-testid=issue]")
    page.wait_for_url("**/reports/bulletins/issued/**")
    assert page.inner_text("[data-testid=bulletin-number]") == "〔2026〕第1期"
    assert "二是抓好隐患整改。" in page.inner_text("[data-section=next-steps]")
    page.screenshot(path=str(screenshot_dir / "bulletin-issued.png"), full_page=True)
    assert Bulletin.objects.get().number == "〔2026〕第1期"

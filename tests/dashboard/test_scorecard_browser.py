"""In the browser: the office opens October's ranking, opens 市住建局's breakdown to see why it
scored 46.00, follows a 督办单 behind the score, and publishes the month's ranking."""

from __future__ import annotations

import pytest

from portal.dashboard.models import ScorecardEdition
from tests.dashboard.test_scorecard import build_october

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, user, next_url):
    page.goto(f"{page.base_url}/accounts/login/?next={next_url}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "Test-pass-2026")
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"**{next_url}")


def test_office_sees_why_a_bureau_scored_what_it_did(cast, browser_page, screenshot_dir):
    build_october(cast)
    page = browser_page
    sign_in(page, cast.office, "/dashboard/scorecard/?period=2026-10")
    rows = page.locator("[data-testid=ranking] tbody tr")
    assert rows.count() == 3
    assert "市住建局" in rows.nth(2).inner_text() and "46.00" in rows.nth(2).inner_text()
    page.screenshot(path=str(screenshot_dir / "scorecard-ranking.png"), full_page=True)

    rows.nth(2).get_by_role("link", name="市住建局").click()
    page.wait_for_selector("[data-testid=unit-total]")
    assert page.inner_text("[data-testid=unit-total]") == "46.00"
    notices = page.locator("[data-indicator=supervision_notices]")
    assert "督办单2份，每份扣10分" in notices.inner_text()
    page.screenshot(path=str(screenshot_dir / "scorecard-breakdown.png"), full_page=True)
    notices.locator("a").first.click()
    page.wait_for_url("**/supervision/**")

    page.goto(f"{page.base_url}/dashboard/scorecard/?period=2026-10")
    page.click("[data-testid=publish]")
    page.wait_for_selector("[data-testid=edition-ranking]")
    assert page.inner_text("[data-testid=edition-title]") == "2026年10月考核结果"
    assert ScorecardEdition.objects.count() == 1

"""The office keeps a township's contact details current: list, filter, open, edit, history."""

import pytest

from tests.responsibilities.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_updates_a_township_phone(cast, browser_page, screenshot_dir):
    page = browser_page
    office = UserFactory(username="t-office")  # the cast's office; its password is known
    page.goto(f"{page.base_url}/accounts/login/?next=/units/")
    page.fill("input[name=username]", office.username)
    page.fill("input[name=password]", "Test-pass-2026")
    page.click("[data-testid=login-submit]")
    page.wait_for_url("**/units/")

    # Filter to 镇街区: the htmx filter swaps the rows in place.
    page.select_option("[data-testid=filters] select[name=kind]", "township")
    rows = page.locator("[data-testid=list-table] tbody tr")
    page.wait_for_function(
        "() => ![...document.querySelectorAll('[data-testid=list-table] tbody tr')]"
        ".some(tr => tr.textContent.includes('市住建局'))"
    )
    assert rows.filter(has_text="侯镇").count() == 1
    assert "kind=township" in page.url

    page.get_by_role("link", name="侯镇", exact=True).click()
    page.wait_for_selector("[data-testid=detail-title]:has-text('侯镇')")

    page.click("[data-testid=edit]")
    page.fill("input[name=phone]", "0536-5123456")
    page.click("[data-testid=save]")

    page.wait_for_selector("[data-testid=detail-title]:has-text('侯镇')")
    assert page.locator("dd", has_text="0536-5123456").count() == 1
    history = page.locator("[data-testid=history] li")
    assert history.first.inner_text().startswith("修改")
    assert "t-office" in history.first.inner_text()
    page.screenshot(path=str(screenshot_dir / "units-journey.png"), full_page=True)
    cast.houzhen_unit.refresh_from_db()
    assert cast.houzhen_unit.phone == "0536-5123456"

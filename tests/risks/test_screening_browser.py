"""In the browser: the office reads the catalogue, screens a proposed fireworks warehouse in the
central city, sees the 一票否决 and the risk points on the small map, then publishes a white
paper and opens its print page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from responsibilities.demo import DemoRun, seed_accounts
from responsibilities.models import OrgUnit
from responsibilities.reference import load_reference
from risks.choices import RiskLevel
from tests.risks.factories import RiskPointFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def office_with_register(transactional_db):
    load_reference()
    seed_accounts(DemoRun())
    shengcheng = OrgUnit.objects.get(name="圣城街道")
    unit = OrgUnit.objects.get(name="市住建局")
    RiskPointFactory(
        name="城区燃气调压站",
        township=shengcheng,
        responsible_unit=unit,
        latitude=Decimal("36.882000"),
        longitude=Decimal("118.751000"),
        level=RiskLevel.RED,
    )
    RiskPointFactory(
        name="商业综合体",
        township=shengcheng,
        responsible_unit=unit,
        latitude=Decimal("36.878000"),
        longitude=Decimal("118.747000"),
        level=RiskLevel.ORANGE,
    )


def log_in(page, username: str) -> None:
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", settings.DEMO_PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{page.base_url}/")


def test_the_office_screens_a_project_and_publishes_a_white_paper(
    browser_page, office_with_register, screenshot_dir
):
    page = browser_page
    log_in(page, "office")

    page.goto(f"{page.base_url}/risks/catalogue/")
    assert page.locator("[data-testid=sample-banner]").is_visible()
    page.click("[data-testid=screen]")

    page.fill("input[name=project_name]", "鸿运烟花爆竹批发仓库")
    page.fill("input[name=industry_text]", "烟花爆竹批发")
    page.fill("[data-point-lat]", "36.880000")
    page.fill("[data-point-lon]", "118.750000")
    page.click("[data-testid=save]")

    verdict = page.locator("[data-testid=verdict]")
    assert verdict.get_attribute("data-verdict") == "prohibited"
    assert "一票否决" in verdict.inner_text()
    assert page.locator("[data-testid=nearby-row]").count() == 2
    page.wait_for_selector("[data-testid=map][data-points='3']")  # the site and two points
    page.screenshot(path=str(screenshot_dir / "risks-screening.png"), full_page=True)

    page.goto(f"{page.base_url}/risks/white-papers/new/")
    page.fill("input[name=year]", "")
    page.fill("input[name=as_of]", timezone.localdate().isoformat())
    page.click("[data-testid=save]")
    assert "城市安全风险白皮书" in page.locator("[data-testid=whitepaper-title]").inner_text()
    page.click("[data-testid=print]")
    major = page.locator("table[data-table=major]")
    assert "城区燃气调压站" in major.inner_text()
    page.screenshot(path=str(screenshot_dir / "risks-whitepaper-print.png"), full_page=True)

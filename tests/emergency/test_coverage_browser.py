"""The coverage journey in Chromium, as the demo's office account.

The office opens the coverage matrix and sees that 侯镇 has no 综合应急预案 (缺); it follows the
cell's add link, finds the plan form filled in for 侯镇 (the owner kind showing only the
township field), saves the plan, goes back to the matrix, and the gap is closed. Screenshots go
to the screenshot_dir and /work/notes/screens/coverage-before.png and coverage-after.png.
"""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from emergency.choices import PlanOwnerKind, PlanState, PlanType
from emergency.models import Plan
from responsibilities.demo import DemoRun, seed_accounts
from responsibilities.models import OrgUnit
from responsibilities.reference import load_reference
from tests.emergency.factories import PlanFactory
from tests.tasks.factories import MilestoneFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTES_SCREENS = Path("/work/notes/screens")


@pytest.fixture
def demo_accounts(transactional_db):
    load_reference()
    seed_accounts(DemoRun())


def log_in(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", settings.DEMO_PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{page.base_url}/")


def shoot(page, screenshot_dir: Path, name: str) -> None:
    path = screenshot_dir / f"coverage-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if NOTES_SCREENS.is_dir():
        shutil.copy(path, NOTES_SCREENS / path.name)


def houzhen_cell(page):
    row = page.locator("[data-testid=coverage-row][data-label='侯镇']")
    return row.locator("[data-testid=coverage-cell][data-type=comprehensive]")


def test_office_closes_houzhens_gap_from_the_coverage_matrix(
    demo_accounts, browser_page, screenshot_dir
):
    page = browser_page
    houzhen = OrgUnit.objects.get(name="侯镇")
    yingji = OrgUnit.objects.get(name="市应急管理局")
    yangkou = OrgUnit.objects.get(name="羊口镇")
    # The city's plans and 羊口镇's are in place; the directive promised full coverage.
    for plan_type in (PlanType.COMPREHENSIVE, PlanType.SPECIAL):
        PlanFactory(
            title=f"寿光市{PlanType(plan_type).label}",
            owner_kind=PlanOwnerKind.CITY,
            owner_unit=yingji,
            plan_type=plan_type,
        )
    PlanFactory(
        title="羊口镇综合应急预案",
        owner_kind=PlanOwnerKind.TOWNSHIP,
        owner_unit=yangkou,
        township=yangkou,
    )
    MilestoneFactory(
        text="20198月底前实现应急预案市、镇(街区)、行业全覆盖。", due_on=datetime.date(2019, 8, 31)
    )

    log_in(page, "office")
    page.click("[data-nav=emergency]")
    page.wait_for_url(f"{page.base_url}/emergency/")
    page.click("[data-key=coverage-gaps] [data-testid=figure-value]")
    page.wait_for_url(f"{page.base_url}/emergency/coverage/")
    cell = houzhen_cell(page)
    assert cell.get_attribute("data-missing") == "yes"
    assert cell.locator("[data-testid=gap]").inner_text() == "缺"
    assert page.locator("[data-testid=milestone-answer]").get_attribute("data-met") == "no"
    gaps_before = int(page.locator("[data-testid=coverage-cell][data-missing=yes]").count())
    shoot(page, screenshot_dir, "before")

    cell.locator("[data-testid=add-plan]").click()
    page.wait_for_url("**/emergency/plans/new/?**")
    assert page.input_value("select[name=owner_kind]") == "township"
    assert page.input_value("select[name=township]") == str(houzhen.pk)
    assert page.input_value("select[name=owner_unit]") == str(houzhen.pk)
    assert page.input_value("select[name=plan_type]") == "comprehensive"
    assert page.input_value("input[name=title]") == "侯镇综合应急预案"
    # A township's plan asks for its township only: industry and enterprise are hidden.
    assert page.locator("select[name=township]").is_visible()
    assert not page.locator("select[name=industry]").is_visible()
    assert not page.locator("select[name=enterprise]").is_visible()
    page.fill("input[name=document_number]", "侯政发〔2026〕5号")
    page.select_option("select[name=review_kind]", "review")
    page.fill("input[name=reviewed_on]", page.input_value("input[name=issued_on]"))
    page.select_option("select[name=review_result]", "passed")
    shoot(page, screenshot_dir, "form")
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=plan-state][data-state=in_force]")
    plan = Plan.objects.get(township=houzhen)
    assert (plan.state, plan.created_by.username) == (PlanState.IN_FORCE, "office")
    assert page.locator("[data-testid=detail-title]").inner_text().startswith("侯镇综合应急预案")
    shoot(page, screenshot_dir, "plan")

    page.goto(f"{page.base_url}/emergency/coverage/")
    cell = houzhen_cell(page)
    assert cell.get_attribute("data-missing") == "no"
    assert cell.get_attribute("data-count") == "1"
    assert page.locator("[data-testid=coverage-cell][data-missing=yes]").count() == (
        gaps_before - 1
    )
    row = page.locator("[data-testid=coverage-row][data-label='侯镇']")
    assert row.get_attribute("data-complete") == "yes"
    shoot(page, screenshot_dir, "after")
    # The count links to the plan itself.
    cell.locator("a").click()
    page.wait_for_selector(f"[data-testid=plan-row][data-pk='{plan.pk}']")

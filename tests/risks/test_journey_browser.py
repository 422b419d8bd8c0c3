"""The risk register journey in Chromium, as the demo account houzhen (侯镇).

houzhen registers a risk point in 侯镇, records an LEC assessment (L=6, E=6, C=15 → D=540,
重大风险) and sees the point in red; then an LS assessment of 3 × 3 = 9 (一般风险) leaves it red,
because the stricter level stands (从严从高). Screenshots go to the screenshot_dir and
/work/notes/screens/risk-*.png.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.conf import settings

from responsibilities.demo import DemoRun, seed_accounts
from responsibilities.reference import load_reference
from risks.choices import RiskLevel
from risks.models import Assessment, RiskPoint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTES_SCREENS = Path("/work/notes/screens")
RED = "rgb(215, 25, 28)"  # LEVEL_COLORS["red"], #d7191c


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
    path = screenshot_dir / f"risk-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if NOTES_SCREENS.is_dir():
        shutil.copy(path, NOTES_SCREENS / path.name)


def open_assessment(page) -> None:
    panel = page.locator("#act-assess")
    if not panel.is_visible():
        page.click("[data-testid=open-assess]")
        panel.wait_for(state="visible")


def level_badge(page):
    return page.locator("[data-testid=level-card] [data-testid=risk-level]")


def test_houzhen_registers_a_point_assesses_it_red_by_lec_and_ls_leaves_it_red(
    demo_accounts, browser_page, screenshot_dir
):
    page = browser_page
    log_in(page, "houzhen")

    # 风险管控 → 登记风险点: the township and the responsible unit are houzhen's own.
    page.click("nav >> text=风险管控")
    page.wait_for_selector("[data-testid=list-table]")
    page.click("[data-testid=create]")
    page.wait_for_selector("[data-testid=point-form]")
    assert page.locator("select[name=township] option:checked").inner_text() == "侯镇"
    page.fill("input[name=name]", "侯镇化工园区液氯储罐区")
    page.select_option("select[name=kind]", "site")
    page.select_option("select[name=category]", "hazardous_chemicals")
    page.fill("textarea[name=description]", "液氯储罐3台，单罐30吨")
    page.fill("input[name=address]", "侯镇化工园区海化路1号")
    page.fill("[data-point-lat]", "37.051234")
    page.fill("[data-point-lon]", "118.912345")
    for accident in ("poisoning", "leak"):
        page.check(f"input[name=accident_types][value={accident}]")
    page.fill("textarea[name=engineering_measures]", "储罐区设氯气泄漏报警、紧急切断和碱液吸收装置")
    page.fill("textarea[name=management_measures]", "双人巡检，每班记录")
    page.fill("textarea[name=emergency_measures]", "液氯泄漏现场处置方案，每半年演练一次")
    page.fill("input[name=responsible_person]", "王五")
    page.select_option("select[name=control_level]", "township")
    shoot(page, screenshot_dir, "1-register")
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=level-card]")
    point = RiskPoint.objects.get()
    assert point.township.name == "侯镇"
    assert point.level == ""
    assert level_badge(page).get_attribute("data-level") == "none"
    page.wait_for_selector("#point-map[data-points='1']")

    # LEC: L=6 相当可能, E=6 每天工作时间内暴露, C=15 非常严重 → 540, 重大风险.
    open_assessment(page)
    page.check("input[name=assess-method][value=LEC]")
    page.select_option("select[name=assess-lec_likelihood]", "6")
    page.select_option("select[name=assess-exposure]", "6")
    page.select_option("select[name=assess-consequence]", "15")
    preview = page.locator("[data-testid=assess-preview]")
    assert preview.get_attribute("data-score") == "540"
    assert preview.get_attribute("data-level") == "red"
    assert "重大风险" in preview.inner_text()
    shoot(page, screenshot_dir, "2-lec-preview")
    page.click("[data-testid=do-assess]")
    page.wait_for_selector(".alert-success")
    badge = level_badge(page)
    assert badge.get_attribute("data-level") == "red"
    assert badge.inner_text() == "重大风险"
    assert badge.evaluate("el => getComputedStyle(el).backgroundColor") == RED
    row = page.locator("[data-testid=assessment][data-method=LEC]")
    assert row.get_attribute("data-score") == "540"
    shoot(page, screenshot_dir, "3-lec-red")

    # LS: 3 × 3 = 9, 一般风险 — the point stays red (从严从高), decided by the LEC assessment.
    open_assessment(page)
    page.check("input[name=assess-method][value=LS]")
    assert page.locator("[data-assess-group=LEC]").is_hidden()
    page.select_option("select[name=assess-ls_likelihood]", "3")
    page.select_option("select[name=assess-severity]", "3")
    assert preview.get_attribute("data-score") == "9"
    assert preview.get_attribute("data-level") == "yellow"
    page.click("[data-testid=do-assess]")
    page.wait_for_selector("[data-testid=assessment][data-method=LS]")
    badge = level_badge(page)
    assert badge.get_attribute("data-level") == "red"
    assert badge.inner_text() == "重大风险"
    assert badge.evaluate("el => getComputedStyle(el).backgroundColor") == RED
    ls_row = page.locator("[data-testid=assessment][data-method=LS]")
    assert ls_row.get_attribute("data-level") == "yellow"
    reason = page.locator("[data-testid=level-reason]").inner_text()
    assert "LEC" in reason and "540" in reason
    assert "从严从高" in page.locator("[data-testid=level-card]").inner_text()
    shoot(page, screenshot_dir, "4-ls-stays-red")

    # The inventory shows it red among houzhen's points.
    page.click("nav >> text=风险管控")
    row = page.locator(f"[data-testid=point-row][data-code='{point.code}']")
    assert row.locator("[data-testid=risk-level]").get_attribute("data-level") == "red"
    assert row.locator("[data-testid=risk-level]").inner_text() == "重大"
    shoot(page, screenshot_dir, "5-inventory")

    point.refresh_from_db()
    assert point.level == RiskLevel.RED
    assert sorted(Assessment.objects.values_list("method", "score")) == [
        ("LEC", 540),
        ("LS", 9),
    ]
    assert point.review_due is not None

"""The office's dashboard journey in Chromium, as the demo's office account.

The office opens /dashboard/ with something in every section (the charts and the small
four-colour map drawn by ECharts), clicks the overdue-hazards figure, lands on the hazard
ledger filtered to the overdue ones and sees exactly that many rows; back on the dashboard,
the overdue-tasks figure leads to the task list with as many tasks. The page is saved as
/work/notes/screens/dashboard.png.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings

from hazards.choices import HazardGrade, HazardState
from responsibilities.demo import DemoRun, seed_accounts
from responsibilities.models import OrgUnit
from responsibilities.reference import load_reference
from risks.choices import RiskLevel
from tests.dashboard.board_data import build_city, days
from tests.hazards.factories import HazardFactory
from tests.risks.factories import RiskPointFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTES_SCREENS = Path("/work/notes/screens")


@pytest.fixture
def city(transactional_db):
    """The reference units and demo accounts, with data in every section of the dashboard."""
    load_reference()
    seed_accounts(DemoRun())
    units = {u.name: u for u in OrgUnit.objects.all()}
    cast = SimpleNamespace(
        zhujian_unit=units["市住建局"],
        yingji_unit=units["市应急管理局"],
        houzhen_unit=units["侯镇"],
        yangkou_unit=units["羊口镇"],
    )
    build_city(cast)
    townships = list(OrgUnit.objects.filter(kind=OrgUnit.Kind.TOWNSHIP, is_active=True))
    levels = [RiskLevel.BLUE, RiskLevel.YELLOW, RiskLevel.ORANGE, RiskLevel.RED]
    for i, township in enumerate(townships):
        for j in range(i % 4 + 1):
            RiskPointFactory(
                township=township, responsible_unit=township, level=levels[(i + j) % 4]
            )
        HazardFactory(
            township=township,
            state=HazardState.RECTIFYING if i % 3 else HazardState.CONFIRMED,
            grade=HazardGrade.MAJOR if i % 5 == 0 else HazardGrade.GENERAL,
            responsible_unit=cast.zhujian_unit,
            deadline=days(-3 if i % 4 == 0 else 20),
        )
    return cast


def log_in(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", settings.DEMO_PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{page.base_url}/")


def figure(page, key: str):
    return page.locator(f"[data-testid=figure][data-key={key}] [data-testid=figure-value]")


def test_office_follows_the_overdue_figures_to_their_lists(city, browser_page, screenshot_dir):
    page = browser_page
    log_in(page, "office")
    page.click("[data-nav=dashboard]")
    page.wait_for_url(f"{page.base_url}/dashboard/")
    assert page.locator("[data-testid=dashboard-title]").inner_text() == "综合看板 · 全市"
    for key in ("tasks-by-section", "tasks-by-unit", "hazards-by-township", "risks-by-township"):
        page.wait_for_selector(f"[data-dashboard-chart={key}][data-state=ready]")
        assert page.locator(f"[data-dashboard-chart={key}] canvas").count() == 1
    page.wait_for_selector("[data-dashboard-map][data-state=ready]")
    path = screenshot_dir / "dashboard.png"
    page.screenshot(path=str(path), full_page=True)
    if NOTES_SCREENS.is_dir():
        shutil.copy(path, NOTES_SCREENS / path.name)

    overdue = int(figure(page, "hazards-overdue").inner_text())
    assert overdue >= 4  # 侯镇's, 羊口镇's and the reference townships' late ones
    figure(page, "hazards-overdue").click()
    page.wait_for_url(re.compile(r".*/hazards/\?overdue=true$"))
    assert page.locator("[data-testid=total]").inner_text() == f"共 {overdue} 条"
    assert page.locator("[data-testid=hazard-row]").count() == overdue
    assert page.locator("[data-testid=deadline-overdue]").count() == overdue

    page.go_back()
    page.wait_for_url(f"{page.base_url}/dashboard/")
    late_tasks = int(figure(page, "tasks-overdue").inner_text())
    assert late_tasks == 1
    figure(page, "tasks-overdue").click()
    page.wait_for_url(re.compile(r".*/tasks/list/\?directive=\d+&light=overdue$"))
    assert page.locator("[data-testid=total]").inner_text() == f"共 {late_tasks} 项任务"

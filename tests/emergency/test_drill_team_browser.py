"""In the browser, the main journeys of two registers: a township clerk records a drill from
the plan's page and the plan's next drill moves a year on; a bureau clerk registers its rescue
team and finds it in the team list."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from emergency.choices import PlanOwnerKind, PlanType
from emergency.models import Drill, RescueTeam
from tests.emergency.factories import PlanFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTES_SCREENS = Path("/work/notes/screens")


def shoot(page, screenshot_dir, name):
    path = screenshot_dir / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if NOTES_SCREENS.is_dir():
        shutil.copy(path, NOTES_SCREENS / path.name)


def login(page, user, next_url):
    page.goto(f"{page.base_url}/accounts/login/?next={next_url}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "Test-pass-2026")
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"**{next_url}")


def test_township_records_a_drill_and_the_next_drill_moves_a_year_on(
    cast, browser_page, screenshot_dir
):
    issued = timezone.localdate() - relativedelta(years=2)
    plan = PlanFactory(
        title="侯镇突发事件总体应急预案",
        owner_kind=PlanOwnerKind.TOWNSHIP,
        plan_type=PlanType.COMPREHENSIVE,
        owner_unit=cast.houzhen_unit,
        township=cast.houzhen_unit,
        issued_on=issued,
    )
    assert plan.drill_due < timezone.localdate()  # never drilled: overdue
    page = browser_page
    login(page, cast.houzhen, plan.get_absolute_url())

    page.click("[data-testid=record-drill]")
    page.wait_for_url("**/emergency/drills/new/?plan=*")
    held = timezone.localdate() - datetime.timedelta(days=1)
    page.fill("input[name=title]", "侯镇化工园区氯气泄漏综合演练")
    page.fill("input[name=held_on]", held.isoformat())
    page.select_option("select[name=form]", "live")
    page.select_option("select[name=scale]", "township")
    page.fill("input[name=participants]", "120")
    page.fill("textarea[name=problems_found]", "疏散路线指示不清")
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=detail-title]")
    assert page.inner_text("[data-testid=detail-title]") == "侯镇化工园区氯气泄漏综合演练"
    assert "疏散路线指示不清" in page.inner_text("[data-testid=problems]")

    page.click("[data-testid=plan]")
    page.wait_for_selector("[data-testid=drill-due]")
    next_due = held + relativedelta(months=12)
    assert next_due.isoformat() in page.inner_text("[data-testid=drill-due]")
    assert page.locator("[data-testid=drill]").count() == 1
    shoot(page, screenshot_dir, "drill-recorded")
    drill = Drill.objects.get()
    assert (drill.plan, drill.participants, drill.recorded_by) == (plan, 120, cast.houzhen)


def test_bureau_registers_its_rescue_team_and_finds_it_in_the_list(
    cast, browser_page, screenshot_dir
):
    page = browser_page
    login(page, cast.zhujian, "/emergency/teams/new/")
    page.fill("input[name=name]", "市住建局建筑工程抢险队")
    page.select_option("select[name=kind]", "professional")
    page.select_option("select[name=specialty]", "construction")
    page.select_option("select[name=unit]", str(cast.zhujian_unit.pk))
    page.fill("input[name=member_count]", "45")
    page.fill("input[name=leader]", "刘强")
    page.fill("input[name=duty_phone]", "0536-5221234")
    page.fill("textarea[name=equipment]", "挖掘机2台、吊车1台、破拆工具组3套")
    page.click("[data-testid=save]")
    page.wait_for_url("**/emergency/teams/*/")
    team = RescueTeam.objects.get()
    assert page.url.endswith(team.get_absolute_url())
    assert "市住建局建筑工程抢险队" in page.inner_text("main")

    page.goto(f"{page.base_url}/emergency/teams/?q=抢险")
    page.wait_for_selector(f"text={team.name}")
    shoot(page, screenshot_dir, "team-list")
    assert (team.unit, team.member_count, team.leader) == (cast.zhujian_unit, 45, "刘强")

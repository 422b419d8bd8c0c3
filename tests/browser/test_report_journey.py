"""The reporting journey: 市住建局 files its share of Shouguang 18 (470 电动车停车棚, led by
市应急管理局) with evidence, its leader confirms, the office approves, and the task's roll-up,
light and target progress move; a returned report comes back to zhujian with the comment."""

import datetime

import pytest
from django.utils import timezone

from tasks.choices import ReportState
from tasks.models import ProgressReport
from tasks.services.reports import report_confirm, report_create, report_submit
from tests.tasks.factories import PDF_BYTES, MilestoneFactory, make_task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, user):
    page.context.clear_cookies()
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "Test-pass-2026")
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{page.base_url}/")


def test_staff_file_leader_confirms_office_approves_and_the_task_moves(
    cast, browser_page, screenshot_dir, tmp_path
):
    task = make_task(
        lead=cast.yingji_unit, co=[cast.zhujian_unit], number="18", title="加强电动车停放充电管理"
    )
    MilestoneFactory(
        task=task,
        with_target=True,
        text="建成居民小区电动车停车棚470个。",
        due_on=timezone.localdate() + datetime.timedelta(days=60),
    )
    evidence = tmp_path / "停车棚验收单.pdf"
    evidence.write_bytes(PDF_BYTES)
    page = browser_page
    task_url = f"{page.base_url}{task.get_absolute_url()}"

    # zhujian files 市住建局's share with an evidence file, then submits it.
    login(page, cast.zhujian)
    page.goto(task_url)
    assert page.locator("[data-testid=task-light] [data-light]").get_attribute("data-light") == (
        "not_started"
    )
    assert page.locator("[data-testid=target-progress]").inner_text().startswith("0 / 470")
    page.click("[data-testid=report-create]")
    page.fill("input[name=value]", "120")
    page.fill("textarea[name=narrative]", "已在12个小区建成电动车停车棚120个。")
    page.set_input_files("input[name=evidence]", str(evidence))
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=report-state][data-state=draft]")
    assert page.locator("[data-testid=evidence-link]").inner_text() == "停车棚验收单.pdf"
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=report-state][data-state=submitted]")

    # zhujian-lead finds it on the workbench and confirms.
    login(page, cast.zhujian_lead)
    panel = page.locator("[data-testid=panel-awaiting-confirmation]")
    panel.locator("[data-testid=waiting-report] a").first.click()
    page.click("[data-testid=confirm]")
    page.wait_for_selector("[data-testid=report-state][data-state=confirmed]")

    # The office finds it waiting for review and approves it.
    login(page, cast.office)
    page.locator("[data-testid=panel-awaiting-review] [data-testid=waiting-report] a").first.click()
    page.fill("textarea[name=comment]", "数据与验收单一致。")
    page.click("[data-testid=approve]")
    page.wait_for_selector("[data-testid=report-state][data-state=approved]")
    steps = page.locator("[data-testid=step]")
    assert [steps.nth(i).get_attribute("data-action") for i in range(steps.count())] == [
        "create",
        "submit",
        "confirm",
        "approve",
    ]
    page.screenshot(path=str(screenshot_dir / "report-approved.png"), full_page=True)

    # The lead unit's page: the roll-up, the light and the target progress have moved.
    login(page, cast.yingji)
    page.goto(task_url)
    assert page.locator("[data-testid=task-light] [data-light]").get_attribute("data-light") == (
        "on_track"
    )
    assert page.locator("[data-testid=target-progress]").inner_text().startswith("120 / 470")
    assert "市住建局" in page.locator("[data-testid=shares]").inner_text()


def test_a_returned_report_comes_back_to_zhujians_workbench_with_the_comment(cast, browser_page):
    task = make_task(lead=cast.yingji_unit, co=[cast.zhujian_unit], title="加强电动车停放充电管理")
    milestone = MilestoneFactory(task=task, with_target=True)
    report = report_create(
        actor=cast.zhujian,
        milestone=milestone,
        unit=cast.zhujian_unit,
        value=30,
        narrative="已建成30个。",
    )
    report_submit(actor=cast.zhujian, report=report)
    report_confirm(actor=cast.zhujian_lead, report=report)
    page = browser_page

    login(page, cast.office)
    page.goto(f"{page.base_url}{report.get_absolute_url()}")
    page.fill("textarea[name=comment]", "请补充现场照片。")
    page.click("[data-testid=return]")
    page.wait_for_selector("[data-testid=report-state][data-state=returned]")

    login(page, cast.zhujian)
    panel = page.locator("[data-testid=panel-returned]")
    assert panel.locator("[data-testid=return-comment]").inner_text() == "请补充现场照片。"
    panel.get_by_role("link", name="修改后重新提交").click()
    page.fill("input[name=value]", "32")
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=report-state][data-state=draft]")
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=report-state][data-state=submitted]")
    assert ProgressReport.objects.get(pk=report.pk).state == ReportState.SUBMITTED

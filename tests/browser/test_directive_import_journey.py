"""The office imports the Shouguang directive in the browser and lands on its page."""

from io import StringIO

import pytest
from django.core.management import call_command

from tasks.models import Directive, Task
from tests.responsibilities.factories import UserFactory
from tests.tasks.parser_support import SHOUGUANG
from tests.tasks.test_directive_import import SMALL

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in_as_office(page, cast):
    call_command("load_reference", stdout=StringIO())
    office = UserFactory(username=cast.office.username)  # the cast's office; password known
    page.goto(f"{page.base_url}/accounts/login/?next=/tasks/")
    page.fill("input[name=username]", office.username)
    page.fill("input[name=password]", "Test-pass-2026")
    page.click("[data-testid=login-submit]")
    page.wait_for_url("**/tasks/")


def test_office_uploads_shouguang_previews_34_tasks_commits_and_lands_on_the_directive(
    cast, browser_page, screenshot_dir
):
    page = browser_page
    log_in_as_office(page, cast)

    page.get_by_role("link", name="导入").first.click()
    page.wait_for_url("**/tasks/import/")
    page.set_input_files("input[name=file]", str(SHOUGUANG))
    page.click("[data-testid=upload]")
    page.wait_for_selector("[data-testid=preview-form]")
    assert page.locator("[data-testid=preview-task]").count() == 34
    assert page.locator("[data-testid=task-count]").get_attribute("data-count") == "34"
    assert page.locator("[data-testid=unit-unmatched]").count() == 0
    task_18 = page.locator("[data-testid=preview-task][data-number='18']")
    assert "市应急管理局" in task_18.inner_text() and "市住建局" in task_18.inner_text()
    assert task_18.locator("input[type=date]").input_value() == "2019-08-31"
    assert Directive.objects.count() == 0
    page.screenshot(path=str(screenshot_dir / "directive-import-preview.png"), full_page=True)

    page.click("[data-testid=commit]")
    directive = None
    page.wait_for_url("**/tasks/directives/*/")
    directive = Directive.objects.get()
    assert page.url.endswith(directive.get_absolute_url())
    assert "已导入" in page.locator(".alert-success").inner_text()
    assert "关于推进全市城市安全发展的实施意见" in page.content()
    assert Task.objects.filter(directive=directive).count() == 34
    page.screenshot(path=str(screenshot_dir / "directive-imported.png"), full_page=True)


def test_office_maps_an_unknown_unit_in_the_preview(cast, browser_page, tmp_path):
    page = browser_page
    log_in_as_office(page, cast)
    source = tmp_path / "星际.txt"
    source.write_text(SMALL, encoding="utf-8")
    page.goto(f"{page.base_url}/tasks/import/")
    page.set_input_files("input[name=file]", str(source))
    page.click("[data-testid=upload]")
    page.wait_for_selector("[data-testid=preview-form]")
    assert page.locator("[data-testid=unit-unmatched]").count() == 2
    page.select_option("select[name='unit:1:市星际管理局']", "市应急管理局")
    page.select_option("select[name='unit:2:市星际局']", "__drop__")
    page.fill("input[name='due:1:0']", "2020-06-30")
    page.click("[data-testid=commit]")
    page.wait_for_url("**/tasks/directives/*/")
    task = Task.objects.get(number="1")
    assert task.assignments.filter(unit__name="市应急管理局").exists()
    assert task.milestones.get().due_on.isoformat() == "2020-06-30"

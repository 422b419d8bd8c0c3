"""In Chromium: a person reads their notifications (htmx, the bell follows), and a large
export runs on a real Celery worker while its page polls, then downloads."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from portal.notifications.services import notify
from responsibilities.models import Membership
from tests.celery_worker import sqlalchemy_broker_url
from tests.portal.exporters import MembershipTestExporter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Test-pass-2026"  # tests.responsibilities.factories.UserFactory


def sign_in(page, user, next_url):
    page.goto(f"{page.base_url}/accounts/login/?next={next_url}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"**{next_url}")


def test_reading_a_notification_updates_the_row_and_the_bell(cast, browser_page, screenshot_dir):
    notify(
        recipients=[cast.zhujian],
        title="任务“补建市政消火栓”3天后到期",
        link="/",
        unit=cast.zhujian_unit,
    )
    notify(
        recipients=[cast.zhujian],
        title="督办单：城市安全风险评估逾期",
        body="请于5个工作日内书面答复。",
    )
    notify(recipients=[cast.yingji], title="不是给住建局的")
    page = browser_page
    sign_in(page, cast.zhujian, reverse("notifications:list"))

    assert page.locator("[data-testid=unread-count]").inner_text() == "2"
    rows = page.locator("[data-testid=notification]")
    assert rows.count() == 2
    page.screenshot(path=str(screenshot_dir / "notifications.png"), full_page=True)

    rows.first.locator("[data-testid=mark-read]").click()
    page.wait_for_selector("[data-testid=notification][data-read='1']")
    assert page.locator("[data-testid=unread-count]").inner_text() == "1"

    page.click("[data-testid=mark-all-read]")
    page.wait_for_selector("[data-testid=notification][data-read='0']", state="detached")
    assert page.locator("[data-testid=unread-count]").is_hidden()


def test_a_large_export_runs_on_a_worker_and_the_page_offers_the_file(
    cast, browser_page, start_celery_worker, settings, tmp_path, screenshot_dir
):
    settings.EXPORT_STREAM_LIMIT = 2
    start_celery_worker(
        sqlalchemy_broker_url(tmp_path / "broker.sqlite3"), include=("tests.portal.exporters",)
    )
    page = browser_page
    sign_in(page, cast.auditor, reverse("workbench"))

    page.goto(
        f"{page.base_url}{reverse('reports:export', args=[MembershipTestExporter.name])}?format=xlsx"
    )
    page.wait_for_url("**/reports/exports/*/")
    # The status fragment polls every 2 s until the worker has finished.
    download_link = page.locator("[data-testid=download]")
    download_link.wait_for(timeout=60_000)
    page.screenshot(path=str(screenshot_dir / "export-job.png"), full_page=True)
    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(open(download.path(), "rb").read())).active
    # Every membership of the cast: the auditor reads all units.
    assert sheet.max_row - 1 == Membership.objects.count() == 5

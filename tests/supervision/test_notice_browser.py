"""The 督办单 journey in Chromium, as the demo accounts: zhujian-lead finds 市住建局's notice in
/supervision/, opens it and replies (reason, measures, a new date); the printable A4 page
shows the reply; the office closes the notice with its comment. Screenshots of the list, the
notice and the print page go to the screenshot folder and to /work/notes/screens/."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest
from django.utils import timezone

from portal.supervision.models import NoticeState, SupervisionNotice
from responsibilities.demo import DemoRun, seed_accounts
from responsibilities.models import OrgUnit
from responsibilities.reference import load_reference
from tests.supervision.factories import SupervisionNoticeFactory
from tests.supervision.test_notice_pages import TODAY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTES_SCREENS = Path("/work/notes/screens")


@pytest.fixture
def zhujian_notice(transactional_db) -> SupervisionNotice:
    """The demo accounts, 市住建局's notice and two other units' (one escalated to 约谈)."""
    load_reference()
    seed_accounts(DemoRun())
    zhujian = OrgUnit.objects.get(name="市住建局")
    yingji = OrgUnit.objects.get(name="市应急管理局")
    SupervisionNoticeFactory(
        unit=yingji,
        item_title="开展危险化学品企业安全生产专项整治",
        issued_on=TODAY - datetime.timedelta(days=20),
        interview_required=True,
        escalated_at=timezone.now(),
    )
    return SupervisionNoticeFactory(
        unit=zhujian,
        item_title="建成居民小区电动车停车棚470个",
        item_text="建成居民小区电动车停车棚470个，消除电动车入户充电隐患。",
        co_unit_names="市应急管理局、各镇街区",
        issued_on=TODAY - datetime.timedelta(days=3),
    )


def log_in(page, username: str) -> None:
    from django.conf import settings

    page.goto(f"{page.base_url}/")
    if page.locator("[data-testid=user-menu]").count():
        page.click("[data-testid=user-menu]")
        page.click("[data-testid=logout]")
        page.wait_for_url("**/accounts/login/")
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", settings.DEMO_PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{page.base_url}/")


def shoot(page, folder: Path, name: str) -> None:
    path = folder / name
    page.screenshot(path=str(path), full_page=True)
    try:
        NOTES_SCREENS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, NOTES_SCREENS / name)
    except OSError:  # the notes folder is a convenience for reviewers, not part of the test
        pass


def test_the_leader_replies_and_the_office_closes_the_notice(
    zhujian_notice, browser_page, screenshot_dir
):
    page = browser_page
    notice = zhujian_notice
    committed = TODAY + datetime.timedelta(days=30)

    # zhujian-lead opens 督办单 from the navigation: only 市住建局's notice is listed.
    log_in(page, "zhujian-lead")
    page.click("[data-nav=supervision]")
    page.wait_for_url("**/supervision/")
    rows = page.locator("[data-testid=notice-row]")
    assert rows.count() == 1
    assert rows.first.get_attribute("data-number") == notice.number
    assert rows.first.locator("[data-testid=notice-state]").inner_text() == "待反馈"
    shoot(page, screenshot_dir, "supervision-list.png")

    # ...opens it and replies.
    page.click("[data-testid=notice-link]")
    page.wait_for_url(f"**/supervision/{notice.pk}/")
    assert notice.number in page.locator("[data-testid=notice-number]").inner_text()
    page.fill("textarea[name=reason]", "受持续降雨影响，部分小区施工暂停")
    page.fill("textarea[name=measures]", "增派两个施工队，每周调度一次进度")
    page.fill("input[name=committed_on]", committed.isoformat())
    page.click("[data-testid=reply]")
    page.wait_for_selector("[data-testid=notice-state][data-state=replied]")
    assert "受持续降雨影响" in page.locator("[data-testid=notice-reply]").inner_text()
    assert page.locator("[data-testid=close-box]").count() == 0  # the leader does not close
    shoot(page, screenshot_dir, "supervision-detail-replied.png")

    # The print page is the formal A4 document, with the reply.
    page.goto(f"{page.base_url}/supervision/{notice.pk}/print/")
    document = page.locator("[data-testid=notice-document]").inner_text()
    assert "督 办 单" in document and notice.number in document
    assert f"{committed.year}年{committed.month}月{committed.day}日" in document
    shoot(page, screenshot_dir, "supervision-print.png")

    # The office sees the notice among all units' and closes it.
    log_in(page, "office")
    page.goto(f"{page.base_url}/supervision/")
    assert page.locator("[data-testid=notice-row]").count() == 2
    assert page.locator("[data-testid=notice-row] [data-testid=interview]").count() == 1
    shoot(page, screenshot_dir, "supervision-list-office.png")
    page.goto(f"{page.base_url}/supervision/{notice.pk}/")
    page.click("[data-testid=close]")  # without a comment: refused, nothing changes
    page.wait_for_selector("[data-testid=error-comment]")
    page.fill("textarea[name=comment]", "已按承诺推进，同意办结")
    page.click("[data-testid=close]")
    page.wait_for_selector("[data-testid=notice-state][data-state=closed]")
    assert "同意办结" in page.locator("[data-testid=notice-close-comment]").inner_text()
    shoot(page, screenshot_dir, "supervision-detail-closed.png")

    notice.refresh_from_db()
    assert notice.state == NoticeState.CLOSED
    assert notice.replied_by.username == "zhujian-lead"
    assert notice.committed_on == committed
    assert notice.closed_by.username == "office"

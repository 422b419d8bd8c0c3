"""The progress journey on the real Shouguang directive, as the demo accounts, in Chromium.

zhujian files 市住建局's share of task 18 (建成居民小区电动车停车棚470个; 市应急管理局 leads,
市住建局 is a co-unit) with a PDF as evidence and submits it; zhujian-lead finds it on the
workbench and confirms; the office finds it waiting for review and approves; the task page
then shows 市住建局's share, the target progress and a changed light. A report the office
returns comes back to zhujian's workbench under 被退回的报告 with the comment.

The accounts are seed_demo's; the directive is imported here with the demo's date shift
(issued 60 days ago, so task 18 is due in 67 days) and without the demo's reports, so the
light starts at 未开始 and can be seen to move.
"""

from __future__ import annotations

import pytest
from django.conf import settings

from responsibilities.demo import DemoRun, seed_accounts
from responsibilities.reference import load_reference
from tasks.choices import ReportState
from tasks.demo import SHOUGUANG, demo_shift_days
from tasks.models import ProgressReport, Task
from tasks.parsing import read_directive_file
from tasks.services.directives import directive_import
from tasks.services.reports import report_confirm, report_create, report_submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shed_task(transactional_db) -> Task:
    """Shouguang task 18, freshly imported, with the demo accounts signed up."""
    load_reference()
    seed_accounts(DemoRun())
    directive = directive_import(
        actor=None,
        text=read_directive_file(SHOUGUANG),
        is_demo=True,
        shift_days=demo_shift_days(),
    )
    return directive.tasks.get(number="18")


def small_pdf(text: str) -> bytes:
    """A one-page PDF that PDF readers open: objects, a cross-reference table, a trailer."""
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def log_in(page, username: str) -> None:
    """Sign in through the login form (signing out whoever was signed in first)."""
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


def light(page) -> str:
    return page.locator("[data-testid=task-light] [data-light]").get_attribute("data-light")


def shed_milestone(page):
    return page.locator("[data-testid=milestone]").first


def test_zhujian_files_the_shed_share_the_leader_confirms_the_office_approves_and_task_18_moves(
    shed_task, browser_page, screenshot_dir, tmp_path
):
    page = browser_page
    evidence = tmp_path / "停车棚验收单.pdf"
    evidence.write_bytes(small_pdf("Acceptance: 30 e-bike sheds, Shouguang"))

    # zhujian opens task 18 from the directive's page: before, nothing is approved.
    log_in(page, "zhujian")
    page.goto(f"{page.base_url}{shed_task.directive.get_absolute_url()}")
    page.get_by_role("link", name="强化重点领域消防安全综合治理").click()
    page.wait_for_url(f"**{shed_task.get_absolute_url()}")
    assert page.locator("[data-testid=lead-unit]").inner_text() == "市应急管理局"
    assert "市住建局" in page.locator("[data-testid=co-units]").inner_text()
    assert "日期已平移" in page.locator("[data-testid=demo-badge]").inner_text()
    light_before = light(page)
    assert light_before == "not_started"
    progress = shed_milestone(page).locator("[data-testid=target-progress]")
    assert progress.inner_text().startswith("0 / 470")

    # ... files 市住建局's share with a value, a narrative and the PDF, and submits it.
    shed_milestone(page).locator("[data-testid=report-create]").click()
    page.fill("input[name=value]", "30")
    page.fill(
        "textarea[name=narrative]", "住建系统在12个老旧小区改造中同步建成电动车停车棚30个，已验收。"
    )
    page.set_input_files("input[name=evidence]", str(evidence))
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=report-state][data-state=draft]")
    assert page.locator("[data-testid=evidence-link]").inner_text() == "停车棚验收单.pdf"
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=report-state][data-state=submitted]")
    report = ProgressReport.objects.get(milestone__task=shed_task)
    assert report.unit.name == "市住建局" and report.evidence.get().content_type == (
        "application/pdf"
    )

    # zhujian-lead sees it waiting on the workbench and confirms it.
    log_in(page, "zhujian-lead")
    waiting = page.locator("[data-testid=panel-awaiting-confirmation] [data-testid=waiting-report]")
    assert waiting.count() == 1 and "强化重点领域消防安全综合治理" in waiting.inner_text()
    waiting.locator("a").click()
    page.click("[data-testid=confirm]")
    page.wait_for_selector("[data-testid=report-state][data-state=confirmed]")

    # The office sees it waiting for review and approves it.
    log_in(page, "office")
    waiting = page.locator("[data-testid=panel-awaiting-review] [data-testid=waiting-report]")
    assert waiting.count() == 1 and "住建局 · 18." in waiting.inner_text()
    waiting.locator("a").click()
    page.fill("textarea[name=comment]", "数量与验收单一致。")
    page.click("[data-testid=approve]")
    page.wait_for_selector("[data-testid=report-state][data-state=approved]")

    # The task page: 市住建局's share in the roll-up, 30 / 470, and the light has moved.
    page.click("[data-testid=task-link]")
    page.wait_for_url(f"**{shed_task.get_absolute_url()}")
    assert light(page) == "on_track" != light_before
    assert progress.inner_text().startswith("30 / 470")
    shares = shed_milestone(page).locator("[data-testid=share]")
    assert shares.count() == 1 and "市住建局" in shares.inner_text() and "30" in shares.inner_text()
    row = page.locator("[data-testid=report-row]")
    assert row.count() == 1 and "已审核通过" in row.inner_text()
    page.screenshot(path=str(screenshot_dir / "progress-task-18-approved.png"), full_page=True)

    # The lead unit sees the same roll-up of its co-unit's share.
    log_in(page, "yingji")
    page.goto(f"{page.base_url}{shed_task.get_absolute_url()}")
    assert progress.inner_text().startswith("30 / 470")
    assert "市住建局" in shed_milestone(page).locator("[data-testid=shares]").inner_text()


def test_the_office_returns_a_report_and_zhujian_finds_it_with_the_comment(
    shed_task, browser_page, screenshot_dir
):
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.all()}
    report = report_create(
        actor=users["zhujian"],
        milestone=shed_task.milestones.get(),
        unit=users["zhujian"].memberships.get().unit,
        value=45,
        narrative="已建成电动车停车棚45个。",
    )
    report_submit(actor=users["zhujian"], report=report)
    report_confirm(actor=users["zhujian-lead"], report=report)
    comment = "45个中含15个尚未验收，请只报已验收的数量并附验收单。"
    page = browser_page

    log_in(page, "office")
    page.locator("[data-testid=panel-awaiting-review] [data-testid=waiting-report] a").click()
    page.fill("textarea[name=comment]", comment)
    page.click("[data-testid=return]")
    page.wait_for_selector("[data-testid=report-state][data-state=returned]")
    assert ProgressReport.objects.get(pk=report.pk).state == ReportState.RETURNED

    log_in(page, "zhujian")
    returned = page.locator("[data-testid=panel-returned] [data-testid=returned-report]")
    assert returned.count() == 1
    assert "强化重点领域消防安全综合治理" in returned.inner_text()
    assert returned.locator("[data-testid=return-comment]").inner_text() == comment
    page.screenshot(path=str(screenshot_dir / "progress-workbench-returned.png"), full_page=True)

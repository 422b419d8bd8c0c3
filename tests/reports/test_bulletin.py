"""月度通报: the content of a hand-made October, the Word file, issuing (the office only,
numbered, frozen) and the pages."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from hazards.choices import HazardGrade, HazardState
from portal.reports.bulletin import (
    bulletin_content,
    bulletin_document,
    bulletin_docx,
    bulletin_issue,
    city_name,
)
from portal.reports.models import Bulletin
from portal.supervision.models import NoticeState
from tests.hazards.factories import HazardFactory
from tests.querycount import count_queries
from tests.supervision.factories import SupervisionNoticeFactory
from tests.tasks.factories import (
    DirectiveFactory,
    MilestoneFactory,
    ProgressReportFactory,
    make_task,
)

TODAY = datetime.date(2026, 11, 5)


def d(month: int, day: int) -> datetime.date:
    return datetime.date(2026, month, day)


def noon(month: int, day: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, month, day, 12))


def build_month(cast):
    """October 2026 for Shouguang's directive (see test_october_content for the figures)."""
    zhujian, yingji = cast.zhujian_unit, cast.yingji_unit
    houzhen, yangkou = cast.houzhen_unit, cast.yangkou_unit
    directive = DirectiveFactory(
        title="关于推进全市城市安全发展的实施意见",
        doc_number="寿办发〔2019〕10号",
        issuer="中共寿光市委办公室",
        issued_on=d(6, 1),
    )

    def task(number, lead, due, done=None, co=()):
        made = make_task(
            lead=lead, co=co, directive=directive, number=number, title=f"任务{number}"
        )
        milestone = MilestoneFactory(task=made, due_on=due, text=f"任务{number}的节点")
        if done:
            ProgressReportFactory(
                milestone=milestone,
                unit=lead,
                approved=True,
                completes=True,
                reviewed_at=noon(*done),
            )
        return made

    task("1", zhujian, d(10, 10), done=(10, 8), co=[houzhen])
    task("2", zhujian, d(10, 20), done=(10, 25))
    task("3", yingji, d(10, 15), co=[houzhen, yangkou])
    task("4", yingji, d(12, 31))
    task("5", zhujian, d(11, 3), done=(11, 2))  # completed after the month: open in October

    SupervisionNoticeFactory(
        unit=zhujian, issued_on=d(10, 3), state=NoticeState.CLOSED, closed_at=noon(10, 20)
    )
    SupervisionNoticeFactory(unit=zhujian, issued_on=d(10, 21))
    SupervisionNoticeFactory(
        unit=houzhen, issued_on=d(9, 28), state=NoticeState.CLOSED, closed_at=noon(10, 5)
    )
    SupervisionNoticeFactory(unit=yingji, issued_on=d(9, 10))

    def hazard(found, deadline, state, rectified=None, closed=None, **kwargs):
        return HazardFactory(
            township=houzhen,
            responsible_unit=zhujian,
            found_on=found,
            deadline=deadline,
            state=state,
            rectified_on=rectified,
            closed_at=noon(*closed) if closed else None,
            **kwargs,
        )

    hazard(d(10, 2), d(10, 15), HazardState.CLOSED, d(10, 14), closed=(10, 16))
    hazard(d(10, 5), d(10, 20), HazardState.AWAITING_ACCEPTANCE, d(10, 22), grade=HazardGrade.MAJOR)
    hazard(d(9, 1), d(10, 25), HazardState.RECTIFYING)
    hazard(d(10, 10), None, HazardState.REJECTED)
    hazard(d(9, 1), d(9, 30), HazardState.CLOSED, d(9, 29), closed=(10, 3))
    return directive


def test_city_comes_from_the_directives_issuer():
    assert city_name("中共寿光市委办公室") == "寿光市"
    assert city_name("寿光市人民政府办公室") == "寿光市"
    assert city_name("澄江市人民政府") == "澄江市"
    assert city_name("") == ""


def test_without_a_city_in_the_issuer_the_office_units_full_name_gives_it(cast):
    cast.office_unit.aliases = ["安委办", "寿光市安全生产委员会办公室"]
    cast.office_unit.save()
    DirectiveFactory(issuer="应急管理局", issued_on=d(6, 1))
    content = bulletin_content(user=cast.office, year=2026, month=10, today=TODAY)
    assert content["title"] == "寿光市城市安全发展工作月度通报"


def test_october_content(cast):
    """Seen by the office on 5 November: October as it stood on 31 October.

    Tasks: 1 done 10-08 (due 10-10) → 已完成; 2 done 10-25 (due 10-20) → 逾期完成; 3 due
    10-15 not done → 已逾期; 4 due 12-31 → 未开始; 5 due 11-03, done only on 11-02 → on
    31 October 即将到期. Completion 2 of 5 = 40.0%.
    Milestones due in October: 1, 2, 3 → on time 1, late 1, open 1; completed in October 2.
    Overdue: task 3, 16 days, 市应急管理局 with 侯镇、羊口镇.
    督办单: issued in October 2 (10-03, 10-21); closed in October 2 (10-20, and 侯镇's of
    09-28 on 10-05); open at month end 2 (10-21, and 应急管理局's of 09-10).
    Hazards: found in October 2 (one major; the rejected one is not counted), closed 2 (10-16,
    10-03); due in October 3, rectified in time 1; open past deadline on 31 October 2.
    Ranking: 市住建局 milestones 1/2 = 50, notices 100 − 2 × 10 = 80, hazards 1/3, reports
    不适用 → (40 × 50 + 20 × 80 + 20 × 100/3) ÷ 80 = 53.33; 市应急管理局 0/1 → 0.00.
    """
    build_month(cast)
    content = bulletin_content(user=cast.office, year=2026, month=10, today=TODAY)
    assert content["title"] == "寿光市城市安全发展工作月度通报"
    assert content["as_of"] == "2026-10-31"
    assert content["tasks"] == {
        "total": 5,
        "done": 1,
        "done_late": 1,
        "overdue": 1,
        "not_started": 1,
        "due_soon": 1,
    }
    assert content["milestones"] == {
        "total": 5,
        "done": 2,
        "due": 3,
        "due_on_time": 1,
        "due_late": 1,
        "due_open": 1,
        "completed": 2,
    }
    assert [row["task"] for row in content["completed"]] == ["1. 任务1", "2. 任务2"]
    assert content["overdue"] == [
        {
            "task": "3. 任务3",
            "text": "任务3的节点",
            "lead_unit": "市应急管理局",
            "co_units": ["侯镇", "羊口镇"],
            "due_on": "2026-10-15",
            "days": 16,
        }
    ]
    notices = content["notices"]
    assert (notices["issued"], notices["closed"], notices["open"]) == (2, 2, 2)
    assert {(u["unit"], u["issued"], u["closed"], u["open"]) for u in notices["units"]} == {
        ("市住建局", 2, 1, 1),
        ("市应急管理局", 0, 0, 1),
        ("侯镇", 0, 1, 0),
    }
    assert content["hazards"] == {
        "found": 2,
        "found_major": 1,
        "closed": 2,
        "due": 3,
        "in_time": 1,
        "overdue": 2,
    }
    assert [(r["rank"], r["unit"], r["total"]) for r in content["ranking"]["rows"]] == [
        (1, "市住建局", "53.33"),
        (2, "市应急管理局", "0.00"),
    ]

    document = bulletin_document(content, next_steps="一是加快推进逾期任务。\n二是抓好隐患整改。")
    text = "\n".join(p for s in document.sections for p in s.paragraphs)
    assert "任务总体完成率40.0%" in text
    assert "逾期未完成的节点1个，涉及牵头单位：市应急管理局（1个）" in text
    assert "本月下发督办单2份，办结2份；截至2026年10月31日尚未办结2份" in text
    assert "按期整改率33.3%" in text
    assert [s.heading for s in document.sections] == [
        "一、总体进展",
        "二、已完成事项",
        "三、逾期事项",
        "四、督办情况",
        "五、隐患整改",
        "六、考核排名",
        "七、下步工作",
    ]
    assert document.sections[-1].paragraphs == ["一是加快推进逾期任务。", "二是抓好隐患整改。"]
    assert document.period == "2026年10月1日至2026年10月31日"


def test_a_unit_previews_its_own_scope(cast):
    build_month(cast)
    content = bulletin_content(user=cast.houzhen, year=2026, month=10, today=TODAY)
    # 侯镇 is co-responsible on tasks 1 and 3 only, and received one 督办单.
    assert content["tasks"]["total"] == 2
    assert [row["task"] for row in content["overdue"]] == ["3. 任务3"]
    assert content["notices"]["issued"] == 0 and content["notices"]["closed"] == 1


def test_content_costs_the_same_queries_for_more_records(cast):
    directive = build_month(cast)
    bulletin_content(user=cast.office, year=2026, month=10, today=TODAY)  # the user's scope
    small, _c, _s = count_queries(
        lambda: bulletin_content(user=cast.office, year=2026, month=10, today=TODAY)
    )
    for n in range(6, 16):
        made = make_task(lead=cast.yingji_unit, co=[cast.houzhen_unit], directive=directive)
        MilestoneFactory(task=made, due_on=d(10, n))
        SupervisionNoticeFactory(unit=cast.yangkou_unit, issued_on=d(10, n))
        HazardFactory(responsible_unit=cast.yingji_unit, found_on=d(10, n), deadline=d(10, n + 1))
    large, content, _s = count_queries(
        lambda: bulletin_content(user=cast.office, year=2026, month=10, today=TODAY)
    )
    assert len(content["overdue"]) == 11
    assert large == small


def test_the_word_file_reads_back_with_every_section(cast):
    from docx import Document

    build_month(cast)
    content = bulletin_content(user=cast.office, year=2026, month=10, today=TODAY)
    data = bulletin_docx(bulletin_document(content, next_steps="加快推进逾期任务。"))
    doc = Document(io.BytesIO(data))
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[0] == "寿光市城市安全发展工作月度通报"
    for heading in ("一、总体进展", "三、逾期事项", "六、考核排名", "七、下步工作"):
        assert heading in paragraphs
    assert "加快推进逾期任务。" in paragraphs
    cells = {cell.text for table in doc.tables for row in table.rows for cell in row.cells}
    assert {"市应急管理局", "侯镇、羊口镇", "53.33", "16"} <= cells


# --- issuing --------------------------------------------------------------------------------


def test_office_issues_a_numbered_frozen_bulletin(cast):
    build_month(cast)
    bulletin = bulletin_issue(
        actor=cast.office, year=2026, month=10, next_steps="加快推进。", today=TODAY
    )
    assert bulletin.number == "〔2026〕第1期"
    assert bulletin.title == "寿光市城市安全发展工作月度通报"
    assert bulletin.snapshot["overdue"][0]["lead_unit"] == "市应急管理局"
    with pytest.raises(ValidationError, match="已经签发"):
        bulletin_issue(actor=cast.office, year=2026, month=10, next_steps="再次。", today=TODAY)
    september = bulletin_issue(
        actor=cast.office, year=2026, month=9, next_steps="九月。", today=TODAY
    )
    assert september.number == "〔2026〕第2期"


@pytest.mark.parametrize("who", ["zhujian_lead", "auditor", "houzhen"])
def test_only_the_office_issues(cast, who):
    with pytest.raises(PermissionDenied):
        bulletin_issue(
            actor=getattr(cast, who), year=2026, month=10, next_steps="下步。", today=TODAY
        )
    assert not Bulletin.objects.exists()


def test_issuing_needs_next_steps_and_a_month_begun(cast):
    with pytest.raises(ValidationError, match="请填写下步工作"):
        bulletin_issue(actor=cast.office, year=2026, month=10, next_steps="  ", today=TODAY)
    with pytest.raises(ValidationError, match="尚未开始"):
        bulletin_issue(actor=cast.office, year=2026, month=12, next_steps="下步。", today=TODAY)
    assert not Bulletin.objects.exists()


# --- pages ----------------------------------------------------------------------------------


@pytest.fixture
def november(cast, monkeypatch):
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return real(value, timezone) if value is not None else TODAY

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    build_month(cast)
    return cast


MONTH = reverse("reports:bulletin-month", args=[2026, 10])


def test_the_month_page_is_the_printable_bulletin_with_the_issue_form(client, november):
    client.force_login(november.office)
    page = client.get(MONTH).content.decode()
    assert "寿光市城市安全发展工作月度通报" in page
    assert "2026年10月1日至2026年10月31日" in page
    assert "三、逾期事项" in page and "侯镇、羊口镇" in page
    assert 'data-testid="issue-form"' in page
    assert "@page { size: A4" in page


def test_others_read_the_month_but_have_no_issue_form(client, november):
    client.force_login(november.auditor)
    page = client.get(MONTH).content.decode()
    assert "寿光市城市安全发展工作月度通报" in page and "issue-form" not in page


def test_the_month_downloads_as_word(client, november):
    from docx import Document

    client.force_login(november.auditor)
    response = client.get(reverse("reports:bulletin-docx", args=[2026, 10]))
    assert response["Content-Disposition"].startswith("attachment")
    doc = Document(io.BytesIO(response.content))
    assert doc.paragraphs[0].text == "寿光市城市安全发展工作月度通报"


@pytest.mark.parametrize("path", ["2026-13/", "2026-12/", "1999-10/"])
def test_a_month_that_is_not_there_is_404(client, november, path):
    client.force_login(november.office)
    assert client.get(reverse("reports:bulletin-list") + path).status_code == 404


def test_office_issues_from_the_page_and_the_issued_bulletin_stays(client, november):
    client.force_login(november.office)
    url = reverse("reports:bulletin-issue", args=[2026, 10])
    response = client.post(url, {"next_steps": "一是加快推进逾期任务。"})
    bulletin = Bulletin.objects.get()
    assert response.url == bulletin.get_absolute_url()
    make_task(lead=november.yingji_unit)  # later records do not change what was issued
    page = client.get(bulletin.get_absolute_url()).content.decode()
    assert "〔2026〕第1期" in page and "一是加快推进逾期任务。" in page
    issued_docx = client.get(reverse("reports:bulletin-issued-docx", args=[bulletin.pk]))
    assert issued_docx.status_code == 200
    months = client.get(reverse("reports:bulletin-list")).content.decode()
    assert "2026年10月" in months and "〔2026〕第1期" in months


def test_issuing_without_next_steps_says_why(client, november):
    client.force_login(november.office)
    url = reverse("reports:bulletin-issue", args=[2026, 10])
    response = client.post(url, {"next_steps": ""}, follow=True)
    assert "请填写下步工作" in response.content.decode()
    assert not Bulletin.objects.exists()


@pytest.mark.parametrize("who", ["zhujian_lead", "auditor"])
def test_others_cannot_issue_from_the_page(client, november, who):
    client.force_login(getattr(november, who))
    url = reverse("reports:bulletin-issue", args=[2026, 10])
    assert client.post(url, {"next_steps": "下步。"}).status_code == 403
    assert not Bulletin.objects.exists()


def test_an_issued_bulletin_without_its_snapshot_still_shows_its_period(client, cast):
    """A row made by hand (the admin, a restore) has no frozen figures: its page shows the
    period and the number, not an error."""
    bulletin = Bulletin.objects.create(
        year=2026, month=9, number="〔2026〕第99期", title="九月通报", issued_by=cast.office
    )
    client.force_login(cast.auditor)
    response = client.get(reverse("reports:bulletin-issued", args=[bulletin.pk]))
    assert response.status_code == 200
    assert "〔2026〕第99期" in response.content.decode()

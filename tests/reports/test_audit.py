"""The auditor's /reports/ hub (ledgers for a period and scope) and a record's history."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from hazards.choices import HazardGrade, HazardState
from hazards.models import Hazard
from portal.reports.audit import LEDGERS, ledger_links
from tests.hazards.factories import HazardFactory
from tests.tasks.factories import MilestoneFactory, ProgressReportFactory, make_task

pytestmark = pytest.mark.django_db

INDEX = reverse("reports:index")
OCTOBER = {"date_from": "2026-10-01", "date_to": "2026-10-31"}


def history_url(obj):
    return reverse("reports:record-history", args=[obj._meta.label_lower, obj.pk])


def download(client, href):
    response = client.get(href)
    assert response.status_code == 200, response.content[:300]
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def ledger_href(response, exporter, fmt="xlsx"):
    link = next(link for link in response.context["links"] if link.ledger.exporter == exporter)
    assert not link.problem, link.problem
    return f"{link.href}?{link.query}&format={fmt}" if link.query else f"{link.href}?format={fmt}"


@pytest.fixture
def hazards_over_three_months(cast):
    days = [datetime.date(2026, 9, 30), datetime.date(2026, 10, 1), datetime.date(2026, 10, 31)]
    days.append(datetime.date(2026, 11, 1))
    made = {}
    for day in days:
        made[day] = HazardFactory(
            township=cast.houzhen_unit, responsible_unit=cast.zhujian_unit, found_on=day
        )
    other = HazardFactory(
        township=cast.yangkou_unit, responsible_unit=cast.yingji_unit, found_on=days[1]
    )
    return made, other


def test_every_ledger_of_the_issue_is_offered_with_its_own_period_parameters():
    exporters = {ledger.exporter for ledger in LEDGERS}
    assert {
        "tasks",
        "progress-reports",
        "hazards",
        "risks",
        "emergency-plans",
        "emergency-drills",
        "emergency-movements",
        "supervision-notices",
    } <= exporters
    hazards = next(ledger for ledger in LEDGERS if ledger.exporter == "hazards")
    assert (hazards.period_from, hazards.period_to) == ("found_from", "found_to")


def test_the_auditor_exports_one_months_hazards_from_the_hub(
    client, cast, hazards_over_three_months
):
    made, other = hazards_over_three_months
    client.force_login(cast.auditor)
    response = client.get(INDEX, OCTOBER)
    assert response.status_code == 200
    href = ledger_href(response, "hazards")
    assert "found_from=2026-10-01" in href and "found_to=2026-10-31" in href
    sheet = download(client, href)
    codes = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    october = {made[datetime.date(2026, 10, 1)].code, made[datetime.date(2026, 10, 31)].code}
    assert codes == october | {other.code}


def test_a_township_cut_of_the_hazard_ledger_holds_that_townships_hazards_only(
    client, cast, hazards_over_three_months
):
    _made, other = hazards_over_three_months
    client.force_login(cast.office)
    response = client.get(INDEX, {**OCTOBER, "township": cast.yangkou_unit.pk})
    sheet = download(client, ledger_href(response, "hazards"))
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == [other.code]


def test_a_ledger_that_cannot_be_cut_by_unit_says_so_instead_of_exporting_everything(cast):
    links = ledger_links(
        user=cast.auditor, date_from=None, date_to=None, unit=cast.zhujian_unit, township=None
    )
    shelters = next(link for link in links if link.ledger.exporter == "emergency-shelters")
    assert shelters.problem and not shelters.query
    hazards = next(link for link in links if link.ledger.exporter == "hazards")
    assert hazards.query == f"responsible_unit={cast.zhujian_unit.pk}"


def test_a_unit_that_the_ledgers_filterset_rejects_gives_a_problem_not_a_link(cast):
    # No 督办单 went to 市住建局, so the notice list's unit filter does not offer it.
    links = ledger_links(
        user=cast.auditor, date_from=None, date_to=None, unit=cast.zhujian_unit, township=None
    )
    notices = next(link for link in links if link.ledger.exporter == "supervision-notices")
    assert notices.problem and "责任单位" in notices.problem


def test_the_period_of_a_ledger_without_dates_is_noted(cast):
    links = ledger_links(
        user=cast.office,
        date_from=datetime.date(2026, 10, 1),
        date_to=datetime.date(2026, 10, 31),
    )
    risks = next(link for link in links if link.ledger.exporter == "risks")
    assert risks.notes and "found_from" not in risks.query
    notices = next(link for link in links if link.ledger.exporter == "supervision-notices")
    assert "state=all" in notices.query and "issued_after=2026-10-01" in notices.query


def test_the_task_ledger_for_a_period_holds_the_tasks_with_a_milestone_due_in_it(client, cast):
    inside = make_task(lead=cast.zhujian_unit, title="补建市政消火栓", number="7")
    MilestoneFactory(task=inside, due_on=datetime.date(2026, 9, 30))
    MilestoneFactory(task=inside, due_on=datetime.date(2026, 10, 31))
    # Due before and after October, but nothing due inside it.
    around = make_task(lead=cast.zhujian_unit, title="建设电动车停车棚", number="8")
    MilestoneFactory(task=around, due_on=datetime.date(2026, 9, 1))
    MilestoneFactory(task=around, due_on=datetime.date(2026, 11, 1))
    client.force_login(cast.auditor)
    response = client.get(INDEX, OCTOBER)
    sheet = download(client, ledger_href(response, "tasks"))
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["补建市政消火栓"]


def test_the_plan_ledger_for_a_period_holds_the_plans_issued_in_it(client, cast):
    from tests.emergency.factories import PlanFactory

    inside = PlanFactory(owner_unit=cast.yingji_unit, issued_on=datetime.date(2026, 10, 8))
    PlanFactory(owner_unit=cast.yingji_unit, issued_on=datetime.date(2026, 9, 8))
    client.force_login(cast.auditor)
    response = client.get(INDEX, OCTOBER)
    sheet = download(client, ledger_href(response, "emergency-plans"))
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [inside.title]


def test_a_period_ending_before_it_starts_is_refused_with_a_message(client, cast):
    client.force_login(cast.auditor)
    response = client.get(INDEX, {"date_from": "2026-10-31", "date_to": "2026-10-01"})
    assert response.status_code == 200
    assert response.context["links"] == []
    assert "截止日期不能早于起始日期" in response.content.decode()


def test_a_unit_member_exports_only_what_their_unit_may_see(
    client, cast, hazards_over_three_months
):
    made, _other = hazards_over_three_months
    client.force_login(cast.zhujian)
    response = client.get(INDEX, OCTOBER)
    assert response.status_code == 200
    units = response.context["form"].fields["unit"].queryset
    assert list(units) == [cast.zhujian_unit]
    sheet = download(client, ledger_href(response, "hazards"))
    codes = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert codes == {made[datetime.date(2026, 10, 1)].code, made[datetime.date(2026, 10, 31)].code}


def test_every_signed_in_person_finds_the_reports_in_the_menu(client, cast):
    for user in (cast.auditor, cast.office, cast.houzhen):
        client.force_login(user)
        assert f'data-nav="reports" href="{INDEX}"' in client.get("/").content.decode()


def test_the_hub_links_to_the_change_log_only_for_the_office_and_auditors(client, cast):
    client.force_login(cast.auditor)
    assert reverse("reports:change-log") in client.get(INDEX).content.decode()
    client.force_login(cast.zhujian)
    assert reverse("reports:change-log") not in client.get(INDEX).content.decode()


def test_the_progress_report_ledger_holds_the_periods_reports_with_steps_and_opinion(client, cast):
    task = make_task(lead=cast.zhujian_unit, title="补建市政消火栓")
    milestone = MilestoneFactory(task=task, text="补建848个市政消火栓")
    inside = ProgressReportFactory(
        milestone=milestone, unit=cast.zhujian_unit, author=cast.zhujian, returned=True
    )
    outside = ProgressReportFactory(
        milestone=milestone, unit=cast.zhujian_unit, author=cast.zhujian, submitted=True
    )
    ProgressReportFactory._meta.model.objects.filter(pk=outside.pk).update(
        submitted_at=inside.submitted_at - datetime.timedelta(days=40)
    )
    today = inside.submitted_at.astimezone(datetime.UTC).date()
    client.force_login(cast.auditor)
    response = client.get(
        INDEX,
        {
            "date_from": (today - datetime.timedelta(days=1)).isoformat(),
            "date_to": (today + datetime.timedelta(days=1)).isoformat(),
        },
    )
    sheet = download(client, ledger_href(response, "progress-reports"))
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("任务", "节点", "填报单位")
    assert len(rows) == 2
    assert rows[1][2] == "市住建局" and rows[1][5] == "已退回"
    assert rows[1][-1] == "数据与佐证材料不一致，请核实。"


# --- a record's history ------------------------------------------------------------------


def test_a_records_history_lists_each_change_with_labels_old_and_new(client, cast):
    hazard = HazardFactory(township=cast.houzhen_unit, responsible_unit=cast.zhujian_unit)
    hazard.grade = HazardGrade.MAJOR
    hazard.state = HazardState.CONFIRMED
    hazard.responsible_unit = cast.yingji_unit
    hazard.save()
    client.force_login(cast.auditor)
    response = client.get(history_url(hazard))
    assert response.status_code == 200
    newest, created = response.context["history"].versions
    assert newest.kind_label == "修改" and created.kind_label == "创建"
    changes = {change.field: (change.old, change.new) for change in newest.changes}
    assert changes["隐患等级"] == (str(HazardGrade.GENERAL.label), str(HazardGrade.MAJOR.label))
    assert changes["状态"][1] == str(HazardState.CONFIRMED.label)
    assert changes["责任单位"] == ("市住建局", "市应急管理局")
    assert "更新时间" not in changes
    page = response.content.decode()
    assert "市住建局" in page and "市应急管理局" in page


def test_a_records_history_is_hidden_from_a_unit_that_may_not_see_it(client, cast):
    hazard = HazardFactory(township=cast.yangkou_unit, responsible_unit=cast.yingji_unit)
    client.force_login(cast.zhujian)
    assert client.get(history_url(hazard)).status_code == 404
    client.force_login(cast.yingji)
    assert client.get(history_url(hazard)).status_code == 200


def test_a_deleted_records_history_is_still_read_by_the_auditor(client, cast):
    hazard = HazardFactory(township=cast.houzhen_unit, responsible_unit=cast.zhujian_unit)
    url = history_url(hazard)
    hazard.delete()
    client.force_login(cast.auditor)
    assert client.get(url).status_code == 200
    client.force_login(cast.zhujian)
    assert client.get(url).status_code == 404


def test_an_unknown_model_or_record_is_a_404_not_an_error(client, cast):
    client.force_login(cast.auditor)
    assert client.get("/reports/history/nothing.here/1/").status_code == 404
    assert client.get("/reports/history/auth.user/1/").status_code == 404
    assert client.get("/reports/history/hazards.hazard/999999/").status_code == 404


def test_a_detail_pages_history_card_links_to_the_full_history(client, cast):
    hazard = HazardFactory(township=cast.houzhen_unit, responsible_unit=cast.zhujian_unit)
    client.force_login(cast.auditor)
    page = client.get(hazard.get_absolute_url()).content.decode()
    assert history_url(hazard) in page


def test_a_tasks_page_links_to_the_tasks_full_history(client, cast):
    task = make_task(lead=cast.zhujian_unit)
    client.force_login(cast.zhujian)
    assert history_url(task) in client.get(task.get_absolute_url()).content.decode()
    assert client.get(history_url(task)).status_code == 200


def test_a_records_history_costs_the_same_queries_for_3_and_30_versions(cast):
    from portal.permissions import user_scope
    from portal.reports.audit import record_history
    from tests.querycount import assert_constant_queries

    user_scope(cast.auditor)  # the scope is read once per user object

    hazard = HazardFactory(township=cast.houzhen_unit, responsible_unit=cast.zhujian_unit)
    units = [cast.zhujian_unit, cast.yingji_unit]

    def grow(n):
        while hazard.history.count() < n:
            hazard.responsible_unit = units[hazard.history.count() % 2]
            hazard.description = f"第{hazard.history.count()}次修改"
            hazard.save()

    def fetch():
        history = record_history(user=cast.auditor, model=Hazard, pk=hazard.pk)
        assert len(history.versions) == hazard.history.count()

    assert_constant_queries(grow, fetch, sizes=(3, 30))

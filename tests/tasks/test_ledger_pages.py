"""The task ledger's pages: directives with lights, a directive's parts and tasks, the task
list with its filters, and the task page (units, milestones, targets, shares, reports, history)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.navigation import nav_for
from portal.permissions import user_scope
from responsibilities.models import UnitGroup
from tasks.choices import AssignmentRole, Light
from tasks.models import Task
from tasks.selectors import annotate_task_light, task_list
from tasks.services.ledger import milestone_update
from tests.tasks.factories import (
    AssignmentFactory,
    DirectiveFactory,
    MilestoneFactory,
    ProgressReportFactory,
    SectionFactory,
    make_task,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n):
    return TODAY + datetime.timedelta(days=n)


def approve(milestone, unit, *, value=None, completes=False, on=None):
    """An approved report; ``on`` is the day the office approved it."""
    report = ProgressReportFactory(
        approved=True, milestone=milestone, unit=unit, value=value, completes=completes
    )
    if on is not None:
        moment = timezone.make_aware(datetime.datetime.combine(on, datetime.time(10)))
        type(report).objects.filter(pk=report.pk).update(reviewed_at=moment)
    return report


@pytest.fixture
def shed(cast):
    """Shouguang 18: 470 e-bike sheds; 市应急管理局 leads, 市住建局 and the townships are co-units."""
    directive = DirectiveFactory(title="关于推进全市城市安全发展的实施意见", is_demo=True)
    section = SectionFactory(directive=directive, number="五", title="加强城市安全监管执法")
    task = make_task(
        lead=cast.yingji_unit,
        co=[cast.zhujian_unit],
        directive=directive,
        section=section,
        number="18",
        title="强化电动车充电安全管理",
    )
    towns = UnitGroup.objects.create(name="各镇街区", rule="townships")
    towns.members.set([cast.houzhen_unit, cast.yangkou_unit])
    for order, unit in enumerate([cast.houzhen_unit, cast.yangkou_unit], start=5):
        AssignmentFactory(task=task, unit=unit, via_group=towns, order=order)
    milestone = MilestoneFactory(
        task=task,
        due_on=days(30),
        text="建成居民小区电动车停车棚470个。",
        target_value=470,
        target_unit="个",
        target_subject="电动车停车棚",
        target_comparator=">=",
    )
    recurring = MilestoneFactory(
        task=task, due_on=days(90), recurrence_months=[4, 11], text="每年4月和11月开展专项检查。"
    )
    approve(milestone, cast.zhujian_unit, value=Decimal("200"))
    approve(milestone, cast.yingji_unit, value=Decimal("112"))
    return task, milestone, recurring


@pytest.fixture
def other_task(cast):
    """A task given to 市应急管理局 only."""
    task = make_task(lead=cast.yingji_unit, title="开展城市安全风险评估")
    MilestoneFactory(task=task, due_on=days(-3))
    return task


# --- the navigation -------------------------------------------------------------------------


def test_navigation_has_the_ledger_after_the_workbench(cast):
    keys = [item["key"] for item in nav_for(user_scope(cast.zhujian), "/")]
    assert keys[:2] == ["workbench", "tasks"]


# --- /tasks/ --------------------------------------------------------------------------------


def test_directive_list_shows_the_users_directives_with_demo_badge_and_light_counts(
    cast, client, shed, other_task
):
    client.force_login(cast.zhujian)
    response = client.get(reverse("tasks:directive-list"))
    assert response.status_code == 200
    directives = response.context["object_list"]
    assert [d.pk for d in directives] == [shed[0].directive_id]
    assert directives[0].task_count == 1
    assert directives[0].light_summary == [{"light": Light.ON_TRACK, "count": 1}]
    html = response.content.decode()
    assert "演示数据" in html
    assert "强化电动车充电安全管理" in html  # the task list under the directives
    assert "开展城市安全风险评估" not in html


def test_directive_list_offers_import_and_export_to_the_office_only(cast, client, shed):
    client.force_login(cast.office)
    office_page = client.get(reverse("tasks:directive-list"))
    assert office_page.context["export_href"].startswith(reverse("reports:export", args=["tasks"]))
    client.force_login(cast.zhujian)
    staff_page = client.get(reverse("tasks:directive-list"))
    assert office_page.context["import_url_name"] == "tasks:import"
    assert staff_page.context["import_url_name"] is None
    assert staff_page.context["can_create"] is False


def test_directive_page_lists_parts_and_tasks_with_lights(cast, client, shed):
    task, _, _ = shed
    client.force_login(cast.zhujian)
    response = client.get(reverse("tasks:directive-detail", args=[task.directive_id]))
    assert response.status_code == 200
    (part,) = response.context["sections"]
    assert part["section"].number == "五"
    assert [t.pk for t in part["tasks"]] == [task.pk]
    row = part["tasks"][0]
    assert row.light == Light.ON_TRACK
    assert row.next_due == days(30)
    assert row.unit_line.lead == cast.yingji_unit
    assert "各镇街区（2个单位）" in response.content.decode()


def test_directive_page_filters_by_light(cast, client, shed):
    task, _, _ = shed
    client.force_login(cast.office)
    url = reverse("tasks:directive-detail", args=[task.directive_id])
    assert client.get(url, {"light": "overdue"}).context["task_count"] == 0
    assert client.get(url, {"light": "on_track"}).context["task_count"] == 1


# --- the task list --------------------------------------------------------------------------


def test_task_list_shows_only_tasks_in_scope(cast, client, shed, other_task):
    client.force_login(cast.zhujian)
    response = client.get(reverse("tasks:task-list"))
    assert [t.pk for t in response.context["object_list"]] == [shed[0].pk]
    assert response.context["export_href"] is not None


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"light": "overdue"}, {"other"}),
        ({"light": "on_track"}, {"shed"}),
        ({"unit": "zhujian_unit"}, {"shed"}),
        ({"unit": "yingji_unit"}, {"shed", "other"}),
        ({"q": "风险评估"}, {"other"}),
        ({"directive": "shed_directive"}, {"shed"}),
    ],
)
def test_task_list_filters(cast, client, shed, other_task, params, expected):
    tasks = {"shed": shed[0].pk, "other": other_task.pk}
    values = {
        "zhujian_unit": cast.zhujian_unit.pk,
        "yingji_unit": cast.yingji_unit.pk,
        "shed_directive": shed[0].directive_id,
    }
    query = {key: values.get(value, value) for key, value in params.items()}
    client.force_login(cast.office)
    response = client.get(reverse("tasks:task-list"), query)
    assert response.status_code == 200
    assert {t.pk for t in response.context["object_list"]} == {tasks[k] for k in expected}


def test_task_list_light_filter_paginates_in_the_database(cast, client):
    for _ in range(30):
        MilestoneFactory(task=make_task(lead=cast.zhujian_unit), due_on=days(-1))
    MilestoneFactory(task=make_task(lead=cast.zhujian_unit), due_on=days(60))
    client.force_login(cast.zhujian)
    response = client.get(reverse("tasks:task-list"), {"light": "overdue"})
    assert response.context["paginator"].count == 30
    assert all(t.light == Light.OVERDUE for t in response.context["object_list"])


def _light_case(cast, name):
    """A task in one light state (today fixed by the module)."""
    lead = cast.zhujian_unit
    task = make_task(lead=lead, title=name)
    if name == "no milestones":
        return task
    if name == "not started":
        MilestoneFactory(task=task, due_on=days(60))
        MilestoneFactory(task=task, due_on=None)
    elif name == "started":
        m = MilestoneFactory(task=task, due_on=None)
        approve(m, lead, value=1)
    elif name == "one done, one not started":
        approve(MilestoneFactory(task=task, due_on=days(60)), lead, completes=True, on=TODAY)
        MilestoneFactory(task=task, due_on=days(90))
    elif name == "due soon":
        MilestoneFactory(task=task, due_on=days(7))
        approve(MilestoneFactory(task=task, due_on=days(30)), lead, value=1)
    elif name == "overdue":
        MilestoneFactory(task=task, due_on=days(-1))
        MilestoneFactory(task=task, due_on=days(3))
    elif name == "done":
        approve(MilestoneFactory(task=task, due_on=days(10)), lead, completes=True, on=TODAY)
        approve(MilestoneFactory(task=task, due_on=None), lead, completes=True, on=TODAY)
    elif name == "done late":
        approve(MilestoneFactory(task=task, due_on=days(-10)), lead, completes=True, on=days(-2))
        approve(MilestoneFactory(task=task, due_on=days(10)), lead, completes=True, on=TODAY)
    elif name == "co-unit completion does not finish a led task":
        m = MilestoneFactory(task=task, due_on=days(-1))
        AssignmentFactory(task=task, unit=cast.yingji_unit, role=AssignmentRole.CO)
        approve(m, cast.yingji_unit, completes=True, on=days(-2))
    return task


LIGHT_CASES = {
    "no milestones": Light.NOT_STARTED,
    "not started": Light.NOT_STARTED,
    "started": Light.ON_TRACK,
    "one done, one not started": Light.ON_TRACK,
    "due soon": Light.DUE_SOON,
    "overdue": Light.OVERDUE,
    "done": Light.DONE,
    "done late": Light.DONE_LATE,
    "co-unit completion does not finish a led task": Light.OVERDUE,
}


def test_database_light_agrees_with_the_derived_light_in_every_case(cast):
    tasks = {name: _light_case(cast, name) for name in LIGHT_CASES}
    derived = {t.pk: t.light for t in task_list(user=cast.office, today=TODAY)}
    in_sql = dict(
        annotate_task_light(Task.objects.all(), today=TODAY).values_list("pk", "light_code")
    )
    for name, expected in LIGHT_CASES.items():
        pk = tasks[name].pk
        assert derived[pk] == expected, f"derived light of {name!r}"
        assert in_sql[pk] == expected.value, f"SQL light of {name!r}"


# --- the task page --------------------------------------------------------------------------


def test_task_page_shows_units_milestones_targets_and_lights(cast, client, shed):
    task, milestone, recurring = shed
    client.force_login(cast.zhujian)
    response = client.get(reverse("tasks:task-detail", args=[task.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "18. 强化电动车充电安全管理" in html
    assert "市应急管理局" in html and "市住建局" in html
    assert "各镇街区（2个单位）" in html
    assert "侯镇" in html  # inside the collapsible expansion
    assert "每年4月、11月" in html
    next_year = MilestoneFactory(task=task, series=recurring, due_on=days(270))
    occurrence_page = client.get(reverse("tasks:task-detail", args=[task.pk]))
    shown_next = [m for m in occurrence_page.context["milestones"] if m.pk == next_year.pk]
    assert shown_next[0].recurrence_label == "每年4月、11月"  # an occurrence shows its series'
    assert "312 / 470 个 电动车停车棚" in html
    shown = {m.pk: m for m in response.context["milestones"]}
    assert shown[milestone.pk].light == Light.ON_TRACK
    assert shown[milestone.pk].rollup_value == Decimal("312")
    assert shown[recurring.pk].light == Light.NOT_STARTED
    assert response.context["object"].light == Light.ON_TRACK


def test_lead_unit_and_office_see_every_share_a_co_unit_its_own(cast, client, shed):
    task, milestone, _ = shed

    def shares(user):
        client.force_login(user)
        response = client.get(reverse("tasks:task-detail", args=[task.pk]))
        (m,) = [m for m in response.context["milestones"] if m.pk == milestone.pk]
        return {share["unit_id"]: share["value"] for share in m.shares}

    both = {cast.zhujian_unit.pk: Decimal("200"), cast.yingji_unit.pk: Decimal("112")}
    assert shares(cast.yingji) == both
    assert shares(cast.office) == both
    assert shares(cast.zhujian) == {cast.zhujian_unit.pk: Decimal("200")}


def test_task_page_lists_the_reports_the_user_may_see(cast, client, shed):
    task, milestone, _ = shed
    draft = ProgressReportFactory(milestone=milestone, unit=cast.houzhen_unit)
    client.force_login(cast.zhujian)
    reports = client.get(reverse("tasks:task-detail", args=[task.pk])).context["reports"]
    assert {r.unit_id for r in reports} == {cast.zhujian_unit.pk}
    client.force_login(cast.yingji)  # the lead unit sees its co-units' reports
    reports = client.get(reverse("tasks:task-detail", args=[task.pk])).context["reports"]
    assert draft.pk in {r.pk for r in reports}


def test_report_button_only_for_users_whose_unit_is_on_the_task(cast, client, shed):
    task, _, _ = shed
    url = reverse("tasks:task-detail", args=[task.pk])
    client.force_login(cast.zhujian)
    staff_links = [m.report_links for m in client.get(url).context["milestones"]]
    client.force_login(cast.auditor)
    auditor_links = [m.report_links for m in client.get(url).context["milestones"]]
    client.force_login(cast.office)
    office_links = [m.report_links for m in client.get(url).context["milestones"]]
    assert all(len(links) == 1 for links in staff_links)
    assert all(links == [] for links in auditor_links)
    assert all(links == [] for links in office_links)


def test_task_page_shows_the_full_change_history_newest_first(cast, client, shed):
    task, milestone, _ = shed
    milestone_update(actor=cast.office, milestone=milestone, due_on=days(45))
    client.force_login(cast.auditor)
    history = client.get(reverse("tasks:task-detail", args=[task.pk])).context["history"]
    kinds = {str(record.kind) for record in history}
    assert {"任务", "任务分工", "节点"} <= kinds
    dates = [record.history_date for record in history]
    assert dates == sorted(dates, reverse=True)
    newest = history[0]
    assert str(newest.kind) == "节点"
    assert {"field": "完成时限", "old": days(30), "new": days(45)} in newest.changes


def test_task_page_of_a_task_not_assigned_to_the_unit_is_404(cast, client, other_task):
    client.force_login(cast.zhujian)
    assert client.get(reverse("tasks:task-detail", args=[other_task.pk])).status_code == 404


# --- the Excel ledger -----------------------------------------------------------------------


def _export_rows(client, **params):
    import io

    from openpyxl import load_workbook

    response = client.get(reverse("reports:export", args=["tasks"]), params)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_ledger_export_has_the_offices_columns_and_rolled_up_progress(cast, client, shed):
    _, milestone, _ = shed
    latest = approve(milestone, cast.zhujian_unit, value=Decimal("250"))
    type(latest).objects.filter(pk=latest.pk).update(narrative="新建停车棚50个，累计250个。")
    client.force_login(cast.zhujian)
    header, *rows = _export_rows(client)
    assert header == ["序号", "任务", "牵头单位", "责任单位", "完成时限", "目标", "进展", "状态"]
    (row,) = rows
    assert row[:4] == [
        "18",
        "强化电动车充电安全管理",
        "市应急管理局",
        "市住建局、各镇街区（2个单位）",
    ]
    assert row[4] == f"{days(30).isoformat()}；{days(90).isoformat()}（每年4月、11月）"
    assert row[5] == "不少于470个电动车停车棚"
    assert row[6] == "362/470个电动车停车棚\n新建停车棚50个，累计250个。"
    assert row[7] == "正常推进"


def test_ledger_export_follows_the_users_scope_and_filters(cast, client, shed, other_task):
    client.force_login(cast.office)
    assert len(_export_rows(client)) == 3
    overdue = _export_rows(client, light="overdue")
    assert [row[1] for row in overdue[1:]] == ["开展城市安全风险评估"]
    assert overdue[1][4] == days(-3).isoformat()
    client.force_login(cast.houzhen)
    assert [row[1] for row in _export_rows(client)[1:]] == ["强化电动车充电安全管理"]


def test_ledger_export_writes_long_term_tasks_and_escapes_formulas(cast, client):
    task = make_task(lead=cast.zhujian_unit, title='=HYPERLINK("http://x")')
    MilestoneFactory(task=task, due_on=None)
    client.force_login(cast.zhujian)
    (row,) = _export_rows(client)[1:]
    assert row[1].startswith("'=")
    assert row[4] == "长期坚持"
    assert row[7] == "未开始"


def test_the_office_reports_on_a_task_without_units_itself(cast, client):
    task = make_task(lead=None, title="加强城市安全文化建设")
    MilestoneFactory(task=task)
    url = reverse("tasks:task-detail", args=[task.pk])
    client.force_login(cast.office)
    (milestone,) = client.get(url).context["milestones"]
    assert len(milestone.report_links) == 1
    client.force_login(cast.auditor)
    (milestone,) = client.get(url).context["milestones"]
    assert milestone.report_links == []


# --- the admin ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model",
    [
        "directive",
        "section",
        "task",
        "assignment",
        "milestone",
        "progressreport",
        "reportevidence",
        "reportstep",
    ],
)
def test_admin_lists_every_ledger_model(cast, client, shed, model):
    client.force_login(cast.admin)
    response = client.get(reverse(f"admin:tasks_{model}_changelist"), {"q": "电动车"})
    assert response.status_code == 200


def test_admin_shows_report_state_read_only(cast, client, shed):
    _, milestone, _ = shed
    report = ProgressReportFactory(submitted=True, milestone=milestone, unit=cast.zhujian_unit)
    client.force_login(cast.admin)
    url = reverse("admin:tasks_progressreport_change", args=[report.pk])
    form = client.get(url).context["adminform"].form
    assert "state" not in form.fields and "reviewed_by" not in form.fields
    assert "narrative" in form.fields
    task_page = client.get(reverse("admin:tasks_task_change", args=[milestone.task_id]))
    assert task_page.status_code == 200


def test_task_list_with_htmx_renders_only_the_rows_and_the_export_link(cast, client, shed):
    client.force_login(cast.office)
    response = client.get(reverse("tasks:task-list"), {"light": "on_track"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert 'hx-swap-oob="true"' in html and "light=on_track" in html
    assert "强化电动车充电安全管理" in html


def test_directive_search_does_not_leak_into_the_ledger_export(cast, client, shed):
    client.force_login(cast.office)
    response = client.get(reverse("tasks:directive-list"), {"q": "实施意见"})
    assert response.context["export_href"] == reverse("reports:export", args=["tasks"])


def test_a_finished_task_shows_no_next_deadline_rather_than_long_term(cast, client):
    from tests.tasks.factories import MilestoneFactory, ProgressReportFactory, make_task

    task = make_task(lead=cast.zhujian_unit, title="已完成的任务")
    milestone = MilestoneFactory(task=task)
    ProgressReportFactory(
        milestone=milestone, unit=cast.zhujian_unit, completes=True, approved=True
    )
    client.force_login(cast.office)
    page = client.get(reverse("tasks:task-list"))
    (row,) = [t for t in page.context["object_list"] if t.pk == task.pk]
    assert row.light == "done"
    assert row.next_due is None
    assert "长期坚持" not in page.content.decode()

"""Workbench panels: staff see their unit's tasks, what is due and what came back; leaders
what waits for confirmation; the office what waits for review — at a constant query cost."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tasks.services.reports import (
    report_confirm,
    report_create,
    report_return,
    report_submit,
)
from tests.querycount import assert_constant_queries, count_queries
from tests.tasks.factories import MilestoneFactory, ProgressReportFactory, make_task

DAY = datetime.timedelta(days=1)


def workbench(client, user):
    client.force_login(user)
    response = client.get(reverse("workbench"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def shed(cast):
    task = make_task(lead=cast.yingji_unit, co=[cast.zhujian_unit], title="电动车停车棚建设")
    return MilestoneFactory(task=task, with_target=True, due_on=timezone.localdate() + DAY * 10)


def filed(cast, milestone):
    return report_create(
        actor=cast.zhujian, milestone=milestone, unit=cast.zhujian_unit, value=5, narrative="x"
    )


@pytest.mark.django_db
def test_staff_see_their_units_tasks_and_what_is_due_within_30_days(client, cast, shed):
    other = make_task(lead=cast.houzhen_unit, title="侯镇的任务")
    MilestoneFactory(task=other, due_on=timezone.localdate() + DAY)
    MilestoneFactory(task=shed.task, due_on=timezone.localdate() + DAY * 45, text="远期节点")
    page = workbench(client, cast.zhujian)
    assert 'data-testid="panel-unit-tasks"' in page
    assert "电动车停车棚建设" in page and "侯镇的任务" not in page
    assert 'data-testid="panel-due"' in page
    assert page.count('data-testid="due-milestone"') == 1
    assert reverse("tasks:report-create", args=[shed.pk]) in page


@pytest.mark.django_db
def test_a_returned_report_comes_back_to_the_author_with_the_comment(client, cast, shed):
    report = filed(cast, shed)
    report_submit(actor=cast.zhujian, report=report)
    report_confirm(actor=cast.zhujian_lead, report=report)
    assert 'data-testid="panel-returned"' not in workbench(client, cast.zhujian)
    report_return(actor=cast.office, report=report, comment="请补充现场照片。")
    page = workbench(client, cast.zhujian)
    assert 'data-testid="panel-returned"' in page and "请补充现场照片。" in page
    assert reverse("tasks:report-edit", args=[report.pk]) in page
    assert "请补充现场照片。" not in workbench(client, cast.yingji)


@pytest.mark.django_db
def test_leaders_see_what_waits_for_their_confirmation(client, cast, shed):
    report = filed(cast, shed)
    page = workbench(client, cast.zhujian_lead)
    assert 'data-testid="panel-awaiting-confirmation"' in page
    assert 'data-testid="waiting-report"' not in page
    report_submit(actor=cast.zhujian, report=report)
    page = workbench(client, cast.zhujian_lead)
    assert page.count('data-testid="waiting-report"') == 1
    assert report.get_absolute_url() in page
    assert 'data-testid="panel-awaiting-confirmation"' not in workbench(client, cast.zhujian)


@pytest.mark.django_db
def test_the_office_sees_what_waits_for_review(client, cast, shed):
    report = filed(cast, shed)
    report_submit(actor=cast.zhujian, report=report)
    page = workbench(client, cast.office)
    assert 'data-testid="panel-awaiting-review"' in page
    assert 'data-testid="waiting-report"' not in page
    assert 'data-testid="panel-unit-tasks"' not in page
    report_confirm(actor=cast.zhujian_lead, report=report)
    page = workbench(client, cast.office)
    assert page.count('data-testid="waiting-report"') == 1
    for user in (cast.zhujian, cast.zhujian_lead, cast.auditor):
        assert 'data-testid="panel-awaiting-review"' not in workbench(client, user)


@pytest.mark.django_db
def test_the_auditor_gets_no_task_panels(client, cast, shed):
    page = workbench(client, cast.auditor)
    assert 'data-testid="panel-unit-tasks"' not in page
    assert 'data-testid="panel-due"' not in page


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["zhujian", "zhujian_lead", "office"])
def test_workbench_costs_the_same_queries_at_any_size(client, cast, who):
    user = getattr(cast, who)
    client.force_login(user)
    today = timezone.localdate()

    def grow(n):
        while len(tasks := list(cast.zhujian_unit.assignments.all())) < n:
            task = make_task(lead=cast.zhujian_unit, co=[cast.houzhen_unit])
            milestone = MilestoneFactory(task=task, due_on=today + DAY * (len(tasks) % 40))
            author = {"author": cast.zhujian, "unit": cast.zhujian_unit, "milestone": milestone}
            ProgressReportFactory(**author, submitted=True)
            ProgressReportFactory(**author, confirmed=True)
            ProgressReportFactory(**author, returned=True)
            ProgressReportFactory(**author, approved=True, value=3)

    def fetch():
        response = client.get(reverse("workbench"))
        assert response.status_code == 200
        return response

    count_queries(fetch)  # warm the session and caches once
    assert_constant_queries(grow, fetch, sizes=(5, 40))

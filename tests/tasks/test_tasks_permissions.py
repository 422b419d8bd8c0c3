"""The permission matrix applied to the task ledger (Directive, Task, Milestone, ProgressReport),
and the issue's cases: a bureau sees only its tasks, a township the tasks given to 各镇街区, the
auditor reads everything and writes nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from rest_framework.test import APIClient

from responsibilities.models import UnitGroup
from tasks.models import (
    Assignment,
    Directive,
    Milestone,
    ProgressReport,
    ReportEvidence,
    ReportStep,
    Section,
    Task,
)
from tasks.services.reports import report_create
from tests.permission_matrix import PermissionMatrix
from tests.responsibilities.factories import OrgUnitFactory
from tests.tasks.factories import (
    AssignmentFactory,
    MilestoneFactory,
    ProgressReportFactory,
    ReportEvidenceFactory,
    ReportStepFactory,
    make_task,
)

pytestmark = pytest.mark.django_db

VIEW_OWN = {"own": {"view"}, "other": set()}
VIEW_CHANGE_OWN = {"own": {"view", "change"}, "other": set()}


class TestDirectiveMatrix(PermissionMatrix):
    """A unit sees the directives it has tasks in; only the office corrects them."""

    model = Directive
    detail_url_name = "tasks:directive-detail"
    api_basename = "directive"
    api_patch = {"doc_number": "寿办发〔2019〕99号"}
    member_rights = {"staff": VIEW_OWN, "leader": VIEW_OWN, "township": VIEW_OWN}

    def make_object(self, cast, unit):
        return make_task(lead=unit).directive


class TestTaskMatrix(PermissionMatrix):
    """A unit sees and works the tasks assigned to it (lead or co); nobody but the office deletes."""

    model = Task
    detail_url_name = "tasks:task-detail"
    api_basename = "task"
    member_rights = {
        "staff": VIEW_CHANGE_OWN,
        "leader": VIEW_CHANGE_OWN,
        "township": VIEW_CHANGE_OWN,
    }

    def make_object(self, cast, unit):
        lead = OrgUnitFactory(name="市发展和改革局")
        return make_task(lead=lead, co=[unit])  # a co-unit's task is its own too


class TestMilestoneMatrix(PermissionMatrix):
    """Milestones of a unit's tasks are visible to it; dates and targets are the office's."""

    model = Milestone
    api_basename = "milestone"
    api_patch = {"due_on": datetime.date(2030, 6, 30)}
    member_rights = {"staff": VIEW_OWN, "leader": VIEW_OWN, "township": VIEW_OWN}

    def make_object(self, cast, unit):
        return MilestoneFactory(task=make_task(lead=unit))


class TestProgressReportMatrix(PermissionMatrix):
    """A unit sees and edits its own reports (the services decide which state allows it)."""

    model = ProgressReport
    detail_url_name = "tasks:report-detail"
    api_basename = "progressreport"
    member_rights = {
        "staff": VIEW_CHANGE_OWN,
        "leader": VIEW_CHANGE_OWN,
        "township": VIEW_CHANGE_OWN,
    }

    def make_object(self, cast, unit):
        milestone = MilestoneFactory(task=make_task(lead=unit))
        return ProgressReportFactory(milestone=milestone, unit=unit)


class TestSectionMatrix(PermissionMatrix):
    """A part of a directive is visible to the units with a task in that directive."""

    model = Section
    member_rights = {"staff": VIEW_OWN, "leader": VIEW_OWN, "township": VIEW_OWN}

    def make_object(self, cast, unit):
        return make_task(lead=unit).section


class TestAssignmentMatrix(PermissionMatrix):
    """Who else carries a task is visible to the units on it; only the office assigns."""

    model = Assignment
    member_rights = {"staff": VIEW_OWN, "leader": VIEW_OWN, "township": VIEW_OWN}

    def make_object(self, cast, unit):
        return make_task(lead=unit).assignments.get()


class TestReportEvidenceMatrix(PermissionMatrix):
    """Evidence follows its report: the reporting unit (and the task's lead unit) sees it."""

    model = ReportEvidence
    member_rights = {"staff": VIEW_OWN, "leader": VIEW_OWN, "township": VIEW_OWN}

    def make_object(self, cast, unit):
        milestone = MilestoneFactory(task=make_task(lead=unit))
        return ReportEvidenceFactory(report=ProgressReportFactory(milestone=milestone, unit=unit))


class TestReportStepMatrix(PermissionMatrix):
    """A report's review trail is visible where the report is."""

    model = ReportStep
    member_rights = {"staff": VIEW_OWN, "leader": VIEW_OWN, "township": VIEW_OWN}

    def make_object(self, cast, unit):
        milestone = MilestoneFactory(task=make_task(lead=unit))
        return ReportStepFactory(report=ProgressReportFactory(milestone=milestone, unit=unit))


# --- the cases ----------------------------------------------------------------------


def api_for(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def yingji_task(cast):
    """A task given to 市应急管理局 alone: none of 市住建局's business."""
    task = make_task(lead=cast.yingji_unit, title="应急管理局独立承担的任务")
    return task, MilestoneFactory(task=task)


def test_zhujian_cannot_see_a_task_not_assigned_to_its_bureau(cast, client, yingji_task):
    task, milestone = yingji_task
    client.force_login(cast.zhujian)
    assert client.get(reverse("tasks:task-detail", args=[task.pk])).status_code == 404
    listed = client.get(reverse("tasks:task-list")).context["object_list"]
    assert task.pk not in {t.pk for t in listed}
    api = api_for(cast.zhujian)
    assert api.get(reverse("task-detail", args=[task.pk])).status_code == 404
    assert api.get(reverse("milestone-detail", args=[milestone.pk])).status_code == 404


def test_zhujian_cannot_report_on_a_task_not_assigned_to_its_bureau(cast, client, yingji_task):
    _, milestone = yingji_task
    with pytest.raises(PermissionDenied):
        report_create(
            actor=cast.zhujian,
            milestone=milestone,
            unit=cast.zhujian_unit,
            value=None,
            narrative="试图越权填报。",
        )
    response = api_for(cast.zhujian).post(
        reverse("progressreport-list"),
        {"milestone": milestone.pk, "unit": cast.zhujian_unit.pk, "narrative": "试图越权填报。"},
        format="json",
    )
    assert response.status_code in (400, 403, 404)
    client.force_login(cast.zhujian)
    page = client.get(reverse("tasks:report-create", args=[milestone.pk]))
    assert page.status_code in (403, 404)
    assert not ProgressReport.objects.filter(milestone=milestone).exists()


@pytest.fixture
def township_task(cast):
    """A task given to 各镇街区: the group token expanded to every township (via_group)."""
    towns = UnitGroup.objects.create(name="各镇街区", rule="townships")
    towns.members.set([cast.houzhen_unit, cast.yangkou_unit])
    task = make_task(lead=cast.zhujian_unit, title="镇街区落实属地管理责任")
    for unit in (cast.houzhen_unit, cast.yangkou_unit):
        AssignmentFactory(task=task, unit=unit, via_group=towns)
    return task, MilestoneFactory(task=task)


def test_houzhen_sees_the_tasks_given_to_all_townships(cast, client, township_task, yingji_task):
    task, milestone = township_task
    client.force_login(cast.houzhen)
    listed = client.get(reverse("tasks:task-list")).context["object_list"]
    assert [t.pk for t in listed] == [task.pk]
    page = client.get(reverse("tasks:task-detail", args=[task.pk]))
    assert page.status_code == 200
    assert "各镇街区（2个单位）" in page.content.decode()
    assert all(m.report_links for m in page.context["milestones"])
    directives = client.get(reverse("tasks:directive-list")).context["object_list"]
    assert [d.pk for d in directives] == [task.directive_id]
    assert api_for(cast.houzhen).get(reverse("task-detail", args=[task.pk])).status_code == 200
    report = report_create(
        actor=cast.houzhen,
        milestone=milestone,
        unit=cast.houzhen_unit,
        narrative="侯镇已完成辖区排查。",
    )
    assert report.unit == cast.houzhen_unit


def test_auditor_reads_everything_and_writes_nothing(cast, client, township_task, yingji_task):
    task, milestone = yingji_task
    client.force_login(cast.auditor)
    listed = client.get(reverse("tasks:task-list")).context["object_list"]
    assert {t.pk for t in listed} == {task.pk, township_task[0].pk}
    page = client.get(reverse("tasks:task-detail", args=[task.pk]))
    assert page.status_code == 200
    assert all(m.report_links == [] for m in page.context["milestones"])
    assert b'data-testid="report-create"' not in page.content
    assert (
        client.get(reverse("tasks:directive-detail", args=[task.directive_id])).status_code == 200
    )

    api = api_for(cast.auditor)
    assert api.get(reverse("task-detail", args=[task.pk])).status_code == 200
    patch = api.patch(
        reverse("directive-detail", args=[task.directive_id]), {"title": "改"}, format="json"
    )
    assert patch.status_code == 403
    moved = api.patch(
        reverse("milestone-detail", args=[milestone.pk]), {"due_on": "2030-01-01"}, format="json"
    )
    assert moved.status_code == 403
    filed = api.post(
        reverse("progressreport-list"),
        {"milestone": milestone.pk, "unit": cast.yingji_unit.pk, "narrative": "审计不应能填报。"},
        format="json",
    )
    assert filed.status_code == 403
    with pytest.raises(PermissionDenied):
        report_create(
            actor=cast.auditor, milestone=milestone, unit=cast.yingji_unit, narrative="不应成功。"
        )
    task.directive.refresh_from_db()
    assert task.directive.title != "改"
    assert not ProgressReport.objects.exists()

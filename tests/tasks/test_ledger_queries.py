"""The task list, a task page and the task API cost the same number of queries with 10 and
1,000 tasks (or milestones and reports on one task); the ledger export too, per chunk."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from portal.exports import params_querydict
from portal.permissions import forget_scope
from responsibilities.models import UnitGroup
from tasks.choices import AssignmentRole, ReportState
from tasks.exports import TaskLedgerExporter
from tasks.models import Assignment, Milestone, ProgressReport, Task
from tests.querycount import assert_constant_queries
from tests.tasks.factories import DirectiveFactory, SectionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

TODAY = timezone.localdate()


def warm_up(grow, fetch):
    """One request first: per-process caches (ContentType) fill once, not per row."""
    grow(10)
    fetch()


@pytest.fixture
def grow_tasks(cast):
    """Bring the ledger up to n tasks, each with a lead, a co-unit or a township group, two
    milestones (one with a target) and approved reports.

    Test data goes in with bulk_create for speed; the code under test only reads it.
    """
    directive = DirectiveFactory()
    sections = [SectionFactory(directive=directive, number=str(i)) for i in range(3)]
    towns = UnitGroup.objects.create(name="各镇街区", rule="townships")
    author = cast.office
    now = timezone.now()
    counter = itertools.count(1)

    def grow(n):
        have = Task.objects.count()
        tasks = Task.objects.bulk_create(
            Task(
                directive=directive,
                section=sections[i % 3],
                number=str(next(counter)),
                order=i,
                title=f"查询测试任务{i:04d}",
            )
            for i in range(have, n)
        )
        assignments, milestones = [], []
        for i, task in enumerate(tasks):
            lead = (cast.zhujian_unit, cast.yingji_unit)[i % 2]
            task.lead_unit = lead
            assignments.append(Assignment(task=task, unit=lead, role=AssignmentRole.LEAD))
            assignments += [
                Assignment(task=task, unit=unit, via_group=towns, order=n)
                for n, unit in enumerate((cast.houzhen_unit, cast.yangkou_unit), start=1)
            ]
            milestones += [
                Milestone(
                    task=task,
                    text="建成停车棚",
                    due_on=TODAY + datetime.timedelta(days=(i % 20) - 5),
                    target_value=470,
                    target_unit="个",
                    target_subject="停车棚",
                    target_comparator=">=",
                ),
                Milestone(task=task, text="长期坚持", due_on=None, order=1),
            ]
        Task.objects.bulk_update(tasks, ["lead_unit"])
        Assignment.objects.bulk_create(assignments)
        Milestone.objects.bulk_create(milestones)
        ProgressReport.objects.bulk_create(
            ProgressReport(
                milestone=m,
                unit=m.task.lead_unit,
                value=Decimal(12),
                narrative="已推进",
                completes=i % 3 == 0,
                state=ReportState.APPROVED,
                author=author,
                submitted_at=now,
                reviewed_at=now,
            )
            for i, m in enumerate(milestones[::2])
        )

    return grow


@pytest.mark.parametrize("who", ["office", "zhujian", "houzhen"])
def test_task_list_page_query_count_is_constant(cast, client, grow_tasks, who):
    client.force_login(getattr(cast, who))
    url = reverse("tasks:task-list")

    def fetch():
        response = client.get(url, {"page_size": 200})
        assert response.status_code == 200
        assert response.context["object_list"]
        return response

    warm_up(grow_tasks, fetch)
    assert_constant_queries(grow_tasks, fetch)


def test_task_list_filtered_by_light_query_count_is_constant(cast, client, grow_tasks):
    client.force_login(cast.office)
    url = reverse("tasks:task-list")

    def fetch():
        response = client.get(url, {"light": "overdue", "unit": cast.zhujian_unit.pk})
        assert response.status_code == 200
        assert response.context["object_list"]
        return response

    warm_up(grow_tasks, fetch)
    assert_constant_queries(grow_tasks, fetch)


def test_directive_list_and_directive_page_query_counts_are_constant(cast, client, grow_tasks):
    client.force_login(cast.zhujian)
    directive_id = []

    def fetch():
        listed = client.get(reverse("tasks:directive-list"))
        assert listed.status_code == 200
        directive_id[:] = [listed.context["object_list"][0].pk]
        detail = client.get(reverse("tasks:directive-detail", args=directive_id))
        assert detail.status_code == 200
        return detail

    warm_up(grow_tasks, fetch)
    assert_constant_queries(grow_tasks, fetch)


@pytest.mark.parametrize("who", ["office", "zhujian", "houzhen"])
def test_task_api_query_count_is_constant(cast, grow_tasks, who):
    user = getattr(cast, who)
    api = APIClient()
    api.force_authenticate(user)
    url = reverse("task-list")

    def fetch():
        forget_scope(user)  # the same user object across requests: recompute like a new one
        response = api.get(url, {"page_size": 50})
        assert response.status_code == 200
        assert response.json()["results"]
        return response

    warm_up(grow_tasks, fetch)
    assert_constant_queries(grow_tasks, fetch)


def test_milestone_and_report_api_query_counts_are_constant(cast, grow_tasks):
    api = APIClient()
    api.force_authenticate(cast.zhujian)

    def fetch():
        forget_scope(cast.zhujian)
        for name in ("milestone-list", "progressreport-list", "directive-list", "section-list"):
            response = api.get(reverse(name))
            assert response.status_code == 200, name
            assert response.json()["results"], name

    warm_up(grow_tasks, fetch)
    assert_constant_queries(grow_tasks, fetch)


def test_task_page_query_count_is_constant_with_many_milestones_and_reports(cast, client):
    """One task; its milestones, reports and change history grow from 10 to 1,000."""
    directive = DirectiveFactory()
    task = Task.objects.create(
        directive=directive,
        section=SectionFactory(directive=directive),
        number="18",
        title="电动车停车棚",
        lead_unit=cast.yingji_unit,
    )
    Assignment.objects.create(task=task, unit=cast.yingji_unit, role=AssignmentRole.LEAD)
    Assignment.objects.create(task=task, unit=cast.zhujian_unit, role=AssignmentRole.CO)
    now = timezone.now()

    def grow(n):
        have = Milestone.objects.filter(task=task).count()
        milestones = []
        for i in range(have, n):
            milestone = Milestone(
                task=task,
                text=f"第{i}批",
                due_on=TODAY + datetime.timedelta(days=i % 30),
                target_value=100,
                target_unit="个",
                target_subject="停车棚",
                target_comparator=">=",
                order=i,
            )
            milestone.save()  # with history: the page shows it
            milestones.append(milestone)
        ProgressReport.objects.bulk_create(
            ProgressReport(
                milestone=m,
                unit=unit,
                value=Decimal(5),
                narrative="进展",
                state=ReportState.APPROVED,
                author=cast.office,
                reviewed_at=now,
            )
            for m in milestones
            for unit in (cast.yingji_unit, cast.zhujian_unit)
        )

    client.force_login(cast.yingji)
    url = reverse("tasks:task-detail", args=[task.pk])

    def fetch():
        response = client.get(url)
        assert response.status_code == 200
        assert response.context["milestones"][0].shares
        return response

    warm_up(grow, fetch)
    assert_constant_queries(grow, fetch)


def test_ledger_export_query_count_is_constant_per_chunk(cast, grow_tasks):
    exporter = TaskLedgerExporter()

    def fetch():
        forget_scope(cast.zhujian)
        queryset = exporter.get_queryset(cast.zhujian, params_querydict({}))
        rows = list(exporter.rows(queryset))
        assert rows
        return rows

    warm_up(grow_tasks, fetch)
    assert_constant_queries(grow_tasks, fetch)

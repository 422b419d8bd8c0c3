"""Traffic lights (亮灯) at every boundary, and the roll-up of co-units' approved shares."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from portal.permissions import user_scope
from tasks.choices import Light, ReportState
from tasks.models import Milestone, Task
from tasks.selectors import (
    DUE_SOON_DAYS,
    attach_rollups,
    milestone_light,
    milestones_due,
    milestones_with_status,
    reports_awaiting_confirmation,
    reports_awaiting_review,
    reports_returned,
    task_detail,
    task_light,
    task_list,
    tasks_with_status,
)
from tests.querycount import assert_constant_queries
from tests.tasks.factories import MilestoneFactory, ProgressReportFactory, make_task

TODAY = datetime.date(2026, 6, 15)
DAY = datetime.timedelta(days=1)


def light(*, due_in=None, done_on=None, started=False):
    due_on = None if due_in is None else TODAY + DAY * due_in
    return milestone_light(due_on=due_on, done_on=done_on, started=started, today=TODAY)


# --- milestone lights -----------------------------------------------------------------------


def test_due_today_is_due_soon():
    assert light(due_in=0) == Light.DUE_SOON


def test_due_in_seven_days_is_due_soon():
    assert DUE_SOON_DAYS == 7
    assert light(due_in=7) == Light.DUE_SOON


def test_due_in_eight_days_is_not_started_or_on_track():
    assert light(due_in=8) == Light.NOT_STARTED
    assert light(due_in=8, started=True) == Light.ON_TRACK


def test_due_yesterday_and_not_done_is_overdue():
    assert light(due_in=-1) == Light.OVERDUE
    assert light(due_in=-1, started=True) == Light.OVERDUE


def test_done_on_the_due_date_is_done():
    assert light(due_in=-3, done_on=TODAY - DAY * 3) == Light.DONE


def test_done_a_day_late_is_done_late():
    assert light(due_in=-3, done_on=TODAY - DAY * 2) == Light.DONE_LATE


def test_done_early_is_done():
    assert light(due_in=10, done_on=TODAY) == Light.DONE


def test_no_due_date_is_never_overdue():
    assert light() == Light.NOT_STARTED
    assert light(started=True) == Light.ON_TRACK
    assert light(done_on=TODAY) == Light.DONE


# --- task lights ----------------------------------------------------------------------------


def test_task_with_every_milestone_done_is_done():
    assert task_light([Light.DONE, Light.DONE]) == Light.DONE


def test_task_done_with_one_late_milestone_is_done_late():
    assert task_light([Light.DONE, Light.DONE_LATE]) == Light.DONE_LATE


def test_task_shows_its_worst_open_milestone():
    assert task_light([Light.DONE, Light.ON_TRACK, Light.OVERDUE, Light.DUE_SOON]) == Light.OVERDUE
    assert task_light([Light.NOT_STARTED, Light.DUE_SOON, Light.ON_TRACK]) == Light.DUE_SOON
    assert task_light([Light.NOT_STARTED, Light.ON_TRACK]) == Light.ON_TRACK


def test_task_with_nothing_started_is_not_started():
    assert task_light([Light.NOT_STARTED, Light.NOT_STARTED]) == Light.NOT_STARTED
    assert task_light([]) == Light.NOT_STARTED


def test_task_with_a_done_milestone_and_the_rest_not_started_is_on_track():
    assert task_light([Light.DONE, Light.NOT_STARTED]) == Light.ON_TRACK


# --- done_on, started and roll-ups from the database ----------------------------------------


def approved(milestone, unit, value=None, *, on=None, completes=False, author=None):
    reviewed_at = timezone.make_aware(datetime.datetime.combine(on or TODAY, datetime.time(10)))
    extra = {"author": author} if author else {}
    return ProgressReportFactory(
        milestone=milestone,
        unit=unit,
        value=value,
        completes=completes,
        approved=True,
        reviewed_at=reviewed_at,
        **extra,
    )


def status(milestone):
    return milestones_with_status(Milestone.objects.filter(pk=milestone.pk), today=TODAY).get()


@pytest.fixture
def shed_task(cast):
    """Shouguang 18's shape: 市应急管理局 leads, 市住建局 and 侯镇 share the work."""
    task = make_task(lead=cast.yingji_unit, co=[cast.zhujian_unit, cast.houzhen_unit])
    milestone = MilestoneFactory(task=task, due_on=TODAY + DAY * 30, with_target=True)
    return task, milestone


@pytest.mark.django_db
def test_co_units_latest_approved_values_are_summed(cast, shed_task):
    _, milestone = shed_task
    approved(milestone, cast.zhujian_unit, 100, on=TODAY - DAY * 5)
    approved(milestone, cast.zhujian_unit, 180, on=TODAY - DAY * 2)  # supersedes 100
    approved(milestone, cast.houzhen_unit, 40, on=TODAY - DAY * 3)
    ms = status(milestone)
    assert ms.unit_values == {cast.zhujian_unit.pk: Decimal(180), cast.houzhen_unit.pk: Decimal(40)}
    assert ms.rollup_value == Decimal(220)
    assert ms.progress == Decimal("46.8")  # 220 / 470
    assert ms.started is True
    assert ms.light == Light.ON_TRACK


@pytest.mark.django_db
@pytest.mark.parametrize(
    "state", [ReportState.DRAFT, ReportState.SUBMITTED, ReportState.CONFIRMED, ReportState.RETURNED]
)
def test_reports_not_approved_count_for_nothing(cast, shed_task, state):
    _, milestone = shed_task
    approved(milestone, cast.zhujian_unit, 50)
    ProgressReportFactory(milestone=milestone, unit=cast.zhujian_unit, value=400, state=state)
    ProgressReportFactory(
        milestone=milestone, unit=cast.houzhen_unit, value=70, state=state, completes=True
    )
    ms = status(milestone)
    assert ms.rollup_value == Decimal(50)
    assert ms.unit_values == {cast.zhujian_unit.pk: Decimal(50)}
    assert ms.done_on is None


@pytest.mark.django_db
def test_milestone_without_approved_reports_has_no_rollup_and_is_not_started(cast, shed_task):
    _, milestone = shed_task
    ProgressReportFactory(milestone=milestone, unit=cast.zhujian_unit, value=10)
    ms = status(milestone)
    assert (ms.rollup_value, ms.unit_values, ms.progress) == (None, {}, None)
    assert ms.started is False
    assert ms.light == Light.NOT_STARTED


@pytest.mark.django_db
def test_only_the_lead_units_completing_report_makes_the_milestone_done(cast, shed_task):
    _, milestone = shed_task
    approved(milestone, cast.zhujian_unit, 300, on=TODAY - DAY, completes=True)
    assert status(milestone).done_on is None
    approved(milestone, cast.yingji_unit, 170, on=TODAY, completes=True)
    ms = status(milestone)
    assert ms.done_on == TODAY
    assert ms.light == Light.DONE


@pytest.mark.django_db
def test_milestone_done_after_its_due_date_is_done_late(cast, shed_task):
    _, milestone = shed_task
    milestone.due_on = TODAY - DAY
    milestone.save()
    assert status(milestone).light == Light.OVERDUE
    approved(milestone, cast.yingji_unit, 470, on=TODAY, completes=True)
    assert status(milestone).light == Light.DONE_LATE


@pytest.mark.django_db
def test_on_a_task_without_units_any_completing_report_counts(cast):
    task = make_task()  # Shouguang 32–34: no units, the office reports itself
    milestone = MilestoneFactory(task=task, due_on=TODAY)
    approved(milestone, cast.office_unit, completes=True, on=TODAY - DAY)
    assert status(milestone).light == Light.DONE


@pytest.mark.django_db
def test_attach_rollups_takes_one_query_for_any_number_of_milestones(
    cast, django_assert_num_queries
):
    task = make_task(lead=cast.zhujian_unit)
    for _ in range(5):
        milestone = MilestoneFactory(task=task)
        approved(milestone, cast.zhujian_unit, 3)
    milestones = list(milestones_with_status(Milestone.objects.filter(task=task), today=TODAY))
    with django_assert_num_queries(1):
        attach_rollups(milestones, today=TODAY)
    assert [m.rollup_value for m in milestones] == [Decimal(3)] * 5


@pytest.mark.django_db
def test_task_light_follows_its_milestones(cast, shed_task):
    task, _ = shed_task
    MilestoneFactory(task=task, due_on=TODAY - DAY)
    fetched = tasks_with_status(Task.objects.filter(pk=task.pk), today=TODAY).get()
    assert fetched.light == Light.OVERDUE
    assert [m.light for m in fetched.milestones.all()] == [Light.NOT_STARTED, Light.OVERDUE]


# --- scoped selectors -----------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_see_only_tasks_assigned_to_their_unit(cast, shed_task):
    task, _ = shed_task
    other = make_task(lead=cast.office_unit)
    assert list(task_list(user=cast.zhujian)) == [task]
    assert set(task_list(user=cast.auditor)) == {task, other}
    assert task_detail(user=cast.houzhen, pk=task.pk) == task
    from django.http import Http404

    with pytest.raises(Http404):
        task_detail(user=cast.zhujian, pk=other.pk)


@pytest.mark.django_db
def test_task_list_costs_the_same_queries_for_10_and_1000_tasks(cast):
    def grow(n):
        while Task.objects.count() < n:
            task = make_task(lead=cast.zhujian_unit, co=[cast.houzhen_unit])
            milestone = MilestoneFactory(task=task)
            approved(milestone, cast.zhujian_unit, 1)

    def fetch():
        tasks = list(task_list(user=cast.zhujian, today=TODAY))
        assert all(hasattr(t, "light") for t in tasks)
        return tasks

    user_scope(cast.zhujian)  # computed once per user object, before the budget is counted
    assert_constant_queries(grow, fetch, sizes=(10, 60))


@pytest.mark.django_db
def test_workbench_selectors_find_what_waits_for_each_role(cast, shed_task):
    _, milestone = shed_task
    submitted = ProgressReportFactory(
        milestone=milestone, unit=cast.zhujian_unit, author=cast.zhujian, submitted=True
    )
    confirmed = ProgressReportFactory(
        milestone=milestone, unit=cast.zhujian_unit, author=cast.zhujian, confirmed=True
    )
    returned = ProgressReportFactory(
        milestone=milestone, unit=cast.zhujian_unit, author=cast.zhujian, returned=True
    )
    assert list(reports_awaiting_confirmation(user=cast.zhujian_lead)) == [submitted]
    assert list(reports_awaiting_confirmation(user=cast.zhujian)) == []
    assert list(reports_awaiting_review(user=cast.office)) == [confirmed]
    assert list(reports_awaiting_review(user=cast.zhujian_lead)) == []
    assert list(reports_returned(user=cast.zhujian)) == [returned]
    assert list(reports_returned(user=cast.yingji)) == []
    assert list(reports_returned(user=cast.zhujian_lead)) == []  # the leader returned it


@pytest.mark.django_db
def test_milestones_due_lists_open_milestones_within_the_window(cast):
    task = make_task(lead=cast.zhujian_unit)
    soon = MilestoneFactory(task=task, due_on=TODAY + DAY * 30)
    late = MilestoneFactory(task=task, due_on=TODAY - DAY)
    MilestoneFactory(task=task, due_on=TODAY + DAY * 31)
    done = MilestoneFactory(task=task, due_on=TODAY + DAY)
    approved(done, cast.zhujian_unit, completes=True)
    assert list(milestones_due(user=cast.zhujian, today=TODAY)) == [late, soon]
    assert list(milestones_due(user=cast.yingji, today=TODAY)) == []

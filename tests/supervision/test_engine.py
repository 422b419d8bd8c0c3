"""The deadline engine's rules, sweep by sweep: who is reminded when, the overdue mark and
the 督办单 the day after, escalation after the grace period, recurrence, and exactly once."""

import datetime

import pytest
from django.utils import timezone

from portal.deadlines import reminder_stage, sweep
from portal.notifications.models import Notification
from portal.supervision.models import DeadlineEvent, NoticeState, SupervisionNotice
from tasks.choices import ReportState
from tasks.models import Milestone
from tests.responsibilities.factories import MembershipFactory, UserFactory
from tests.tasks.factories import MilestoneFactory, ProgressReportFactory, make_task

DUE = datetime.date(2026, 6, 30)  # a Tuesday


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    """09:00 Asia/Shanghai on ``day``: when the office's morning sweep would run."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def received(user, category=None):
    notices = Notification.objects.filter(recipient=user)
    if category:
        notices = notices.filter(category=category)
    return list(notices.values_list("key", flat=True))


@pytest.fixture
def milestone(cast):
    """Task led by 市住建局 with 市应急管理局 co-responsible, one milestone due on DUE."""
    task = make_task(lead=cast.zhujian_unit, co=[cast.yingji_unit], title="城市安全风险评估")
    return MilestoneFactory(task=task, due_on=DUE, text="2026年6月底前完成评估。")


@pytest.mark.parametrize(
    "days_left, stage",
    [
        (8, None),
        (7, "remind-7"),
        (4, "remind-7"),
        (3, "remind-3"),
        (2, "remind-3"),
        (1, "remind-1"),
        (0, "remind-1"),
        (-1, None),
    ],
)
def test_each_day_before_the_due_date_falls_in_one_reminder_stage(days_left, stage):
    assert reminder_stage(days_left) == stage


@pytest.mark.django_db
def test_staff_of_every_unit_on_the_task_are_reminded_seven_three_and_one_day_before(
    cast, milestone
):
    results = [sweep(now=at(DUE - days(n))).as_dict()["reminders"] for n in (8, 7, 6, 3, 2, 1, 0)]

    assert results == [0, 1, 0, 1, 0, 1, 0]
    stages = ["remind-7", "remind-3", "remind-1"]
    expected = [f"tasks.milestone:{milestone.pk}:{s}:{DUE.isoformat()}" for s in stages]
    assert sorted(received(cast.zhujian)) == sorted(expected)
    assert sorted(received(cast.yingji)) == sorted(expected)
    # Leaders are not nagged while their unit has staff; the office is not reminded of it.
    assert received(cast.zhujian_lead) == []
    assert received(cast.office) == []
    assert SupervisionNotice.objects.count() == 0


@pytest.mark.django_db
def test_a_missed_reminder_stage_is_not_sent_late(cast, milestone):
    """First seen two days before: only the 3-day stage applies; the 7-day one is not back-filled."""
    assert sweep(now=at(DUE - days(2))).reminders == 1

    assert list(DeadlineEvent.objects.values_list("stage", flat=True)) == ["remind-3"]


@pytest.mark.django_db
def test_the_day_after_the_due_date_the_lead_units_leader_gets_a_notice_copied_to_the_office(
    cast, milestone
):
    sweep(now=at(DUE, hour=23))
    assert SupervisionNotice.objects.count() == 0  # the due date itself is not late

    result = sweep(now=at(DUE + days(1), hour=0))

    assert result.as_dict() == {
        "reminders": 0,
        "overdue": 1,
        "notices": 1,
        "escalations": 0,
        "recurrences": 0,
    }
    notice = SupervisionNotice.objects.get()
    assert notice.unit == cast.zhujian_unit
    assert notice.co_unit_names == "市应急管理局"
    assert notice.due_on == DUE
    assert notice.issued_on == DUE + days(1)
    assert notice.state == NoticeState.ISSUED
    assert notice.number == f"城安督〔{DUE.year}〕1号"
    assert (notice.content_type.model_class(), notice.object_id) == (Milestone, milestone.pk)
    key = f"tasks.milestone:{milestone.pk}:overdue:{DUE.isoformat()}"
    assert received(cast.zhujian_lead, "supervision-notice") == [key]
    assert received(cast.office, "supervision-notice") == [key]
    assert received(cast.zhujian, "supervision-notice") == []


@pytest.mark.django_db
def test_the_response_is_due_in_five_working_days_counting_holidays_and_make_up_days(cast):
    """Issued Wednesday 2026-09-30: 10-01..07 are the National Day holiday and Saturday 10-10
    a make-up working day, so the five working days are 10-08, 10-09, 10-10, 10-12, 10-13."""
    task = make_task(lead=cast.zhujian_unit)
    MilestoneFactory(task=task, due_on=datetime.date(2026, 9, 29))

    sweep(now=at(datetime.date(2026, 9, 30)))

    assert SupervisionNotice.objects.get().response_due_on == datetime.date(2026, 10, 13)


@pytest.mark.django_db
def test_a_done_milestone_is_neither_reminded_nor_overdue(cast, milestone):
    ProgressReportFactory(
        milestone=milestone,
        unit=cast.zhujian_unit,
        author=cast.zhujian,
        approved=True,
        completes=True,
    )
    # Approved "now" (2026-11 or later in real time) — so sweep after that date.
    today = timezone.localdate()
    milestone.due_on = today + days(3)
    milestone.save()

    assert sweep(now=at(today)).as_dict()["reminders"] == 0
    assert sweep(now=at(today + days(10))).as_dict()["overdue"] == 0
    assert SupervisionNotice.objects.count() == 0


@pytest.mark.django_db
def test_a_co_unit_that_reported_its_share_complete_is_no_longer_reminded(cast, milestone):
    today = timezone.localdate()
    milestone.due_on = today + days(3)
    milestone.save()
    ProgressReportFactory(
        milestone=milestone,
        unit=cast.yingji_unit,
        author=cast.yingji,
        approved=True,
        completes=True,
    )

    sweep(now=at(today))

    assert received(cast.zhujian) != []
    assert received(cast.yingji) == []


@pytest.mark.django_db
def test_a_task_without_units_is_marked_overdue_and_the_office_told_without_a_notice(cast):
    task = make_task(lead=None, title="加强组织领导")
    MilestoneFactory(task=task, due_on=DUE)

    result = sweep(now=at(DUE + days(1)))

    assert (result.overdue, result.notices) == (1, 0)
    assert len(received(cast.office, "deadline-overdue")) == 1


@pytest.mark.django_db
def test_a_notice_still_open_after_the_grace_period_is_escalated_for_an_interview(
    cast, milestone, settings
):
    settings.DEADLINE_GRACE_DAYS = 15
    sweep(now=at(DUE + days(1)))
    notice = SupervisionNotice.objects.get()

    assert sweep(now=at(notice.issued_on + days(14))).escalations == 0
    result = sweep(now=at(notice.issued_on + days(15)))

    assert result.escalations == 1
    notice.refresh_from_db()
    assert notice.interview_required and notice.escalated_at is not None
    assert notice.state == NoticeState.ISSUED  # escalation does not close or answer it
    key = f"tasks.milestone:{milestone.pk}:escalate:{DUE.isoformat()}"
    assert received(cast.office, "supervision-escalation") == [key]
    assert received(cast.zhujian_lead, "supervision-escalation") == [key]
    assert sweep(now=at(notice.issued_on + days(30))).escalations == 0


@pytest.mark.django_db
def test_the_office_leadership_receives_escalations_when_it_is_recorded(cast, milestone):
    from responsibilities.models import Membership
    from tests.responsibilities.factories import grant_global_role

    director = UserFactory(username="t-office-director")
    grant_global_role(director, "office")
    MembershipFactory(user=director, unit=cast.office_unit, role=Membership.Role.LEADER)
    sweep(now=at(DUE + days(1)))

    sweep(now=at(DUE + days(20)))

    assert len(received(director, "supervision-escalation")) == 1
    assert received(cast.office, "supervision-escalation") == []  # the leadership, not all
    assert len(received(cast.office, "supervision-notice")) == 1  # copies go to every office user


@pytest.mark.django_db
def test_a_closed_notice_or_a_milestone_done_meanwhile_is_not_escalated(cast, settings):
    task = make_task(lead=cast.zhujian_unit)
    closed = MilestoneFactory(task=task, due_on=DUE)
    finished = MilestoneFactory(task=task, due_on=DUE)
    sweep(now=at(DUE + days(1)))
    SupervisionNotice.objects.filter(object_id=closed.pk).update(state=NoticeState.CLOSED)
    report = ProgressReportFactory(
        milestone=finished,
        unit=cast.zhujian_unit,
        author=cast.zhujian,
        approved=True,
        completes=True,
    )
    ProgressReport = type(report)
    ProgressReport.objects.filter(pk=report.pk).update(
        reviewed_at=at(DUE + days(5)), state=ReportState.APPROVED
    )

    assert sweep(now=at(DUE + days(20))).escalations == 0


@pytest.mark.django_db
def test_a_repeated_sweep_sends_nothing_twice(cast, milestone):
    first = sweep(now=at(DUE + days(1)))
    notifications = Notification.objects.count()

    again = sweep(now=at(DUE + days(1), hour=10))

    assert first.overdue == 1
    assert again.as_dict() == dict.fromkeys(first.as_dict(), 0)
    assert Notification.objects.count() == notifications
    assert DeadlineEvent.objects.filter(stage="overdue").count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_event_with_the_same_key(cast, milestone):
    from django.db import IntegrityError, transaction

    sweep(now=at(DUE + days(1)))
    event = DeadlineEvent.objects.get(stage="overdue")
    event.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        event.save()


@pytest.mark.django_db
def test_a_changed_due_date_is_a_new_deadline(cast, milestone):
    """The key holds the due date: an extended milestone is reminded and supervised anew."""
    sweep(now=at(DUE + days(1)))
    milestone.due_on = DUE + days(30)
    milestone.save()

    assert sweep(now=at(DUE + days(27))).reminders == 1
    assert sweep(now=at(DUE + days(31))).notices == 1
    assert SupervisionNotice.objects.count() == 2


@pytest.mark.django_db
def test_recurring_milestones_get_their_next_occurrence_when_the_period_passes(cast):
    """每年4月和11月: the April occurrence passing brings November's, once."""
    task = make_task(lead=cast.zhujian_unit)
    head = MilestoneFactory(task=task, due_on=datetime.date(2026, 4, 30), recurrence_months=[4, 11])

    assert sweep(now=at(datetime.date(2026, 4, 30))).recurrences == 0
    assert sweep(now=at(datetime.date(2026, 5, 1))).recurrences == 1
    assert sweep(now=at(datetime.date(2026, 5, 1), hour=10)).recurrences == 0

    occurrence = Milestone.objects.get(series=head)
    assert occurrence.due_on == datetime.date(2026, 11, 30)
    assert (occurrence.task, occurrence.text) == (head.task, head.text)


@pytest.mark.django_db
def test_a_recurring_milestone_catches_up_every_missed_period(cast):
    task = make_task(lead=cast.zhujian_unit)
    head = MilestoneFactory(task=task, due_on=datetime.date(2024, 3, 31), recurrence_months=[3])

    assert sweep(now=at(datetime.date(2026, 1, 5))).recurrences == 2

    dues = sorted(Milestone.objects.filter(series=head).values_list("due_on", flat=True))
    assert dues == [datetime.date(2025, 3, 31), datetime.date(2026, 3, 31)]


@pytest.mark.django_db
def test_a_recurring_milestone_done_early_brings_the_next_one_at_once(cast):
    today = timezone.localdate()
    task = make_task(lead=cast.zhujian_unit)
    head = MilestoneFactory(
        task=task, due_on=datetime.date(today.year + 1, 3, 31), recurrence_months=[3]
    )
    ProgressReportFactory(
        milestone=head, unit=cast.zhujian_unit, author=cast.zhujian, approved=True, completes=True
    )

    assert sweep(now=at(today)).recurrences == 1
    assert Milestone.objects.get(series=head).due_on == datetime.date(today.year + 2, 3, 31)


@pytest.mark.django_db
def test_a_report_waiting_for_its_leader_reminds_the_leader_then_is_overdue(cast, milestone):
    report = ProgressReportFactory(
        milestone=milestone, unit=cast.zhujian_unit, author=cast.zhujian, submitted=True
    )
    submitted = timezone.localdate(report.submitted_at)

    sweep(now=at(submitted))
    later = sweep(now=at(submitted + days(20)))

    stages = list(
        DeadlineEvent.objects.filter(source="tasks.report-confirm")
        .order_by("occurred_at")
        .values_list("stage", flat=True)
    )
    assert len(stages) == 2 and stages[0].startswith("remind-") and stages[1] == "overdue"
    assert later.notices == 0  # a workflow step, not the directive's date: no 督办单
    assert any("report-confirm" in key for key in received(cast.zhujian_lead))
    assert not any("report-confirm" in key for key in received(cast.zhujian))


@pytest.mark.django_db
def test_a_confirmed_report_reminds_the_office_to_review_it(cast, milestone):
    report = ProgressReportFactory(
        milestone=milestone, unit=cast.zhujian_unit, author=cast.zhujian, confirmed=True
    )

    sweep(now=at(timezone.localdate(report.confirmed_at) + days(5)))

    assert any("report-review" in key for key in received(cast.office))

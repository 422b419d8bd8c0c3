"""The task ledger's demo: seed_demo imports Shouguang (dates shifted, labelled 演示数据) and
files reports in every state through the report services; a second run changes nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from portal.notifications.models import Notification
from responsibilities.demo import seed_demo
from responsibilities.reference import load_reference
from tasks.choices import Light, ReportAction, ReportState
from tasks.demo import ISSUED_DAYS_AGO, SHOUGUANG, demo_shift_days
from tasks.models import (
    Assignment,
    Directive,
    Milestone,
    ProgressReport,
    ReportEvidence,
    ReportStep,
    Task,
)
from tasks.parsing import read_directive_file
from tasks.selectors import tasks_with_status
from tasks.services.directives import directive_import

pytestmark = pytest.mark.django_db

DEMO_MODELS = (Directive, Task, Assignment, Milestone, ProgressReport, ReportEvidence, ReportStep)


@pytest.fixture
def seeded(db):
    seed_demo()
    return Directive.objects.get()


def _snapshot() -> dict[str, object]:
    counts: dict[str, object] = {"notifications": Notification.objects.count()}
    for model in DEMO_MODELS:
        counts[model.__name__] = model.objects.count()
        counts[f"{model.__name__} history"] = model.history.count()
    counts["reports"] = sorted(
        ProgressReport.objects.values_list("pk", "state", "value", "updated_at")
    )
    counts["due dates"] = sorted(Milestone.objects.values_list("pk", "due_on"))
    return counts


def _lights(directive) -> dict[str, Light]:
    return {t.number: t.light for t in tasks_with_status(Task.objects.filter(directive=directive))}


def test_seed_demo_imports_shouguang_as_a_demo_directive_issued_60_days_ago(seeded):
    today = timezone.localdate()

    assert seeded.is_demo
    assert seeded.title == "关于推进全市城市安全发展的实施意见"
    assert seeded.tasks.count() == 34
    assert ISSUED_DAYS_AGO == 60
    assert seeded.issued_on == today - datetime.timedelta(days=60)
    # Every due date moved by the same days: the e-bike sheds, due 2019-08-31 as written.
    shed = Milestone.objects.get(task__directive=seeded, task__number="18")
    assert shed.due_on == datetime.date(2019, 8, 31) + datetime.timedelta(days=demo_shift_days())
    assert shed.target_value == 470
    assert set(shed.task.assignments.values_list("unit__name", flat=True)) >= {
        "市应急管理局",
        "市住建局",
    }


def test_the_demo_shows_done_due_soon_overdue_on_track_and_not_started_tasks(seeded):
    lights = _lights(seeded)

    assert lights["4"] == Light.DONE  # 市住建局 completed it, approved before the date
    assert lights["8"] == Light.DUE_SOON  # due in 5 days
    assert lights["15"] == Light.OVERDUE  # April's 排查, partly reported, 56 days late
    assert lights["18"] == Light.ON_TRACK  # 120 of 470 sheds approved
    assert lights["1"] == Light.NOT_STARTED


def test_the_demo_reports_stand_in_every_state_with_their_steps(seeded):
    reports = ProgressReport.objects.filter(milestone__task__directive=seeded)
    states = {(r.milestone.task.number, r.unit.name): r for r in reports}

    assert {r.state for r in reports} == set(ReportState.values)
    shed = states[("18", "市应急管理局")]
    assert shed.state == ReportState.APPROVED and shed.value == Decimal(120)
    assert shed.author.username == "yingji" and shed.confirmed_by.username == "yingji-lead"
    assert shed.evidence.get().content_type == "application/pdf"
    draft = reports.get(state=ReportState.DRAFT)
    assert (draft.milestone.task.number, draft.author.username) == ("16", "zhujian")
    submitted = reports.get(state=ReportState.SUBMITTED)
    assert (submitted.milestone.task.number, submitted.confirmed_by) == ("30", None)
    confirmed = reports.get(state=ReportState.CONFIRMED)
    assert (confirmed.milestone.task.number, confirmed.confirmed_by.username) == (
        "10",
        "zhujian-lead",
    )
    returned = reports.get(state=ReportState.RETURNED)
    assert returned.author.username == "zhujian" and returned.reviewed_by.username == "office"
    assert returned.review_comment and returned.steps.last().comment == returned.review_comment
    done = states[("4", "市住建局")]
    assert done.completes and [s.action for s in done.steps.all()] == [
        ReportAction.CREATE,
        ReportAction.SUBMIT,
        ReportAction.CONFIRM,
        ReportAction.APPROVE,
    ]
    # The next person was told in-app: zhujian-lead about the submitted report.
    assert Notification.objects.filter(
        recipient__username="zhujian-lead", link=submitted.get_absolute_url()
    ).exists()


def test_only_work_still_waiting_is_unread_on_the_demo_workbenches(seeded):
    submitted = ProgressReport.objects.get(state=ReportState.SUBMITTED)
    confirmed = ProgressReport.objects.get(state=ReportState.CONFIRMED)
    returned = ProgressReport.objects.get(state=ReportState.RETURNED)

    def unread(username):
        return set(
            Notification.objects.filter(
                recipient__username=username, read_at__isnull=True, link__startswith="/tasks/"
            ).values_list("link", flat=True)
        )

    assert unread("zhujian-lead") == {submitted.get_absolute_url()}
    assert unread("office") == {confirmed.get_absolute_url()}
    assert returned.get_absolute_url() in unread("zhujian")


def test_a_second_seed_changes_nothing(seeded):
    before = _snapshot()

    counts = seed_demo()

    assert _snapshot() == before
    assert counts["created"] == 0 and counts["updated"] == 0


def test_a_later_seed_keeps_the_first_shift(seeded, monkeypatch):
    issued_on = seeded.issued_on
    later = timezone.localdate() + datetime.timedelta(days=10)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: later)

    seed_demo()

    assert Directive.objects.get().issued_on == issued_on


def test_demo_reports_never_go_onto_the_directive_imported_for_real(db):
    load_reference()
    directive = directive_import(actor=None, text=read_directive_file(SHOUGUANG))

    seed_demo()

    directive.refresh_from_db()
    assert not directive.is_demo and directive.issued_on == datetime.date(2019, 4, 26)
    assert Directive.objects.count() == 1
    assert not ProgressReport.objects.exists()

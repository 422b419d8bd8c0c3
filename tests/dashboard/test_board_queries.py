"""The dashboard costs the same number of queries at any size: 10 or 10,000 hazards, 10 or
1,000 tasks, 督办单, risk points, plans and stockpiles — for the office and for a township."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from emergency.models import Plan, Stockpile
from hazards.choices import HazardGrade, HazardState
from hazards.models import Hazard
from portal.supervision.models import SupervisionNotice
from risks.choices import RiskLevel
from risks.models import RiskPoint
from tasks.choices import AssignmentRole
from tasks.models import Assignment, Milestone, Task
from tests.dashboard.board_data import build_city
from tests.emergency.factories import PlanFactory, StockpileFactory
from tests.hazards.factories import HazardFactory
from tests.querycount import assert_constant_queries
from tests.risks.factories import RiskPointFactory
from tests.supervision.factories import SupervisionNoticeFactory
from tests.tasks.factories import TaskFactory

pytestmark = pytest.mark.django_db

INDEX = reverse("dashboard:index")
TODAY = timezone.localdate()
STATES = itertools.cycle(HazardState.values)
GRADES = itertools.cycle(HazardGrade.values)
LEVELS = itertools.cycle([*RiskLevel.values, ""])


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def top_up(model, n: int, build) -> None:
    """Bring ``model``'s rows up to ``n`` with ``build(i)`` (an unsaved instance each)."""
    missing = n - model.objects.count()
    if missing > 0:
        model.objects.bulk_create((build(i) for i in range(missing)), batch_size=1000)


def shown_hazards(response) -> int:
    return sum(f.value for f in response.context["board"].hazards.by_state)


@pytest.mark.parametrize("who", ["office", "houzhen"])
def test_the_dashboard_costs_the_same_queries_for_10_and_10000_hazards(client, cast, who):
    build_city(cast)
    townships = [cast.houzhen_unit, cast.yangkou_unit]
    user = getattr(cast, who)
    client.force_login(user)
    client.get(INDEX)  # the session, the scope: warm

    def grow(n):
        top_up(
            Hazard,
            n,
            lambda i: HazardFactory.build(
                township=townships[i % 2],
                state=next(STATES),
                grade=next(GRADES),
                responsible_unit=cast.zhujian_unit,
                deadline=days(i % 60 - 30),
            ),
        )

    def fetch():
        response = client.get(INDEX)
        assert response.status_code == 200
        visible = Hazard.objects.all()
        if who == "houzhen":
            visible = visible.filter(township=cast.houzhen_unit)
        assert shown_hazards(response) == visible.count()
        return response

    assert_constant_queries(grow, fetch, sizes=(10, 10_000))


@pytest.mark.parametrize("who", ["office", "houzhen"])
def test_the_dashboard_costs_the_same_queries_for_10_and_1000_of_everything_else(client, cast, who):
    directive, tasks = build_city(cast)
    sections = [tasks["overdue"].section, tasks["done"].section]
    units = [cast.zhujian_unit, cast.yingji_unit, cast.houzhen_unit]
    townships = [cast.houzhen_unit, cast.yangkou_unit]
    user = getattr(cast, who)
    client.force_login(user)
    client.get(INDEX)

    def grow_tasks(n):
        missing = n - Task.objects.count()
        if missing <= 0:
            return
        made = Task.objects.bulk_create(
            TaskFactory.build(directive=directive, section=sections[i % 2], lead_unit=units[i % 3])
            for i in range(missing)
        )
        Assignment.objects.bulk_create(
            Assignment(task=task, unit=task.lead_unit, role=AssignmentRole.LEAD) for task in made
        )
        Milestone.objects.bulk_create(
            Milestone(task=task, text="按期完成。", due_on=days(i % 40 - 20))
            for i, task in enumerate(made)
        )

    def grow(n):
        grow_tasks(n)
        top_up(
            SupervisionNotice,
            n,
            lambda i: SupervisionNoticeFactory.build(
                unit=units[i % 3], issued_on=days(-(i % 30)), interview_required=i % 7 == 0
            ),
        )
        top_up(
            RiskPoint,
            n,
            lambda i: RiskPointFactory.build(
                township=townships[i % 2], responsible_unit=units[i % 3], level=next(LEVELS)
            ),
        )
        top_up(
            Plan,
            n,
            lambda i: PlanFactory.build(
                owner_unit=units[i % 3], drill_due=days(i % 20 - 10), evaluation_due=days(i % 9)
            ),
        )
        top_up(
            Stockpile,
            n,
            lambda i: StockpileFactory.build(
                owner_unit=units[i % 3], quantity=i % 20, expires_on=days(i % 50 - 10)
            ),
        )

    def fetch():
        response = client.get(INDEX)
        assert response.status_code == 200
        board = response.context["board"]
        if who == "office":
            assert sum(f.value for f in board.tasks.lights) == Task.objects.count()
            assert (
                board.supervision.open_total.value
                == SupervisionNotice.objects.exclude(state="closed").count()
            )
        return response

    assert_constant_queries(grow, fetch, sizes=(10, 1000))

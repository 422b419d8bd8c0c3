"""Emergency preparedness in the deadline sweep: a plan's drills and evaluations remind its
owner unit and, once missed, bring a 督办单 to the unit's leaders; stock reaching its expiry
reminds the owner unit and is reported overdue without a 督办单. Sweeps travel in time: the
dates are those of 2019–2023, the plan as it stood on the sweep's date."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from emergency import services
from emergency.choices import PlanType
from emergency.deadlines import DRILL, PLAN_EVALUATION, STOCK_EXPIRY
from emergency.models import Plan, StockMovement, Stockpile
from portal.deadlines import sweep
from portal.notifications.models import Notification
from portal.supervision.models import DeadlineEvent, SupervisionNotice, event_key
from tests.emergency.factories import PlanFactory, StockpileFactory
from tests.querycount import count_queries

pytestmark = pytest.mark.django_db

D = datetime.date
ZERO = {"reminders": 0, "overdue": 0, "notices": 0, "escalations": 0, "recurrences": 0}


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def events(source: str) -> list[tuple]:
    return list(
        DeadlineEvent.objects.filter(source=source)
        .order_by("due_on", "stage")
        .values_list("object_id", "stage", "due_on")
    )


def recipients(key: str) -> set[int]:
    return set(Notification.objects.filter(key=key).values_list("recipient", flat=True))


def a_plan(cast, **fields):
    """市住建局's comprehensive plan issued 2019-01-10: first drill due 2020-01-10, first
    evaluation due 2022-01-10."""
    values = {"owner_unit": cast.zhujian_unit, "issued_on": D(2019, 1, 10)}
    values.update(fields)
    return PlanFactory(**values)


def drill(cast, plan, held_on):
    return services.drill_record(
        actor=cast.zhujian,
        plan=plan,
        title="综合应急演练",
        held_on=held_on,
        form="live",
        scale="department",
    )


# --- drills -------------------------------------------------------------------------------------


def test_the_owner_unit_is_reminded_a_week_before_a_drill_falls_due(cast):
    plan = a_plan(cast)

    result = sweep(now=at(D(2020, 1, 3)))

    assert result.as_dict() == {**ZERO, "reminders": 1}
    assert events(DRILL) == [(plan.pk, "remind-7", D(2020, 1, 10))]
    key = event_key(DRILL, plan.pk, "remind-7", D(2020, 1, 10))
    assert recipients(key) == {cast.zhujian.pk}
    assert plan.title in Notification.objects.get(key=key).title


def test_a_missed_drill_is_overdue_with_a_supervision_notice_to_the_unit_leaders(cast):
    plan = a_plan(cast)

    result = sweep(now=at(D(2020, 1, 11)))

    assert result.as_dict() == {**ZERO, "overdue": 1, "notices": 1}
    notice = SupervisionNotice.objects.get()
    assert (notice.source, notice.object_id, notice.unit, notice.due_on) == (
        DRILL,
        plan.pk,
        cast.zhujian_unit,
        D(2020, 1, 10),
    )
    assert "演练" in notice.item_title
    key = event_key(DRILL, plan.pk, "overdue", D(2020, 1, 10))
    assert cast.zhujian_lead.pk in recipients(key)
    assert cast.office.pk in recipients(key)
    assert sweep(now=at(D(2020, 1, 11))).as_dict() == ZERO
    assert sweep(now=at(D(2020, 1, 12))).as_dict() == ZERO


def test_a_drill_held_on_the_due_day_is_on_time(cast):
    plan = a_plan(cast)
    drill(cast, plan, D(2020, 1, 10))

    assert sweep(now=at(D(2020, 1, 11))).as_dict() == ZERO
    assert events(DRILL) == []


def test_a_drill_moves_the_next_due_date_a_cycle_on(cast):
    plan = a_plan(cast)
    drill(cast, plan, D(2019, 6, 20))

    assert sweep(now=at(D(2020, 1, 11))).as_dict() == ZERO
    sweep(now=at(D(2020, 6, 19)))

    assert events(DRILL) == [(plan.pk, "remind-1", D(2020, 6, 20))]


def test_an_onsite_procedure_falls_due_half_a_year_after_its_issue(cast):
    plan = a_plan(cast, plan_type=PlanType.ONSITE, issued_on=D(2019, 8, 31))

    sweep(now=at(D(2020, 2, 28)))

    assert events(DRILL) == [(plan.pk, "remind-1", D(2020, 2, 29))]


def test_a_drill_held_late_ends_the_overdue_item_so_its_notice_is_not_escalated(cast):
    held = a_plan(cast)
    stuck = a_plan(cast, title="寿光市防汛应急预案")
    assert sweep(now=at(D(2020, 1, 11))).as_dict()["notices"] == 2
    drill(cast, held, D(2020, 1, 20))

    result = sweep(now=at(D(2020, 1, 27)))

    assert result.as_dict()["escalations"] == 1
    assert SupervisionNotice.objects.get(escalated_at__isnull=False).object_id == stuck.pk


def test_a_sweep_at_a_past_date_does_not_count_a_drill_held_after_it(cast):
    plan = a_plan(cast)
    drill(cast, plan, D(2020, 3, 1))

    assert sweep(now=at(D(2020, 1, 9))).as_dict()["reminders"] == 1
    assert events(DRILL) == [(plan.pk, "remind-1", D(2020, 1, 10))]


def test_a_sweep_before_a_plan_is_issued_leaves_it_out(cast):
    a_plan(cast, issued_on=D(2019, 1, 10))

    assert sweep(now=at(D(2019, 1, 5))).as_dict() == ZERO


# --- evaluations --------------------------------------------------------------------------------


def evaluated_plan(cast, **fields):
    """A plan issued 2017-01-10 (evaluation due 2020-01-10), drilled so its drills are not due."""
    plan = a_plan(cast, issued_on=D(2017, 1, 10), **fields)
    drill(cast, plan, D(2019, 12, 1))
    plan.refresh_from_db()
    return plan


def test_the_owner_unit_is_reminded_before_a_plan_falls_due_for_evaluation(cast):
    plan = evaluated_plan(cast)

    sweep(now=at(D(2020, 1, 8)))

    assert events(PLAN_EVALUATION) == [(plan.pk, "remind-3", D(2020, 1, 10))]
    key = event_key(PLAN_EVALUATION, plan.pk, "remind-3", D(2020, 1, 10))
    assert recipients(key) == {cast.zhujian.pk}


def test_an_evaluation_missed_by_three_years_brings_a_supervision_notice(cast):
    plan = evaluated_plan(cast)

    result = sweep(now=at(D(2020, 1, 11)))

    assert result.as_dict() == {**ZERO, "overdue": 1, "notices": 1}
    notice = SupervisionNotice.objects.get()
    assert (notice.source, notice.object_id, notice.due_on) == (
        PLAN_EVALUATION,
        plan.pk,
        D(2020, 1, 10),
    )
    assert "评估" in notice.item_title


def test_an_evaluation_on_the_due_day_is_on_time_and_restarts_the_three_years(cast):
    plan = evaluated_plan(cast)
    services.plan_evaluate(
        actor=cast.zhujian, plan=plan, evaluated_on=D(2020, 1, 10), conclusion="预案适用"
    )

    assert sweep(now=at(D(2020, 1, 11))).as_dict() == ZERO
    sweep(now=at(D(2023, 1, 9)))
    assert (plan.pk, "remind-1", D(2023, 1, 10)) in events(PLAN_EVALUATION)


def test_an_evaluation_recorded_late_ends_the_item(cast):
    plan = evaluated_plan(cast)
    assert sweep(now=at(D(2020, 1, 11))).as_dict()["notices"] == 1
    services.plan_evaluate(
        actor=cast.zhujian, plan=plan, evaluated_on=D(2020, 1, 15), conclusion="预案适用"
    )

    assert sweep(now=at(D(2020, 2, 1))).as_dict() == ZERO


def test_a_revised_plan_is_evaluated_from_its_own_issue_date_and_the_old_version_drops_out(cast):
    plan = evaluated_plan(cast)
    revised = services.plan_revise(
        actor=cast.zhujian, plan=plan, version="2.0", issued_on=D(2019, 12, 1)
    )
    drill(cast, revised, D(2019, 12, 2))

    assert sweep(now=at(D(2020, 1, 11))).as_dict() == ZERO
    sweep(now=at(D(2022, 11, 30)))
    assert events(PLAN_EVALUATION) == [(revised.pk, "remind-1", D(2022, 12, 1))]


def test_a_withdrawn_plan_has_nothing_due(cast):
    plan = evaluated_plan(cast)
    services.plan_withdraw(actor=cast.zhujian, plan=plan, reason="机构改革，职责划转")

    assert sweep(now=at(D(2020, 1, 11))).as_dict() == ZERO
    assert sweep(now=at(D(2021, 1, 11))).as_dict() == ZERO


# --- stock expiry -------------------------------------------------------------------------------


def test_stock_reaching_its_expiry_reminds_the_owner_unit(cast):
    stockpile = StockpileFactory(owner_unit=cast.zhujian_unit, expires_on=D(2020, 6, 30))

    sweep(now=at(D(2020, 6, 27)))

    assert events(STOCK_EXPIRY) == [(stockpile.pk, "remind-3", D(2020, 6, 30))]
    assert recipients(event_key(STOCK_EXPIRY, stockpile.pk, "remind-3", D(2020, 6, 30))) == {
        cast.zhujian.pk
    }


def test_expired_stock_is_reported_overdue_to_the_owner_unit_without_a_notice(cast):
    stockpile = StockpileFactory(owner_unit=cast.zhujian_unit, expires_on=D(2020, 6, 30))

    result = sweep(now=at(D(2020, 7, 1)))

    assert result.as_dict() == {**ZERO, "overdue": 1}
    assert not SupervisionNotice.objects.exists()
    told = recipients(event_key(STOCK_EXPIRY, stockpile.pk, "overdue", D(2020, 6, 30)))
    assert {cast.zhujian.pk, cast.office.pk} <= told
    assert sweep(now=at(D(2020, 7, 2))).as_dict() == ZERO


def test_replaced_stock_with_a_new_expiry_date_falls_due_again(cast):
    stockpile = StockpileFactory(owner_unit=cast.zhujian_unit, expires_on=D(2020, 6, 30))
    sweep(now=at(D(2020, 7, 1)))
    services.stockpile_save(actor=cast.zhujian, instance=stockpile, expires_on=D(2022, 6, 30))

    assert sweep(now=at(D(2020, 7, 2))).as_dict() == ZERO
    assert sweep(now=at(D(2022, 7, 1))).as_dict()["overdue"] == 1


def test_an_empty_stockpile_has_no_expiry_to_remind(cast):
    StockpileFactory(
        owner_unit=cast.zhujian_unit,
        expires_on=D(2020, 6, 30),
        quantity=Decimal("0"),
    )

    assert sweep(now=at(D(2020, 6, 29))).as_dict() == ZERO


# --- scale --------------------------------------------------------------------------------------


def test_the_sweep_reads_plans_and_stock_in_the_same_number_of_queries_at_any_size(cast):
    def world(n):
        for model in (SupervisionNotice, DeadlineEvent, Notification, StockMovement, Stockpile):
            model.objects.all().delete()
        Plan.objects.all().delete()
        for _ in range(n):
            a_plan(cast)
            StockpileFactory(owner_unit=cast.zhujian_unit, expires_on=D(2020, 1, 12))
        return count_queries(lambda: sweep(now=at(D(2020, 1, 11))))

    world(1)  # caches warm (content types, the workday calendar, the notice counter)
    small, result, _ = world(2)
    assert result.as_dict() == {**ZERO, "reminders": 2, "overdue": 2, "notices": 2}
    large, result, _ = world(30)
    assert result.as_dict() == {**ZERO, "reminders": 30, "overdue": 30, "notices": 30}
    assert large == small

"""Drills through ``drill_record``: the plan's last drill and next drill due follow its latest
drill, whatever order drills are recorded or corrected in; scope and dates are checked."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from emergency import services
from emergency.choices import PlanState, PlanType
from emergency.models import Drill
from tests.emergency.factories import DrillFactory, PlanFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def a_plan(cast, **fields):
    values = {"owner_unit": cast.zhujian_unit, "issued_on": D(2019, 1, 10)}
    values.update(fields)
    return PlanFactory(**values)


def record(cast, plan, held_on, actor=None, **fields):
    values = {
        "plan": plan,
        "title": "建筑施工坍塌事故应急演练",
        "held_on": held_on,
        "form": "live",
        "scale": "department",
    }
    values.update(fields)
    return services.drill_record(actor=actor or cast.zhujian, **values)


def test_a_drill_sets_the_plans_last_drill_and_next_due_date(cast):
    plan = a_plan(cast)
    drill = record(cast, plan, D(2019, 6, 20), participants=45)
    plan.refresh_from_db()

    assert (drill.organiser, drill.recorded_by, drill.participants) == (
        cast.zhujian_unit,
        cast.zhujian,
        45,
    )
    assert (plan.last_drill_on, plan.drill_due) == (D(2019, 6, 20), D(2020, 6, 20))


def test_an_older_drill_recorded_later_does_not_move_the_due_date_back(cast):
    plan = a_plan(cast)
    record(cast, plan, D(2019, 6, 20))
    record(cast, plan, D(2019, 3, 1))
    plan.refresh_from_db()

    assert plan.drill_due == D(2020, 6, 20)


def test_correcting_the_latest_drills_date_moves_the_due_date(cast):
    plan = a_plan(cast)
    record(cast, plan, D(2019, 3, 1))
    latest = record(cast, plan, D(2019, 6, 20))
    services.drill_record(actor=cast.zhujian, instance=latest, held_on=D(2019, 2, 1))
    plan.refresh_from_db()

    assert (plan.last_drill_on, plan.drill_due) == (D(2019, 3, 1), D(2020, 3, 1))


def test_moving_a_drill_to_another_plan_updates_both_plans(cast):
    first, second = a_plan(cast), a_plan(cast, plan_type=PlanType.ONSITE)
    drill = record(cast, first, D(2019, 6, 20))
    services.drill_record(actor=cast.zhujian, instance=drill, plan=second)
    first.refresh_from_db()
    second.refresh_from_db()

    assert (first.last_drill_on, first.drill_due) == (None, D(2020, 1, 10))
    assert (second.last_drill_on, second.drill_due) == (D(2019, 6, 20), D(2019, 12, 20))


def test_participating_units_are_kept_until_given_again(cast):
    plan = a_plan(cast)
    drill = record(
        cast, plan, D(2019, 6, 20), participating_units=[cast.yingji_unit, cast.houzhen_unit]
    )
    services.drill_record(actor=cast.zhujian, instance=drill, title="改名")
    assert set(drill.participating_units.all()) == {cast.yingji_unit, cast.houzhen_unit}

    services.drill_record(actor=cast.zhujian, instance=drill, participating_units=[])
    assert not drill.participating_units.exists()


def test_a_drill_cannot_precede_its_plan_or_lie_in_the_future(cast):
    plan = a_plan(cast)
    with pytest.raises(ValidationError) as exc:
        record(cast, plan, D(2018, 12, 31))
    assert "held_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        record(cast, plan, datetime.date.today() + datetime.timedelta(days=1))
    assert "held_on" in exc.value.message_dict
    assert not Drill.objects.exists()


def test_a_draft_plan_is_not_drilled(cast):
    plan = a_plan(cast, state=PlanState.DRAFT, issued_on=None)
    with pytest.raises(ValidationError) as exc:
        record(cast, plan, D(2019, 6, 20))
    assert "plan" in exc.value.message_dict


def test_a_drill_needs_its_form_and_scale(cast):
    with pytest.raises(ValidationError) as exc:
        record(cast, a_plan(cast), D(2019, 6, 20), form="", scale="huge")
    assert {"form", "scale"} <= set(exc.value.message_dict)


def test_a_unit_cannot_record_a_drill_of_a_plan_it_cannot_see(cast):
    plan = a_plan(cast, owner_unit=cast.yingji_unit)
    with pytest.raises(PermissionDenied):
        record(cast, plan, D(2019, 6, 20), organiser=cast.zhujian_unit)
    assert not Drill.objects.exists()


def test_bureau_staff_cannot_change_another_units_drill(cast):
    drill = DrillFactory(plan=a_plan(cast, owner_unit=cast.yingji_unit), held_on=D(2019, 6, 1))
    with pytest.raises(PermissionDenied):
        services.drill_record(actor=cast.zhujian, instance=drill, title="改")


def test_auditors_never_record_drills(cast):
    with pytest.raises(PermissionDenied):
        record(cast, a_plan(cast), D(2019, 6, 20), actor=cast.auditor)

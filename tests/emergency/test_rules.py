"""The date rules at their boundaries: how often a plan is drilled and evaluated, and the day
each falls due (the last day it may be done on)."""

import datetime

import pytest
from django.test import override_settings

from emergency import rules
from emergency.choices import PlanState, PlanType
from emergency.models import Plan
from responsibilities.models import Enterprise

D = datetime.date


def plan(plan_type=PlanType.COMPREHENSIVE, *, enterprise=None, **fields) -> Plan:
    """An unsaved plan in force: the rules read its fields only, never the database."""
    values = {"state": PlanState.IN_FORCE, "issued_on": D(2019, 8, 31)}
    values.update(fields)
    return Plan(plan_type=plan_type, enterprise=enterprise, **values)


def enterprise(**flags) -> Enterprise:
    return Enterprise(pk=1, name="寿光测试化工有限公司", **flags)


# --- the drill cycle ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "plan_type", [PlanType.COMPREHENSIVE, PlanType.SPECIAL, PlanType.DEPARTMENT]
)
def test_comprehensive_special_and_department_plans_are_drilled_yearly(plan_type):
    assert rules.drill_cycle_months(plan(plan_type)) == 12


def test_an_onsite_procedure_is_drilled_every_half_year():
    assert rules.drill_cycle_months(plan(PlanType.ONSITE)) == 6


def test_a_high_risk_enterprises_plan_is_drilled_every_half_year():
    assert rules.drill_cycle_months(plan(enterprise=enterprise(is_high_risk=True))) == 6


def test_a_crowded_place_enterprises_plan_is_drilled_every_half_year():
    special = plan(PlanType.SPECIAL, enterprise=enterprise(is_crowded_place=True))
    assert rules.drill_cycle_months(special) == 6


def test_an_ordinary_enterprises_comprehensive_plan_is_drilled_yearly():
    assert rules.drill_cycle_months(plan(enterprise=enterprise())) == 12


# --- the next drill -----------------------------------------------------------------------------


def test_without_a_drill_the_first_is_due_a_cycle_after_the_issue_date():
    assert rules.next_drill_due(plan(issued_on=D(2019, 3, 15)), None) == D(2020, 3, 15)


def test_the_next_drill_is_due_a_cycle_after_the_last_one():
    assert rules.next_drill_due(plan(), D(2020, 5, 10)) == D(2021, 5, 10)
    assert rules.next_drill_due(plan(PlanType.ONSITE), D(2020, 5, 10)) == D(2020, 11, 10)


def test_a_half_yearly_drill_from_the_end_of_august_is_due_at_the_end_of_february():
    onsite = plan(PlanType.ONSITE)
    assert rules.next_drill_due(onsite, D(2019, 8, 31)) == D(2020, 2, 29)  # leap year
    assert rules.next_drill_due(onsite, D(2020, 8, 31)) == D(2021, 2, 28)


def test_a_half_yearly_drill_from_the_end_of_december_is_due_at_the_end_of_june():
    assert rules.next_drill_due(plan(PlanType.ONSITE), D(2019, 12, 31)) == D(2020, 6, 30)


def test_a_yearly_drill_from_a_leap_day_is_due_on_the_last_of_february():
    assert rules.next_drill_due(plan(), D(2020, 2, 29)) == D(2021, 2, 28)


def test_a_drill_on_the_due_day_is_on_time_and_the_day_after_is_late():
    due = rules.next_drill_due(plan(issued_on=D(2019, 6, 1)), None)
    assert due == D(2020, 6, 1)
    assert not rules.is_late(D(2020, 6, 1), due)
    assert rules.is_late(D(2020, 6, 2), due)


@pytest.mark.parametrize("state", [PlanState.WITHDRAWN, PlanState.SUPERSEDED, PlanState.DRAFT])
def test_a_plan_not_in_force_has_no_due_dates(state):
    retired = plan(state=state, last_evaluated_on=D(2020, 1, 1))
    assert rules.next_drill_due(retired, D(2020, 1, 1)) is None
    assert rules.evaluation_due(retired) is None


def test_a_plan_never_issued_has_no_due_dates():
    unissued = plan(issued_on=None)
    assert rules.next_drill_due(unissued, None) is None
    assert rules.evaluation_due(unissued) is None


# --- the evaluation -----------------------------------------------------------------------------


def test_a_plan_is_first_evaluated_exactly_three_years_after_its_issue():
    assert rules.evaluation_due(plan(issued_on=D(2019, 4, 26))) == D(2022, 4, 26)


def test_the_next_evaluation_is_due_three_years_after_the_last():
    evaluated = plan(issued_on=D(2017, 1, 1), last_evaluated_on=D(2019, 11, 30))
    assert rules.evaluation_due(evaluated) == D(2022, 11, 30)


def test_an_evaluation_due_from_a_leap_day_falls_on_the_last_of_february():
    assert rules.evaluation_due(plan(issued_on=D(2020, 2, 29))) == D(2023, 2, 28)


@override_settings(PLAN_EVALUATION_YEARS=2)
def test_the_evaluation_interval_is_a_setting():
    assert rules.evaluation_due(plan(issued_on=D(2019, 4, 26))) == D(2021, 4, 26)


def test_a_revised_plan_restarts_both_cycles_from_its_own_issue_date():
    old = plan(issued_on=D(2016, 5, 1), last_evaluated_on=D(2019, 4, 1))
    revised = plan(issued_on=D(2020, 3, 1), supersedes=old)
    assert rules.evaluation_due(revised) == D(2023, 3, 1)
    assert rules.next_drill_due(revised, None) == D(2021, 3, 1)


# --- what the services store --------------------------------------------------------------------


def test_derive_dates_sets_the_stored_fields_from_the_rules():
    onsite = plan(PlanType.ONSITE, issued_on=D(2019, 8, 31), last_drill_on=D(2019, 10, 31))
    rules.derive_dates(onsite)
    assert (onsite.drill_cycle_months, onsite.drill_due, onsite.evaluation_due) == (
        6,
        D(2020, 4, 30),
        D(2022, 8, 31),
    )


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2019, 1, 31), 1, D(2019, 2, 28)),
        (D(2019, 1, 31), 13, D(2020, 2, 29)),
        (D(2019, 11, 15), 2, D(2020, 1, 15)),
        (D(2019, 3, 31), 6, D(2019, 9, 30)),
    ],
)
def test_adding_months_keeps_the_day_or_clamps_it_to_the_months_end(day, months, expected):
    assert rules.add_months(day, months) == expected

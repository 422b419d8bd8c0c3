"""Emergency preparedness's date rules — pure functions of a plan, never touching the database.

A plan is evaluated at least every ``PLAN_EVALUATION_YEARS`` years and drilled yearly, or every
six months for a 现场处置方案 and for a high-risk or crowded-place enterprise's plans. "Due" is the
last day the thing may be done on: a drill held on its due date is on time. Only a plan in force
has due dates; a withdrawn, superseded or draft plan has none.
"""

from __future__ import annotations

import calendar
import datetime

from django.conf import settings

from .choices import PlanState, PlanType

HALF_YEARLY = 6
YEARLY = 12


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month ``months`` later, clamped to the month's end (08-31 + 6 → 02-28
    or 02-29)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same date ``years`` later; a leap day falls back to 02-28 in a common year."""
    return add_months(day, years * 12)


def drill_cycle_months(plan) -> int:
    """6 for an on-site procedure or a high-risk or crowded-place enterprise's plan, else 12."""
    if plan.plan_type == PlanType.ONSITE:
        return HALF_YEARLY
    enterprise = plan.enterprise if plan.enterprise_id else None
    if enterprise is not None and (enterprise.is_high_risk or enterprise.is_crowded_place):
        return HALF_YEARLY
    return YEARLY


def next_drill_due(plan, last_drill_on: datetime.date | None) -> datetime.date | None:
    """The last day the next drill may be held: the last drill (or, without one, the issue date)
    plus the plan's cycle. None for a plan not in force or never issued."""
    if plan.state != PlanState.IN_FORCE:
        return None
    start = last_drill_on or plan.issued_on
    if start is None:
        return None
    return add_months(start, drill_cycle_months(plan))


def evaluation_due(plan) -> datetime.date | None:
    """The last day the next evaluation may be recorded: the last evaluation (or the issue date)
    plus ``PLAN_EVALUATION_YEARS`` years. None for a plan not in force or never issued."""
    if plan.state != PlanState.IN_FORCE:
        return None
    start = plan.last_evaluated_on or plan.issued_on
    if start is None:
        return None
    return add_years(start, settings.PLAN_EVALUATION_YEARS)


def is_late(done_on: datetime.date, due: datetime.date | None) -> bool:
    """Was something done on ``done_on`` late for ``due``? On the due day itself it is on time."""
    return due is not None and done_on > due


def derive_dates(plan) -> None:
    """Set the plan's stored derived fields from its own fields (no save)."""
    plan.drill_cycle_months = drill_cycle_months(plan)
    plan.evaluation_due = evaluation_due(plan)
    plan.drill_due = next_drill_due(plan, plan.last_drill_on)

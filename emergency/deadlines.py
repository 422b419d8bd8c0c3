"""What emergency preparedness has that falls due, for the deadline engine (``portal.deadlines``).

- ``emergency.plan-evaluation`` — a plan in force is evaluated every ``PLAN_EVALUATION_YEARS``
  years: its owner unit is reminded and, once the date is missed, receives the 督办单.
- ``emergency.drill`` — a plan in force is drilled every 6 or 12 months (``emergency.rules``):
  the same reminders and 督办单.
- ``emergency.stock-expiry`` — a stockpile still holding stock reaches its 有效期: the owner unit
  is reminded and told when it has expired, with no 督办单 (expired stock is replaced, which
  gives it a new expiry date, or written off).

The due dates are those in force on the sweep's date: an evaluation or drill recorded later
than that date does not count yet, so a sweep at a past date sees the plan as it was then. An
evaluation or drill held after the due date ends the item (its next due date lies ahead).
Reads are bulk: two queries per source and sweep, whatever the number of plans.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence

from django.conf import settings
from django.db.models import Max, Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.deadlines import DeadlineSource, DueItem, register_deadline_source
from portal.workdays import WorkdayCalendar

from .choices import PlanState
from .models import Plan, Stockpile
from .rules import add_months, add_years, drill_cycle_months

PLAN_EVALUATION = "emergency.plan-evaluation"
DRILL = "emergency.drill"
STOCK_EXPIRY = "emergency.stock-expiry"


def _link(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:  # before the pages are routed
        return ""


def _marked_overdue(source: str, items: list[DueItem]) -> set[tuple[int, datetime.date]]:
    """(object, due date) pairs already marked overdue: the backlog stays out of every sweep."""
    from portal.supervision.models import DeadlineEvent

    if not items:
        return set()
    return set(
        DeadlineEvent.objects.filter(
            source=source, stage="overdue", object_id__in=[item.object_id for item in items]
        ).values_list("object_id", "due_on")
    )


class _PlanDeadlines(DeadlineSource):
    """A plan in force whose next evaluation or drill falls due; subclasses say which."""

    model = Plan
    issues_notices = True
    stored_due: str  # the plan's stored due date, kept by the services
    recorded_on: str  # the plan's stored date of its latest evaluation or drill

    def with_latest(self, plans, today: datetime.date):
        """``plans`` annotated with ``latest``: the latest recorded on or before ``today``."""
        raise NotImplementedError

    def due_on(self, plan: Plan, today: datetime.date) -> datetime.date:
        raise NotImplementedError

    def title(self, plan: Plan) -> str:
        raise NotImplementedError

    def _due(self, plans, today: datetime.date) -> Iterator[tuple[Plan, datetime.date]]:
        plans = plans.filter(
            state=PlanState.IN_FORCE, issued_on__isnull=False, issued_on__lte=today
        ).select_related("enterprise")
        for plan in self.with_latest(plans, today).order_by("pk"):
            yield plan, self.due_on(plan, today)

    def due_items(self, *, today, until, calendar: WorkdayCalendar):
        # The stored due date is today's; a record made after the sweep's date has moved it,
        # so those plans are read too and their due date as it was then is computed.
        candidates = Plan.objects.filter(
            Q(**{f"{self.stored_due}__lte": until}) | Q(**{f"{self.recorded_on}__gt": today})
        )
        items = [
            DueItem(
                object_id=plan.pk,
                due_on=due,
                title=self.title(plan),
                text=plan.scenario,
                link=_link("emergency:plan-detail", plan.pk),
                unit_id=plan.owner_unit_id,
                remind_unit_ids=(plan.owner_unit_id,),
            )
            for plan, due in self._due(candidates, today)
            if due <= until
        ]
        marked = _marked_overdue(self.name, items)
        return [item for item in items if (item.object_id, item.due_on) not in marked]

    def still_open(self, *, object_ids: Sequence[int], today) -> set[int]:
        return {
            plan.pk
            for plan, due in self._due(Plan.objects.filter(pk__in=object_ids), today)
            if due < today
        }


class PlanEvaluationDeadlines(_PlanDeadlines):
    name = PLAN_EVALUATION
    label = gettext_lazy("应急预案评估")
    stored_due = "evaluation_due"
    recorded_on = "last_evaluated_on"

    def with_latest(self, plans, today):
        return plans.annotate(
            latest=Max("evaluations__evaluated_on", filter=Q(evaluations__evaluated_on__lte=today))
        )

    def due_on(self, plan, today):
        # An evaluation date typed in with the plan (an imported plan has no evaluation row)
        # counts as well, once it is not after the sweep's date.
        dates = [plan.latest, plan.last_evaluated_on, plan.issued_on]
        start = max(d for d in dates if d is not None and d <= today)
        return add_years(start, settings.PLAN_EVALUATION_YEARS)

    def title(self, plan):
        return _("应急预案“%(plan)s”评估") % {"plan": plan}


class DrillDeadlines(_PlanDeadlines):
    name = DRILL
    label = gettext_lazy("应急演练")
    stored_due = "drill_due"
    recorded_on = "last_drill_on"

    def with_latest(self, plans, today):
        return plans.annotate(latest=Max("drills__held_on", filter=Q(drills__held_on__lte=today)))

    def due_on(self, plan, today):
        return add_months(plan.latest or plan.issued_on, drill_cycle_months(plan))

    def title(self, plan):
        return _("应急预案“%(plan)s”演练") % {"plan": plan}


class StockExpiryDeadlines(DeadlineSource):
    name = STOCK_EXPIRY
    model = Stockpile
    label = gettext_lazy("储备物资有效期")
    issues_notices = False

    def due_items(self, *, today, until, calendar: WorkdayCalendar):
        stockpiles = self.without_event(
            Stockpile.objects.filter(
                expires_on__isnull=False, expires_on__lte=until, quantity__gt=0
            ),
            stage="overdue",
            due_field="expires_on",
        )
        rows = stockpiles.values_list(
            "pk", "expires_on", "name", "place", "quantity", "measure_unit", "owner_unit_id"
        ).order_by("expires_on", "pk")
        return [
            DueItem(
                object_id=pk,
                due_on=expires_on,
                title=_("储备物资“%(name)s”（%(place)s）到期") % {"name": name, "place": place},
                text=_("库存%(quantity)s%(unit)s，有效期至%(date)s，请及时更新或报废。")
                % {"quantity": f"{quantity:g}", "unit": unit, "date": expires_on.isoformat()},
                link=_link("emergency:stockpile-detail", pk),
                unit_id=owner_id,
                remind_unit_ids=(owner_id,),
            )
            for pk, expires_on, name, place, quantity, unit, owner_id in rows
        ]

    def still_open(self, *, object_ids: Sequence[int], today) -> set[int]:
        return set(
            Stockpile.objects.filter(
                pk__in=object_ids, quantity__gt=0, expires_on__lt=today
            ).values_list("pk", flat=True)
        )


register_deadline_source(PlanEvaluationDeadlines())
register_deadline_source(DrillDeadlines())
register_deadline_source(StockExpiryDeadlines())

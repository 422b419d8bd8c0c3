"""Reads of plans and drills, always through ``restrict``: the pages, the workbench panels and
the overview call these."""

from __future__ import annotations

import datetime

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from portal.permissions import restrict, user_scope

from .choices import PlanState
from .models import Drill, Plan, PlanEvaluation

SOON_DAYS = 30


def plan_list(*, user) -> QuerySet[Plan]:
    """Plans with what a row shows, in one query per page."""
    return restrict(
        Plan.objects.select_related("owner_unit", "township", "industry", "enterprise"),
        user,
        "view",
    )


def plan_detail(*, user, pk: int) -> Plan:
    """One plan with its evaluations and drills; 404 when out of the user's scope."""
    queryset = plan_list(user=user).select_related(
        "created_by__profile", "supersedes", "superseded_by"
    )
    queryset = queryset.prefetch_related(
        Prefetch(
            "evaluations",
            queryset=PlanEvaluation.objects.select_related("evaluated_by__profile"),
        ),
        Prefetch(
            "drills",
            queryset=restrict(Drill.objects.select_related("organiser", "township"), user, "view"),
        ),
    )
    return get_object_or_404(queryset, pk=pk)


def plan_versions(plan: Plan, *, user) -> list[Plan]:
    """Every version of the plan visible to ``user``, oldest first (修订历史)."""
    chain, seen = [plan], {plan.pk}
    current = plan
    while current.supersedes_id and current.supersedes_id not in seen:
        current = Plan.objects.filter(pk=current.supersedes_id).first()
        if current is None:
            break
        chain.insert(0, current)
        seen.add(current.pk)
    current = plan
    while True:
        successor = Plan.objects.filter(supersedes_id=current.pk).first()
        if successor is None or successor.pk in seen:
            break
        chain.append(successor)
        seen.add(successor.pk)
        current = successor
    visible = set(
        restrict(Plan.objects.filter(pk__in=seen), user, "view").values_list("pk", flat=True)
    )
    return [version for version in chain if version.pk in visible]


def drill_list(*, user) -> QuerySet[Drill]:
    return restrict(
        Drill.objects.select_related("plan", "organiser", "township"),
        user,
        "view",
    )


def drill_detail(*, user, pk: int) -> Drill:
    queryset = (
        drill_list(user=user)
        .select_related("plan__owner_unit", "recorded_by__profile")
        .prefetch_related("participating_units")
    )
    return get_object_or_404(queryset, pk=pk)


# --- workbench and overview ----------------------------------------------------------------


def plans_due(*, user, today: datetime.date | None = None, days: int = SOON_DAYS):
    """The user's units' plans in force whose evaluation or next drill is overdue or due within
    ``days``: owned by one of their units or in their township."""
    today = today or timezone.localdate()
    scope = user_scope(user)
    horizon = today + datetime.timedelta(days=days)
    mine = Q(owner_unit_id__in=scope.unit_ids) | Q(township_id__in=scope.township_ids)
    due = Q(evaluation_due__lte=horizon) | Q(drill_due__lte=horizon)
    return (
        plan_list(user=user)
        .filter(mine, due, state=PlanState.IN_FORCE)
        .order_by("drill_due", "evaluation_due", "pk")
    )


def plans_drill_overdue(*, user, today: datetime.date | None = None):
    today = today or timezone.localdate()
    return (
        plan_list(user=user)
        .filter(state=PlanState.IN_FORCE, drill_due__lt=today)
        .order_by("drill_due", "pk")
    )


def plan_figures(*, user, today: datetime.date | None = None) -> dict:
    """Counts of plans for the overview, in one query."""
    today = today or timezone.localdate()
    in_force = Q(state=PlanState.IN_FORCE)
    soon = today + datetime.timedelta(days=SOON_DAYS)
    return restrict(Plan.objects.all(), user, "view").aggregate(
        in_force=Count("pk", filter=in_force),
        evaluation_overdue=Count("pk", filter=in_force & Q(evaluation_due__lt=today)),
        drill_overdue=Count("pk", filter=in_force & Q(drill_due__lt=today)),
        drill_due_soon=Count("pk", filter=in_force & Q(drill_due__gte=today, drill_due__lte=soon)),
    )


def drill_figures(*, user, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    return restrict(Drill.objects.all(), user, "view").aggregate(
        this_year=Count("pk", filter=Q(held_on__year=today.year)),
        total=Count("pk"),
    )


def resource_figures(*, user, today: datetime.date | None = None) -> dict:
    """Teams and members, low or expiring stock, shelters and their capacity (one query each)."""
    from .models import RescueTeam, Shelter, Stockpile

    today = today or timezone.localdate()
    teams = restrict(RescueTeam.objects.all(), user, "view").aggregate(
        teams=Count("pk", filter=Q(is_active=True)),
        members=Sum("member_count", filter=Q(is_active=True)),
    )
    stock = restrict(Stockpile.objects.all(), user, "view").aggregate(
        stockpiles=Count("pk"),
        low=Count("pk", filter=Q(quantity__lt=F("minimum_quantity"))),
        expiring=Count(
            "pk",
            filter=Q(
                expires_on__gte=today, expires_on__lte=today + datetime.timedelta(days=SOON_DAYS)
            ),
        ),
        expired=Count("pk", filter=Q(expires_on__lt=today)),
    )
    shelters = restrict(Shelter.objects.all(), user, "view").aggregate(
        shelters=Count("pk"), capacity=Sum("capacity")
    )
    return {
        **teams,
        **stock,
        **shelters,
        "members": teams["members"] or 0,
        "capacity": shelters["capacity"] or 0,
    }

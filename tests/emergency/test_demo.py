"""Emergency preparedness's demo: Shouguang's plans with gaps the coverage matrix shows, drills
on time and overdue, rescue teams, stockpiles whose movements explain every balance (some low,
some expiring), shelters inside their townships; everything through the services; a second
run adds nothing."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from emergency.choices import MovementKind, PlanOwnerKind, PlanState, PlanType
from emergency.demo import INDUSTRIES_WITHOUT_PLAN, TOWNSHIPS_WITHOUT_PLAN, inside
from emergency.models import (
    Drill,
    Plan,
    PlanEvaluation,
    RescueTeam,
    Shelter,
    StockMovement,
    Stockpile,
)
from emergency.rules import derive_dates
from responsibilities.demo import seed_demo
from responsibilities.models import Industry, OrgUnit

pytestmark = pytest.mark.django_db

MODELS = (Plan, PlanEvaluation, Drill, RescueTeam, Stockpile, StockMovement, Shelter)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """One seed for the module (about 20 seconds), rolled back at its end; each test runs in
    its own savepoint inside it, so nothing leaks to other modules."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo(hazards=0)
        yield
        transaction.set_rollback(True)


def in_force(**filters):
    return Plan.objects.filter(state=PlanState.IN_FORCE, **filters)


def test_demo_city_has_its_comprehensive_and_special_plans(seeded):
    city = in_force(owner_kind=PlanOwnerKind.CITY)
    assert city.filter(plan_type=PlanType.COMPREHENSIVE).count() == 1
    titles = set(city.filter(plan_type=PlanType.SPECIAL).values_list("title", flat=True))
    assert {
        "寿光市危险化学品事故应急预案",
        "寿光市防汛应急预案",
        "寿光市森林防火应急预案",
    } <= titles
    assert "寿光市城镇燃气事故应急预案" in titles
    assert in_force(owner_kind=PlanOwnerKind.BUREAU, plan_type=PlanType.DEPARTMENT).exists()


def test_demo_city_plan_was_revised_and_keeps_its_first_version(seeded):
    current = in_force(title="寿光市突发事件总体应急预案").get()
    assert current.version == "2.0"
    assert current.supersedes.state == PlanState.SUPERSEDED
    assert current.supersedes.issued_on.year == 2019


def test_demo_leaves_townships_and_industries_without_a_plan(seeded):
    townships = OrgUnit.objects.filter(kind=OrgUnit.Kind.TOWNSHIP)
    covered = set(
        in_force(owner_kind=PlanOwnerKind.TOWNSHIP, plan_type=PlanType.COMPREHENSIVE).values_list(
            "township__name", flat=True
        )
    )
    assert set(townships.values_list("name", flat=True)) - covered == set(TOWNSHIPS_WITHOUT_PLAN)
    with_plan = set(
        in_force(owner_kind=PlanOwnerKind.INDUSTRY, plan_type=PlanType.SPECIAL).values_list(
            "industry__name", flat=True
        )
    )
    assert set(Industry.objects.values_list("name", flat=True)) - with_plan == set(
        INDUSTRIES_WITHOUT_PLAN
    )


def test_demo_has_onsite_procedures_in_both_chemical_parks_on_a_half_year_cycle(seeded):
    onsite = in_force(plan_type=PlanType.ONSITE, owner_kind=PlanOwnerKind.ENTERPRISE)
    assert {"侯镇", "羊口镇"} <= set(onsite.values_list("township__name", flat=True))
    assert set(onsite.values_list("drill_cycle_months", flat=True)) == {6}


def test_demo_dates_follow_the_rules_and_some_drills_and_evaluations_are_overdue(seeded):
    today = timezone.localdate()
    for plan in Plan.objects.select_related("enterprise"):
        stored = (plan.drill_cycle_months, plan.evaluation_due, plan.drill_due)
        derive_dates(plan)
        assert stored == (plan.drill_cycle_months, plan.evaluation_due, plan.drill_due), plan
    current = in_force()
    assert current.filter(drill_due__lt=today, last_drill_on__isnull=False).exists()
    assert current.filter(drill_due__lt=today, last_drill_on__isnull=True).exists()
    assert (
        current.filter(drill_due__gte=today).count() > current.filter(drill_due__lt=today).count()
    )
    assert current.filter(evaluation_due__lt=today).exists()
    assert PlanEvaluation.objects.exists()
    assert Drill.objects.filter(participating_units__isnull=False).exists()


def test_demo_rescue_teams_include_the_named_ones(seeded):
    names = set(RescueTeam.objects.values_list("name", flat=True))
    assert {"寿光市消防救援大队", "侯镇化工园区专职消防队", "羊口海上搜救志愿者队"} <= names
    kinds = set(RescueTeam.objects.values_list("kind", flat=True))
    assert {"professional", "enterprise", "social", "volunteer"} <= kinds
    assert RescueTeam.objects.filter(specialty="mine").exists()


def test_demo_stock_balances_are_explained_by_their_movements(seeded):
    today = timezone.localdate()
    for stockpile in Stockpile.objects.all():
        moves = stockpile.movements.all()
        ins = moves.filter(kind=MovementKind.IN).aggregate(n=Sum("quantity"))["n"] or 0
        outs = moves.exclude(kind=MovementKind.IN).aggregate(n=Sum("quantity"))["n"] or 0
        assert stockpile.quantity == ins - outs, stockpile
        latest = moves.order_by("-occurred_on", "-pk").first()
        assert latest.balance_after == stockpile.quantity
    low = [s for s in Stockpile.objects.all() if s.is_low]
    assert len(low) >= 2
    assert Stockpile.objects.filter(expires_on__lt=today).exists()
    assert Stockpile.objects.filter(
        expires_on__gte=today, expires_on__lte=today.replace(year=today.year + 1)
    ).exists()
    assert StockMovement.objects.filter(kind=MovementKind.LOSS).exists()


def test_demo_shelters_lie_inside_their_townships(seeded):
    shapes = {
        f["properties"]["name"]: f["geometry"]["coordinates"][0]
        for f in json.loads(settings.TOWNSHIP_GEOJSON.read_text(encoding="utf-8"))["features"]
    }
    shelters = Shelter.objects.select_related("township")
    assert shelters.values("township").distinct().count() >= 12
    for shelter in shelters:
        assert shelter.latitude is not None, shelter
        ring = shapes[shelter.township.name]
        assert inside(ring, float(shelter.longitude), float(shelter.latitude)), shelter
        assert shelter.capacity > 0 and shelter.effective_area > Decimal("0")
    assert shelters.filter(signage_done=False).exists()
    assert shelters.filter(is_public=False).exists()


def test_demo_went_through_the_services_with_the_demo_accounts(seeded):
    houzhen_plan = in_force(title="侯镇突发事件总体应急预案").get()
    assert houzhen_plan.created_by.username == "houzhen"
    assert houzhen_plan.history.earliest().history_user.username == "houzhen"
    assert StockMovement.objects.filter(actor__isnull=True).count() == 0


def test_a_second_seed_adds_nothing(seeded):
    def snapshot():
        counts = {}
        for model in MODELS:
            counts[model.__name__] = model.objects.count()
            counts[f"{model.__name__} history"] = model.history.count()
        return counts

    before = snapshot()
    seed_demo(hazards=0)
    assert snapshot() == before

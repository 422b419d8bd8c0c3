"""Query budgets across emergency preparedness: every list page, overview, API list endpoint
and export costs the same number of queries with 10 and with 1,000 rows of every model, for
the office, a bureau and a township, and the public shelter map for anyone.

The rows vary as real ones do — plans of every kind of owner with townships, industries and
enterprises, revised versions, drills with participating units, teams, stockpiles and
movements of several units, shelters in two townships — so a relation read row by row shows
up as a growing count."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from emergency.choices import (
    DrillForm,
    DrillScale,
    MovementKind,
    PlanOwnerKind,
    PlanState,
    PlanType,
    ShelterType,
    StockCategory,
    TeamKind,
    TeamSpecialty,
)
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
from tests.querycount import count_queries
from tests.responsibilities.factories import EnterpriseFactory, IndustryFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()

PAGES = (
    "emergency:index",
    "emergency:coverage",
    "emergency:plan-list",
    "emergency:drill-list",
    "emergency:team-list",
    "emergency:stockpile-list",
    "emergency:movement-list",
    "emergency:shelter-list",
    "emergency:shelter-capacity",
)
ENDPOINTS = (
    "plan",
    "planevaluation",
    "drill",
    "rescueteam",
    "stockpile",
    "stockmovement",
    "shelter",
)
EXPORTS = (
    "emergency-plans",
    "emergency-drills",
    "emergency-teams",
    "emergency-stockpiles",
    "emergency-movements",
    "emergency-shelters",
)
PUBLIC = ("emergency:shelter-public", "emergency:shelter-public-data")


class World:
    """Brings every emergency model up to ``n`` rows, in bulk (reads only need rows)."""

    def __init__(self, cast):
        self.cast = cast
        self.units = [cast.zhujian_unit, cast.yingji_unit, cast.houzhen_unit, cast.yangkou_unit]
        self.townships = [cast.houzhen_unit, cast.yangkou_unit]
        self.industries = [IndustryFactory(), IndustryFactory()]
        self.enterprises = [
            EnterpriseFactory(township=cast.houzhen_unit, is_high_risk=True),
            EnterpriseFactory(township=cast.yangkou_unit, is_crowded_place=True),
        ]

    def plan(self, i: int) -> Plan:
        kind = i % 5
        township = self.townships[i % 2]
        plan = Plan(
            title=f"测试预案{i}",
            version="1.0",
            issued_on=TODAY - datetime.timedelta(days=30 + i % 700),
            last_drill_on=TODAY - datetime.timedelta(days=i % 400) if i % 3 else None,
            state=PlanState.SUPERSEDED if i % 11 == 0 else PlanState.IN_FORCE,
        )
        if kind == 0:
            plan.owner_kind, plan.plan_type = PlanOwnerKind.CITY, PlanType.SPECIAL
            plan.owner_unit = self.cast.yingji_unit
        elif kind == 1:
            plan.owner_kind, plan.plan_type = PlanOwnerKind.TOWNSHIP, PlanType.COMPREHENSIVE
            plan.owner_unit = plan.township = township
        elif kind == 2:
            plan.owner_kind, plan.plan_type = PlanOwnerKind.INDUSTRY, PlanType.SPECIAL
            plan.owner_unit, plan.industry = self.cast.zhujian_unit, self.industries[i % 2]
        elif kind == 3:
            enterprise = self.enterprises[i % 2]
            plan.owner_kind, plan.plan_type = PlanOwnerKind.ENTERPRISE, PlanType.ONSITE
            plan.owner_unit = plan.township = enterprise.township
            plan.enterprise, plan.industry = enterprise, self.industries[0]
        else:
            plan.owner_kind, plan.plan_type = PlanOwnerKind.BUREAU, PlanType.DEPARTMENT
            plan.owner_unit = self.cast.zhujian_unit
        derive_dates(plan)
        return plan

    def grow(self, n: int) -> None:
        cast, units = self.cast, self.units
        start = Plan.objects.count()
        plans = Plan.objects.bulk_create(self.plan(i) for i in range(start, n))
        plans = list(Plan.objects.order_by("pk")[:n])
        start = PlanEvaluation.objects.count()
        PlanEvaluation.objects.bulk_create(
            PlanEvaluation(
                plan=plans[i],
                evaluated_on=TODAY,
                conclusion="基本适用",
                evaluated_by=cast.office,
            )
            for i in range(start, n)
        )
        start = Drill.objects.count()
        drills = Drill.objects.bulk_create(
            Drill(
                plan=plans[i],
                title=f"测试演练{i}",
                held_on=TODAY - datetime.timedelta(days=i % 300),
                form=DrillForm.LIVE if i % 2 else DrillForm.TABLETOP,
                scale=DrillScale.TOWNSHIP,
                organiser=plans[i].owner_unit,
                township=plans[i].township,
                recorded_by=cast.office,
            )
            for i in range(start, n)
        )
        Drill.participating_units.through.objects.bulk_create(
            Drill.participating_units.through(drill_id=drill.pk, orgunit_id=unit.pk)
            for index, drill in enumerate(drills)
            for unit in (units[index % 4], units[(index + 1) % 4])
        )
        start = RescueTeam.objects.count()
        RescueTeam.objects.bulk_create(
            RescueTeam(
                name=f"测试救援队{i}",
                kind=TeamKind.ENTERPRISE if i % 3 == 0 else TeamKind.PROFESSIONAL,
                specialty=TeamSpecialty.HAZCHEM,
                unit=units[i % 4],
                township=self.townships[i % 2] if i % 3 else None,
                enterprise=self.enterprises[i % 2] if i % 3 == 0 else None,
                member_count=20,
                leader="王五",
            )
            for i in range(start, n)
        )
        start = Stockpile.objects.count()
        Stockpile.objects.bulk_create(
            Stockpile(
                name=f"测试物资{i}",
                category=StockCategory.LIFESAVING,
                quantity=Decimal(i % 50),
                minimum_quantity=Decimal(10),
                place="应急物资库",
                owner_unit=units[i % 4],
                township=self.townships[i % 2] if i % 2 else None,
                custodian="赵六",
                expires_on=TODAY + datetime.timedelta(days=i % 90 - 30),
            )
            for i in range(start, n)
        )
        stockpiles = list(Stockpile.objects.order_by("pk")[:n])
        start = StockMovement.objects.count()
        StockMovement.objects.bulk_create(
            StockMovement(
                stockpile=stockpiles[i],
                kind=MovementKind.IN,
                quantity=Decimal(1),
                balance_after=Decimal(1),
                occurred_on=TODAY,
                reason="测试入库",
                actor=(cast.office, cast.houzhen, None)[i % 3],
            )
            for i in range(start, n)
        )
        start = Shelter.objects.count()
        Shelter.objects.bulk_create(
            Shelter(
                name=f"测试避难场所{i}",
                shelter_type=ShelterType.SQUARE,
                township=self.townships[i % 2],
                address="中心街1号",
                effective_area=Decimal(2000),
                capacity=1000,
                facilities=["water", "toilet"],
                signage_done=bool(i % 2),
                latitude=Decimal("37.050000"),
                longitude=Decimal("118.880000"),
                manager_unit=units[i % 4],
                is_public=bool(i % 5),
            )
            for i in range(start, n)
        )


@pytest.fixture
def world(cast):
    return World(cast)


def assert_flat(world: World, fetchers: dict) -> None:
    """Grow everything once to 10 and once to 1,000 rows (growing is the slow part) and
    require every fetcher to cost the same at both sizes; name each one that grew."""
    world.grow(10)
    for fetch in fetchers.values():
        fetch()  # warm caches (content types, scope, sessions)
    small = {name: count_queries(fetch)[0] for name, fetch in fetchers.items()}
    world.grow(1000)
    large = {name: count_queries(fetch) for name, fetch in fetchers.items()}
    grew = {name: (small[name], n) for name, (n, _r, _sql) in large.items() if n != small[name]}
    if grew:
        first = next(iter(grew))
        raise AssertionError(
            f"query counts grew with the data (10 rows -> 1,000 rows): {grew}\n"
            f"{first} at 1,000 rows:\n" + "\n".join(large[first][2])
        )


def page(client, name):
    def fetch():
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        return response

    return fetch


def endpoint(api, basename):
    def fetch():
        response = api.get(reverse(f"{basename}-list"), {"page_size": 50})
        assert response.status_code == 200, basename
        return response

    return fetch


def export(client, name):
    def fetch():
        response = client.get(reverse("reports:export", args=[name]), {"format": "csv"})
        assert response.status_code == 200, name
        return b"".join(response.streaming_content)

    return fetch


@pytest.mark.parametrize("role", ("office", "auditor", "zhujian", "houzhen"))
def test_every_list_page_api_list_and_export_costs_the_same_for_10_and_1000_rows(
    cast, client, world, role
):
    user = getattr(cast, role)
    client.force_login(user)
    api = APIClient()
    api.force_authenticate(user)
    fetchers = {
        **{name: page(client, name) for name in PAGES},
        **{f"api:{basename}": endpoint(api, basename) for basename in ENDPOINTS},
        **{f"export:{name}": export(client, name) for name in EXPORTS},
    }
    assert_flat(world, fetchers)


def test_public_shelter_map_costs_the_same_for_10_and_1000_shelters(client, world):
    assert_flat(world, {name: page(client, name) for name in PUBLIC})

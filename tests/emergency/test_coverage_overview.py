"""/emergency/ — the overview's figures, each linking to the filtered list, in the user's scope
and in a fixed number of queries; the workbench panels of plans and drills; the menu entry."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from emergency.choices import PlanOwnerKind, PlanState, PlanType
from emergency.models import Plan
from tests.emergency.factories import (
    DrillFactory,
    PlanFactory,
    RescueTeamFactory,
    ShelterFactory,
    StockpileFactory,
)
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

INDEX = reverse("emergency:index")
TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)


def figures(response) -> dict[str, str]:
    """{figure key: the number shown} from the page."""
    import re

    body = response.content.decode()
    pattern = r'data-key="([\w-]+)">.*?data-testid="figure-value">([\d,]+)<'
    return dict(re.findall(pattern, body, flags=re.S))  # numbers as shown, separators kept


def test_the_overview_counts_plans_drills_and_resources_with_links(client, cast):
    PlanFactory(owner_unit=cast.yingji_unit, drill_due=YESTERDAY)
    PlanFactory(owner_unit=cast.yingji_unit, evaluation_due=YESTERDAY)
    PlanFactory(owner_unit=cast.yingji_unit, state=PlanState.WITHDRAWN, drill_due=YESTERDAY)
    DrillFactory(plan=PlanFactory(owner_unit=cast.yingji_unit), held_on=TODAY)
    RescueTeamFactory(unit=cast.yingji_unit, member_count=35)
    RescueTeamFactory(unit=cast.yingji_unit, member_count=20, is_active=False)
    StockpileFactory(owner_unit=cast.yingji_unit, quantity=Decimal("5"))  # minimum 10: low
    StockpileFactory(owner_unit=cast.yingji_unit, expires_on=TODAY + datetime.timedelta(days=3))
    ShelterFactory(township=cast.houzhen_unit, capacity=1500)
    client.force_login(cast.office)
    response = client.get(INDEX)
    assert response.status_code == 200
    shown = figures(response)
    assert shown["plans-in-force"] == "3"
    assert shown["drills-overdue"] == "1"
    assert shown["evaluations-overdue"] == "1"
    assert shown["drills-this-year"] == "1"
    assert shown["teams"] == "1"
    assert shown["stock-low"] == "1"
    assert shown["stock-expiring"] == "1"
    assert shown["shelters"] == "1"
    assert shown["coverage-gaps"] == str(response.context["coverage"].gap_count)
    body = response.content.decode()
    assert "队员 35 人" in body
    assert "可容纳 1500 人" in body.replace(",", "")
    for link in (
        reverse("emergency:plan-list") + "?drill_overdue=true",
        reverse("emergency:plan-list") + "?evaluation_overdue=true",
        reverse("emergency:coverage"),
        reverse("emergency:stockpile-list") + "?low=true",
    ):
        assert f'href="{link}"' in body


def test_the_overview_links_every_register(client, cast):
    client.force_login(cast.office)
    body = client.get(INDEX).content.decode()
    for name in ("plan-list", "coverage", "drill-list", "team-list", "stockpile-list"):
        assert f'href="{reverse("emergency:" + name)}"' in body
    assert f'href="{reverse("emergency:shelter-list")}"' in body


def test_a_township_counts_only_its_own_plans(client, cast):
    PlanFactory(
        owner_kind=PlanOwnerKind.TOWNSHIP,
        owner_unit=cast.houzhen_unit,
        township=cast.houzhen_unit,
        drill_due=YESTERDAY,
    )
    PlanFactory(owner_unit=cast.yingji_unit, drill_due=YESTERDAY)
    client.force_login(cast.houzhen)
    shown = figures(client.get(INDEX))
    assert (shown["plans-in-force"], shown["drills-overdue"]) == ("1", "1")


def test_the_overview_costs_the_same_queries_for_10_and_1000_plans(client, cast):
    client.force_login(cast.office)
    client.get(INDEX)

    def grow(n):
        missing = n - Plan.objects.count()
        Plan.objects.bulk_create(
            Plan(
                title=f"预案{i}",
                plan_type=PlanType.SPECIAL,
                owner_kind=PlanOwnerKind.CITY,
                owner_unit=cast.yingji_unit,
                issued_on=TODAY,
                drill_due=YESTERDAY,
            )
            for i in range(missing)
        )

    def fetch():
        response = client.get(INDEX)
        shown = figures(response)["drills-overdue"].replace(",", "")
        assert shown == str(Plan.objects.count())
        return response

    assert_constant_queries(grow, fetch, sizes=(10, 1000))


def test_the_menu_leads_to_the_overview(client, cast):
    client.force_login(cast.houzhen)
    body = client.get(reverse("workbench")).content.decode()
    assert f'data-nav="emergency" href="{INDEX}"' in body


# --- workbench panels -----------------------------------------------------------------------


def test_a_unit_sees_its_plans_due_for_a_drill_or_an_evaluation(client, cast):
    soon = PlanFactory(
        owner_kind=PlanOwnerKind.TOWNSHIP,
        owner_unit=cast.houzhen_unit,
        township=cast.houzhen_unit,
        drill_due=TODAY + datetime.timedelta(days=10),
    )
    late = PlanFactory(
        owner_kind=PlanOwnerKind.TOWNSHIP,
        owner_unit=cast.houzhen_unit,
        township=cast.houzhen_unit,
        evaluation_due=YESTERDAY,
    )
    PlanFactory(  # not due for a long while
        owner_kind=PlanOwnerKind.TOWNSHIP,
        owner_unit=cast.houzhen_unit,
        township=cast.houzhen_unit,
        drill_due=TODAY + datetime.timedelta(days=200),
        evaluation_due=TODAY + datetime.timedelta(days=900),
    )
    PlanFactory(owner_unit=cast.yingji_unit, drill_due=YESTERDAY)  # another unit's
    client.force_login(cast.houzhen)
    response = client.get(reverse("workbench"))
    panel = next(
        p for p in response.context["panels"] if p.context.get("testid") == "panel-plans-due"
    )
    assert {plan.pk for plan in panel.context["plans"]} == {soon.pk, late.pk}
    assert 'data-testid="panel-plans-due"' in response.content.decode()


def test_a_unit_with_nothing_due_has_no_plans_panel(client, cast):
    client.force_login(cast.zhujian)
    body = client.get(reverse("workbench")).content.decode()
    assert 'data-testid="panel-plans-due"' not in body


def test_the_office_sees_coverage_gaps_and_overdue_drills(client, cast):
    late = PlanFactory(owner_unit=cast.yingji_unit, drill_due=YESTERDAY)
    PlanFactory(owner_unit=cast.yingji_unit, drill_due=TODAY)  # due today is on time
    client.force_login(cast.office)
    response = client.get(reverse("workbench"))
    panel = next(
        p for p in response.context["panels"] if p.context.get("testid") == "panel-emergency-office"
    )
    assert [plan.pk for plan in panel.context["plans"]] == [late.pk]
    # city: 综合 is there, 专项 missing; 侯镇 and 羊口镇 each miss their 综合预案
    assert panel.context["gaps"] == 3
    assert 'data-gaps="3"' in response.content.decode()


def test_the_auditor_has_no_emergency_panels(client, cast):
    PlanFactory(owner_unit=cast.yingji_unit, drill_due=YESTERDAY)
    client.force_login(cast.auditor)
    testids = {p.context.get("testid") for p in client.get(reverse("workbench")).context["panels"]}
    assert not testids & {"panel-plans-due", "panel-emergency-office"}

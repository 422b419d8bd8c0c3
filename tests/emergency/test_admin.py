"""Emergency preparedness's admin: every model listed with its history; derived dates, the
quantity and the balance read-only; movements neither added, changed, deleted nor reverted
there, and the admin says why."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from emergency.models import Plan, StockMovement, Stockpile
from tests.emergency.factories import (
    DrillFactory,
    PlanEvaluationFactory,
    PlanFactory,
    RescueTeamFactory,
    ShelterFactory,
    StockpileFactory,
)

pytestmark = pytest.mark.django_db

MODELS = [
    "plan",
    "planevaluation",
    "drill",
    "rescueteam",
    "stockpile",
    "stockmovement",
    "shelter",
]


@pytest.fixture
def one_of_each(cast):
    plan = PlanFactory(title="寿光市防汛应急预案", owner_unit=cast.yingji_unit)
    PlanEvaluationFactory(plan=plan, conclusion="防汛预案评估：基本适用")
    DrillFactory(plan=plan, title="防汛应急演练")
    RescueTeamFactory(name="防汛抢险突击队", unit=cast.yingji_unit)
    StockpileFactory(name="防汛编织袋", owner_unit=cast.yingji_unit, place="防汛物资库")
    ShelterFactory(name="防汛转移安置点", township=cast.houzhen_unit)
    return plan


@pytest.mark.parametrize("model", MODELS)
def test_admin_lists_every_emergency_model_and_searches(cast, client, one_of_each, model):
    client.force_login(cast.admin)
    response = client.get(reverse(f"admin:emergency_{model}_changelist"), {"q": "防汛"})
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


def test_admin_plan_keeps_derived_dates_and_rule_inputs_read_only(cast, client, one_of_each):
    client.force_login(cast.admin)
    response = client.get(reverse("admin:emergency_plan_change", args=[one_of_each.pk]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    for field in (
        "evaluation_due",
        "drill_cycle_months",
        "last_drill_on",
        "drill_due",
        "issued_on",
        "state",
        "plan_type",
    ):
        assert field not in form.fields, field
    assert "title" in form.fields and "filing_number" in form.fields


def test_admin_plan_edit_of_a_descriptive_field_leaves_the_derived_dates(cast, client, one_of_each):
    plan = one_of_each
    before = Plan.objects.values("evaluation_due", "drill_due").get(pk=plan.pk)
    client.force_login(cast.admin)
    url = reverse("admin:emergency_plan_change", args=[plan.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: form[name].value() if form[name].value() is not None else ""
        for name in form.fields
        if name != "file"
    }
    data.update(
        {
            "filing_number": "寿应急备〔2026〕8号",
            "evaluations-TOTAL_FORMS": "1",
            "evaluations-INITIAL_FORMS": "1",
            "evaluations-0-id": plan.evaluations.get().pk,
            "evaluations-0-plan": plan.pk,
            "drills-TOTAL_FORMS": "1",
            "drills-INITIAL_FORMS": "1",
            "drills-0-id": plan.drills.get().pk,
            "drills-0-plan": plan.pk,
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    plan.refresh_from_db()
    assert plan.filing_number == "寿应急备〔2026〕8号"
    assert Plan.objects.values("evaluation_due", "drill_due").get(pk=plan.pk) == before
    assert plan.history.count() >= 2


def test_admin_cannot_add_plans_drills_evaluations_stockpiles_or_movements(cast, client):
    client.force_login(cast.admin)
    for model in ("plan", "drill", "planevaluation", "stockpile", "stockmovement"):
        assert client.get(reverse(f"admin:emergency_{model}_add")).status_code == 403, model
    for model in ("rescueteam", "shelter"):
        assert client.get(reverse(f"admin:emergency_{model}_add")).status_code == 200, model


def test_admin_stockpile_shows_quantity_read_only_and_explains_why(cast, client):
    stockpile = StockpileFactory(quantity=Decimal("40"), owner_unit=cast.yingji_unit)
    client.force_login(cast.admin)
    response = client.get(reverse("admin:emergency_stockpile_change", args=[stockpile.pk]))
    assert response.status_code == 200
    assert "quantity" not in response.context["adminform"].form.fields
    page = response.content.decode()
    assert "库存数量只能通过出入库记录变动" in page
    assert "初始入库" in page  # the movements that explain the balance


def test_admin_movements_are_read_only_and_say_why(cast, client):
    stockpile = StockpileFactory(quantity=Decimal("40"), owner_unit=cast.yingji_unit)
    movement = stockpile.movements.get()
    client.force_login(cast.admin)
    listing = client.get(reverse("admin:emergency_stockmovement_changelist"))
    assert "库存数量只能通过出入库记录变动" in listing.content.decode()
    url = reverse("admin:emergency_stockmovement_change", args=[movement.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "balance_after" not in page.context["adminform"].form.fields
    assert not page.context["has_change_permission"]
    client.post(url, {"quantity": "999", "reason": "改账"})
    movement.refresh_from_db()
    assert movement.quantity == Decimal("40")
    delete = client.post(
        reverse("admin:emergency_stockmovement_delete", args=[movement.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert StockMovement.objects.filter(pk=movement.pk).exists()


def test_admin_history_cannot_revert_a_stockpiles_quantity(cast, client):
    stockpile = StockpileFactory(quantity=Decimal("40"), owner_unit=cast.yingji_unit)
    first = stockpile.history.earliest()
    Stockpile.objects.filter(pk=stockpile.pk).update(quantity=Decimal("25"))  # as stock_move
    client.force_login(cast.admin)
    url = reverse("admin:emergency_stockpile_simple_history", args=[stockpile.pk, first.pk])
    assert client.get(url).status_code == 200  # old versions can be read
    response = client.post(url, {"name": stockpile.name, "_change_history": "1"})
    assert response.status_code == 403
    stockpile.refresh_from_db()
    assert stockpile.quantity == Decimal("25")


def test_admin_team_and_shelter_history_show_each_change(cast, client):
    shelter = ShelterFactory(township=cast.houzhen_unit, capacity=1000)
    shelter.capacity = 1500
    shelter.save()
    team = RescueTeamFactory(unit=cast.yingji_unit)
    client.force_login(cast.admin)
    response = client.get(reverse("admin:emergency_shelter_history", args=[shelter.pk]))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 2
    assert (
        client.get(reverse("admin:emergency_rescueteam_change", args=[team.pk])).status_code == 200
    )


def test_admin_drill_keeps_plan_and_date_read_only(cast, client):
    drill = DrillFactory(held_on=datetime.date(2026, 3, 1))
    client.force_login(cast.admin)
    response = client.get(reverse("admin:emergency_drill_change", args=[drill.pk]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "plan" not in form.fields and "held_on" not in form.fields
    assert "problems_found" in form.fields

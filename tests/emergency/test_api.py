"""Emergency preparedness's API: the schema, each endpoint writing through its service, the
refusals coming back as 400 naming the field (or 403/404), auditors reading only, and list
endpoints costing the same queries for 10 and 1,000 rows."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from emergency.choices import PlanState
from emergency.models import (
    Drill,
    Plan,
    PlanEvaluation,
    RescueTeam,
    Shelter,
    StockMovement,
    Stockpile,
)
from tests.emergency.factories import (
    DrillFactory,
    PlanEvaluationFactory,
    PlanFactory,
    RescueTeamFactory,
    ShelterFactory,
    StockMovementFactory,
    StockpileFactory,
)
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def api_for(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def url(basename, pk=None, action=None):
    if pk is None:
        return reverse(f"{basename}-list")
    return reverse(f"{basename}-{action or 'detail'}", args=[pk])


PLAN = {
    "title": "寿光市建筑施工生产安全事故应急预案",
    "plan_type": "special",
    "owner_kind": "bureau",
    "issued_on": "2019-05-20",
    "document_number": "寿建发〔2019〕12号",
}


def test_schema_lists_the_emergency_endpoints_and_their_actions(cast):
    response = api_for(cast.office).get(reverse("api-schema"))
    assert response.status_code == 200
    text = response.content.decode()
    for path in (
        "/api/emergency-plans/",
        "/api/emergency-plans/{id}/revise/",
        "/api/emergency-plans/{id}/evaluate/",
        "/api/emergency-plans/{id}/withdraw/",
        "/api/plan-evaluations/",
        "/api/drills/",
        "/api/rescue-teams/",
        "/api/stockpiles/",
        "/api/stockpiles/{id}/move/",
        "/api/stock-movements/",
        "/api/shelters/",
    ):
        assert path in text, path


# --- plans --------------------------------------------------------------------------------------


def test_a_unit_creates_its_plan_and_gets_the_derived_dates(cast):
    response = api_for(cast.zhujian).post(
        url("plan"), {**PLAN, "owner_unit": cast.zhujian_unit.pk}, format="json"
    )

    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["state"], data["evaluation_due"], data["drill_due"]) == (
        PlanState.IN_FORCE,
        "2022-05-20",
        "2020-05-20",
    )
    assert Plan.objects.get(pk=data["id"]).created_by == cast.zhujian


def test_a_plan_text_is_uploaded_as_multipart_and_checked_by_content(cast):
    api = api_for(cast.zhujian)
    body = {**PLAN, "owner_unit": cast.zhujian_unit.pk}
    fake = SimpleUploadedFile("预案.pdf", b"MZ\x90\x00 a program", content_type="application/pdf")
    response = api.post(url("plan"), {**body, "file": fake}, format="multipart")
    assert response.status_code == 400 and "预案.pdf" in response.json()["file"][0]
    assert not Plan.objects.exists()

    pdf = SimpleUploadedFile("预案.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = api.post(url("plan"), {**body, "file": pdf}, format="multipart")
    assert response.status_code == 201, response.content
    plan = Plan.objects.get()
    assert plan.file.name.endswith(".pdf")
    plan.file.delete(save=False)


def test_derived_plan_dates_cannot_be_written(cast):
    plan = PlanFactory(owner_unit=cast.zhujian_unit, issued_on=datetime.date(2019, 5, 20))
    response = api_for(cast.zhujian).patch(
        url("plan", plan.pk), {"drill_due": "2030-01-01", "title": "新名称"}, format="json"
    )
    assert response.status_code == 200, response.content
    plan.refresh_from_db()
    assert (plan.title, plan.drill_due) == ("新名称", datetime.date(2020, 5, 20))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"plan_type": "secret"}, "plan_type"),
        ({"issued_on": "2019-02-30"}, "issued_on"),
        ({"owner_kind": "township"}, "township"),  # the service: a township plan names it
        ({"issued_on": None}, "issued_on"),  # the service: in force needs the issue date
        ({"township": 999999}, "township"),
    ],
)
def test_bad_plan_input_is_refused_naming_the_field(cast, change, field):
    body = {**PLAN, "owner_unit": cast.zhujian_unit.pk, **change}
    response = api_for(cast.zhujian).post(url("plan"), body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Plan.objects.exists()


def test_a_plan_for_another_unit_is_forbidden(cast):
    response = api_for(cast.zhujian).post(
        url("plan"), {**PLAN, "owner_unit": cast.yingji_unit.pk}, format="json"
    )
    assert response.status_code == 403
    assert not Plan.objects.exists()


def test_another_units_plan_is_neither_seen_nor_changed(cast):
    plan = PlanFactory(owner_unit=cast.yingji_unit)
    api = api_for(cast.zhujian)
    assert api.get(url("plan", plan.pk)).status_code == 404
    assert api.patch(url("plan", plan.pk), {"title": "x"}, format="json").status_code == 404


def test_a_plan_is_revised_evaluated_and_withdrawn_through_its_actions(cast):
    plan = PlanFactory(owner_unit=cast.zhujian_unit, issued_on=datetime.date(2019, 5, 20))
    api = api_for(cast.zhujian)

    response = api.post(
        url("plan", plan.pk, "evaluate"),
        {"evaluated_on": "2020-05-01", "conclusion": "机构调整，需修订", "needs_revision": True},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["needs_revision"] is True

    response = api.post(
        url("plan", plan.pk, "revise"),
        {"version": "2.0", "issued_on": "2020-06-01", "summary": "按机构改革修订"},
        format="json",
    )
    assert response.status_code == 201, response.content
    revised = response.json()
    assert (revised["supersedes"], revised["version"], revised["evaluation_due"]) == (
        plan.pk,
        "2.0",
        "2023-06-01",
    )
    plan.refresh_from_db()
    assert plan.state == PlanState.SUPERSEDED

    response = api.post(url("plan", revised["id"], "withdraw"), {"reason": "职责划转"})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == PlanState.WITHDRAWN


def test_plan_actions_refuse_bad_input_naming_the_field(cast):
    plan = PlanFactory(owner_unit=cast.zhujian_unit, issued_on=datetime.date(2019, 5, 20))
    api = api_for(cast.zhujian)

    response = api.post(url("plan", plan.pk, "revise"), {"version": "1.0"}, format="json")
    assert response.status_code == 400 and "issued_on" in response.json()
    response = api.post(
        url("plan", plan.pk, "revise"), {"version": "1.0", "issued_on": "2020-01-01"}
    )
    assert response.status_code == 400 and "version" in response.json()
    response = api.post(url("plan", plan.pk, "withdraw"), {"reason": ""})
    assert response.status_code == 400 and "reason" in response.json()
    response = api.post(
        url("plan", plan.pk, "evaluate"), {"evaluated_on": "2018-01-01", "conclusion": "x"}
    )
    assert response.status_code == 400 and "evaluated_on" in response.json()
    plan.refresh_from_db()
    assert plan.state == PlanState.IN_FORCE
    assert not PlanEvaluation.objects.exists()


def test_plans_are_filtered_like_the_page(cast):
    PlanFactory(owner_unit=cast.zhujian_unit, plan_type="onsite")
    PlanFactory(owner_unit=cast.zhujian_unit, plan_type="special")
    response = api_for(cast.zhujian).get(url("plan"), {"plan_type": "onsite"})
    assert [row["plan_type"] for row in response.json()["results"]] == ["onsite"]


def test_plan_evaluations_are_read_only(cast):
    evaluation = PlanEvaluationFactory(plan=PlanFactory(owner_unit=cast.zhujian_unit))
    api = api_for(cast.zhujian)
    assert api.get(url("planevaluation", evaluation.pk)).status_code == 200
    assert api.post(url("planevaluation"), {}, format="json").status_code == 405
    assert api_for(cast.yingji).get(url("planevaluation", evaluation.pk)).status_code == 404


# --- drills -------------------------------------------------------------------------------------


def test_a_drill_recorded_through_the_api_moves_its_plans_due_date(cast):
    plan = PlanFactory(owner_unit=cast.zhujian_unit, issued_on=datetime.date(2019, 1, 10))
    api = api_for(cast.zhujian)
    response = api.post(
        url("drill"),
        {
            "plan": plan.pk,
            "title": "建筑施工坍塌事故应急演练",
            "held_on": "2019-06-20",
            "form": "live",
            "scale": "department",
            "participating_units": [cast.yingji_unit.pk],
            "participants": 60,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    drill = Drill.objects.get(pk=response.json()["id"])
    plan.refresh_from_db()
    assert plan.drill_due == datetime.date(2020, 6, 20)

    response = api.patch(url("drill", drill.pk), {"participants": 80}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["participating_units"] == [cast.yingji_unit.pk]


def test_bad_drill_input_is_refused_naming_the_field(cast):
    plan = PlanFactory(owner_unit=cast.zhujian_unit, issued_on=datetime.date(2019, 1, 10))
    body = {"plan": plan.pk, "title": "演练", "held_on": "2018-06-20", "form": "live"}
    response = api_for(cast.zhujian).post(url("drill"), {**body, "scale": "x"}, format="json")
    assert response.status_code == 400 and "scale" in response.json()
    response = api_for(cast.zhujian).post(
        url("drill"), {**body, "scale": "department"}, format="json"
    )
    assert response.status_code == 400 and "held_on" in response.json()
    assert not Drill.objects.exists()


# --- teams and shelters -------------------------------------------------------------------------


def test_every_unit_reads_rescue_teams_but_changes_only_its_own(cast):
    team = RescueTeamFactory(unit=cast.yingji_unit)
    api = api_for(cast.zhujian)
    assert api.get(url("rescueteam", team.pk)).status_code == 200
    assert api.patch(url("rescueteam", team.pk), {"leader": "x"}, format="json").status_code == 404

    response = api.post(
        url("rescueteam"),
        {
            "name": "住建局抢险队",
            "kind": "professional",
            "specialty": "construction",
            "unit": cast.zhujian_unit.pk,
            "member_count": 30,
            "leader": "孙七",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    response = api.post(
        url("rescueteam"), {"name": "x", "unit": cast.zhujian_unit.pk}, format="json"
    )
    assert response.status_code == 400
    assert {"kind", "specialty", "member_count", "leader"} <= set(response.json())


def test_a_township_registers_a_shelter_and_bad_facilities_are_named(cast):
    body = {
        "name": "侯镇中学操场",
        "shelter_type": "school",
        "township": cast.houzhen_unit.pk,
        "address": "侯镇中学",
        "effective_area": "8000",
        "capacity": 3000,
        "facilities": ["water", "toilet"],
    }
    api = api_for(cast.houzhen)
    response = api.post(url("shelter"), {**body, "facilities": ["pool"]}, format="json")
    assert response.status_code == 400 and "facilities" in response.json()
    response = api.post(url("shelter"), {**body, "capacity": 0}, format="json")
    assert response.status_code == 400 and "capacity" in response.json()

    response = api.post(url("shelter"), body, format="json")
    assert response.status_code == 201, response.content
    assert Shelter.objects.get().manager_unit == cast.houzhen_unit


# --- stock --------------------------------------------------------------------------------------


STOCK = {
    "name": "编织袋",
    "category": "flood",
    "measure_unit": "条",
    "minimum_quantity": "1000",
    "place": "市防汛物资仓库",
    "custodian": "赵六",
}


def test_a_stockpile_is_created_with_its_initial_quantity_and_moved_by_its_action(cast):
    api = api_for(cast.zhujian)
    response = api.post(
        url("stockpile"),
        {**STOCK, "owner_unit": cast.zhujian_unit.pk, "initial_quantity": "5000"},
        format="json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["quantity"] == "5000.00"

    response = api.post(
        url("stockpile", pk, "move"),
        {"kind": "out", "quantity": "1200", "occurred_on": TODAY.isoformat(), "reason": "防汛"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["balance_after"] == "3800.00"

    response = api.patch(url("stockpile", pk), {"quantity": "99999", "place": "新库"})
    assert response.status_code == 200
    assert (response.json()["quantity"], response.json()["place"]) == ("3800.00", "新库")
    movements = api.get(url("stockmovement"), {"stockpile": pk}).json()["results"]
    assert [(m["kind"], m["quantity"]) for m in movements] == [
        ("out", "1200.00"),
        ("in", "5000.00"),
    ]


def test_an_overdraw_is_refused_naming_the_quantity(cast):
    stockpile = StockpileFactory(owner_unit=cast.zhujian_unit, quantity=Decimal("5"))
    response = api_for(cast.zhujian).post(
        url("stockpile", stockpile.pk, "move"),
        {"kind": "out", "quantity": "6", "occurred_on": TODAY.isoformat(), "reason": "调拨"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["quantity"] == ["出库后库存不能为负：现有 5件"]
    assert StockMovement.objects.filter(stockpile=stockpile).count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "steal"}, "kind"),
        ({"quantity": "abc"}, "quantity"),
        ({"quantity": "0"}, "quantity"),
        ({"occurred_on": ""}, "occurred_on"),
        ({"reason": ""}, "reason"),
    ],
)
def test_bad_movements_are_refused_naming_the_field(cast, body, field):
    stockpile = StockpileFactory(owner_unit=cast.zhujian_unit, quantity=Decimal("5"))
    move = {"kind": "in", "quantity": "1", "occurred_on": TODAY.isoformat(), "reason": "采购"}
    response = api_for(cast.zhujian).post(
        url("stockpile", stockpile.pk, "move"), {**move, **body}, format="json"
    )
    assert response.status_code == 400 and field in response.json()
    assert Stockpile.objects.get(pk=stockpile.pk).quantity == Decimal("5")


def test_stock_movements_are_read_only(cast):
    stockpile = StockpileFactory(owner_unit=cast.zhujian_unit)
    movement = stockpile.movements.get()
    api = api_for(cast.office)
    assert api.get(url("stockmovement", movement.pk)).status_code == 200
    assert api.post(url("stockmovement"), {}, format="json").status_code == 405
    assert api.patch(url("stockmovement", movement.pk), {}, format="json").status_code == 405


# --- auditors -----------------------------------------------------------------------------------


def test_auditors_read_every_endpoint_and_write_none(cast):
    plan = PlanFactory(owner_unit=cast.zhujian_unit)
    stockpile = StockpileFactory(owner_unit=cast.zhujian_unit)
    objects = {
        "plan": plan,
        "drill": DrillFactory(plan=plan),
        "planevaluation": PlanEvaluationFactory(plan=plan),
        "rescueteam": RescueTeamFactory(unit=cast.zhujian_unit),
        "stockpile": stockpile,
        "stockmovement": stockpile.movements.get(),
        "shelter": ShelterFactory(township=cast.houzhen_unit),
    }
    api = api_for(cast.auditor)
    for basename, obj in objects.items():
        assert api.get(url(basename)).json()["count"] == 1, basename
        assert api.get(url(basename, obj.pk)).status_code == 200, basename
        response = api.patch(url(basename, obj.pk), {"note": "x"}, format="json")
        assert response.status_code in (403, 405), basename
        assert api.post(url(basename), {}, format="json").status_code in (403, 405), basename

    move = {"kind": "in", "quantity": "1", "occurred_on": TODAY.isoformat(), "reason": "采购"}
    assert api.post(url("stockpile", stockpile.pk, "move"), move).status_code == 403
    assert api.post(url("plan", plan.pk, "withdraw"), {"reason": "x"}).status_code == 403
    assert StockMovement.objects.count() == 1
    assert RescueTeam.objects.get().note == ""


# --- query counts -------------------------------------------------------------------------------


def _bulk(factory, n, **fields):
    model = factory._meta.model
    return model.objects.bulk_create(factory.build_batch(n, **fields))


def growers(cast):
    """Per endpoint: grow(n) brings its rows up to n (bulk: the sizes, not the history, count)."""
    plan = PlanFactory(owner_unit=cast.zhujian_unit)
    stockpile = StockpileFactory(owner_unit=cast.zhujian_unit, with_movement=False)

    def grower(model, make):
        def grow(size):
            missing = size - model.objects.count()
            if missing > 0:
                make(missing)

        return grow

    def drills(n):
        made = _bulk(DrillFactory, n, plan=plan, organiser=cast.zhujian_unit)
        through = Drill.participating_units.through
        through.objects.bulk_create(
            through(drill_id=drill.pk, orgunit_id=unit.pk)
            for drill in made
            for unit in (cast.yingji_unit, cast.houzhen_unit)
        )

    return {
        "plan": grower(Plan, lambda n: _bulk(PlanFactory, n, owner_unit=cast.zhujian_unit)),
        "planevaluation": grower(
            PlanEvaluation, lambda n: _bulk(PlanEvaluationFactory, n, plan=plan)
        ),
        "drill": grower(Drill, drills),
        "rescueteam": grower(
            RescueTeam, lambda n: _bulk(RescueTeamFactory, n, unit=cast.zhujian_unit)
        ),
        "stockpile": grower(
            Stockpile, lambda n: _bulk(StockpileFactory, n, owner_unit=cast.zhujian_unit)
        ),
        "stockmovement": grower(
            StockMovement, lambda n: _bulk(StockMovementFactory, n, stockpile=stockpile)
        ),
        "shelter": grower(Shelter, lambda n: _bulk(ShelterFactory, n, township=cast.houzhen_unit)),
    }


@pytest.mark.parametrize(
    "basename",
    ["plan", "planevaluation", "drill", "rescueteam", "stockpile", "stockmovement", "shelter"],
)
@pytest.mark.parametrize("user", ["office", "zhujian"])
def test_list_endpoints_cost_the_same_for_10_and_1000_rows(cast, basename, user):
    grow = growers(cast)[basename]
    api = api_for(getattr(cast, user))

    def fetch():
        response = api.get(url(basename), {"page_size": 50})
        assert response.status_code == 200
        assert response.json()["count"] >= 10
        return response

    grow(10)
    fetch()  # warm caches (content types, scope)
    assert_constant_queries(grow, fetch)

"""Factories for emergency preparedness. They write rows directly (not through the services),
but keep what the services keep: a plan's derived dates follow the rules, a drill moves its
plan's last drill, and a stockpile's quantity is matched by an 入库 movement."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

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
from tests.responsibilities.factories import OrgUnitFactory, TownshipFactory

_DERIVED = ("drill_cycle_months", "evaluation_due", "drill_due")


def _days_ago(days: int):
    return lambda: timezone.localdate() - datetime.timedelta(days=days)


class PlanFactory(factory.django.DjangoModelFactory):
    """A city-level comprehensive plan in force, issued 100 days ago. Its evaluation_due,
    drill_cycle_months and drill_due are derived by ``emergency.rules`` unless given."""

    class Meta:
        model = Plan

    title = factory.Sequence(lambda n: f"寿光市测试突发事件应急预案{n}")
    plan_type = PlanType.COMPREHENSIVE
    owner_kind = PlanOwnerKind.CITY
    owner_unit = factory.SubFactory(OrgUnitFactory)
    version = "1.0"
    state = PlanState.IN_FORCE
    issued_on = factory.LazyFunction(_days_ago(100))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        given = {name: kwargs.pop(name) for name in _DERIVED if name in kwargs}
        plan = model_class(*args, **kwargs)
        derive_dates(plan)
        for name, value in given.items():
            setattr(plan, name, value)
        plan.save()
        return plan


class PlanEvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanEvaluation

    plan = factory.SubFactory(PlanFactory)
    evaluated_on = factory.LazyFunction(_days_ago(10))
    conclusion = "预案基本适用，组织体系和响应程序符合实际。"


class DrillFactory(factory.django.DjangoModelFactory):
    """A live department-level drill of a plan 30 days ago, organised by the plan's owner. The
    plan's last_drill_on and drill_due follow when this is its latest drill."""

    class Meta:
        model = Drill
        skip_postgeneration_save = True

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"测试应急演练{n}")
    held_on = factory.LazyFunction(_days_ago(30))
    form = DrillForm.LIVE
    scale = DrillScale.DEPARTMENT
    organiser = factory.SelfAttribute("plan.owner_unit")
    location = "寿光市文圣街88号"
    participants = 30

    @factory.post_generation
    def participating_units(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.participating_units.set(extracted)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        plan = instance.plan
        if create and (plan.last_drill_on is None or instance.held_on > plan.last_drill_on):
            plan.last_drill_on = instance.held_on
            derive_dates(plan)
            plan.save()


class RescueTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RescueTeam

    name = factory.Sequence(lambda n: f"寿光市测试救援队{n}")
    kind = TeamKind.PROFESSIONAL
    specialty = TeamSpecialty.GENERAL
    unit = factory.SubFactory(OrgUnitFactory)
    member_count = 20
    leader = "王五"
    leader_phone = "13800000000"


class StockpileFactory(factory.django.DjangoModelFactory):
    """A stockpile of 100 件. ``quantity`` is set directly; unless ``with_movement=False`` a
    matching 初始入库 movement is recorded, so the movements still sum to the quantity."""

    class Meta:
        model = Stockpile

    name = factory.Sequence(lambda n: f"测试救生衣{n}")
    category = StockCategory.LIFESAVING
    measure_unit = "件"
    quantity = Decimal("100")
    minimum_quantity = Decimal("10")
    place = "市应急物资储备库"
    owner_unit = factory.SubFactory(OrgUnitFactory)
    custodian = "赵六"

    @classmethod
    def _create(cls, model_class, *args, with_movement=True, **kwargs):
        stockpile = super()._create(model_class, *args, **kwargs)
        if with_movement and stockpile.quantity > 0:
            StockMovement.objects.create(
                stockpile=stockpile,
                kind=MovementKind.IN,
                quantity=stockpile.quantity,
                balance_after=stockpile.quantity,
                occurred_on=timezone.localdate(),
                reason="初始入库",
            )
        return stockpile


class StockMovementFactory(factory.django.DjangoModelFactory):
    """A bare movement row (balance_after given or 0); quantities change only through
    ``emergency.services.stock_move`` — use this for read tests only."""

    class Meta:
        model = StockMovement

    stockpile = factory.SubFactory(StockpileFactory)
    kind = MovementKind.IN
    quantity = Decimal("1")
    balance_after = Decimal("0")
    occurred_on = factory.LazyFunction(timezone.localdate)
    reason = "测试入库"


class ShelterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shelter

    name = factory.Sequence(lambda n: f"测试应急避难场所{n}")
    shelter_type = ShelterType.SQUARE
    category = "III"
    township = factory.SubFactory(TownshipFactory)
    address = "寿光市圣城街道农圣东街1号"
    effective_area = Decimal("5000")
    capacity = 2000
    facilities = factory.LazyFunction(lambda: ["water", "power", "toilet"])
    manager_unit = factory.SelfAttribute("township")
    public_phone = "0536-5221234"
    latitude = Decimal("36.881000")
    longitude = Decimal("118.791000")

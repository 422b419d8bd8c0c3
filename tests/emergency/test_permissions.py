"""The permission matrix on every emergency model. A plan (and its evaluations and drills)
belongs to its owner unit and its township; rescue teams, stockpiles, their movements and
shelters are seen by every unit (whoever needs help may look for it) but kept by their own unit
or township; movements are never edited, only added through ``stock_move``."""

import pytest

from emergency.choices import PlanOwnerKind, PlanType
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
from tests.permission_matrix import PermissionMatrix
from tests.responsibilities.factories import TownshipFactory

pytestmark = pytest.mark.django_db

VIEW_OWN = {"own": {"view"}, "other": set()}
VIEW_CHANGE_OWN = {"own": {"view", "change"}, "other": set()}
SEE_ALL_KEEP_OWN = {"own": {"view", "change"}, "other": {"view"}}
SEE_ALL = {"own": {"view"}, "other": {"view"}}


def is_township(unit) -> bool:
    return unit.kind == unit.Kind.TOWNSHIP


def plan_of(unit) -> Plan:
    """A township's comprehensive plan, or a bureau's department plan."""
    if is_township(unit):
        return PlanFactory(owner_kind=PlanOwnerKind.TOWNSHIP, owner_unit=unit, township=unit)
    return PlanFactory(
        owner_kind=PlanOwnerKind.BUREAU, plan_type=PlanType.DEPARTMENT, owner_unit=unit
    )


class TestPlanMatrix(PermissionMatrix):
    model = Plan
    detail_url_name = "emergency:plan-detail"
    edit_url_name = "emergency:plan-edit"
    api_basename = "plan"
    api_patch = {"scenario": "各类突发事件（修订）"}
    member_rights = {
        "staff": VIEW_CHANGE_OWN,
        "leader": VIEW_CHANGE_OWN,
        "township": VIEW_CHANGE_OWN,
    }

    def make_object(self, cast, unit):
        return plan_of(unit)


class TestPlanEvaluationMatrix(PermissionMatrix):
    model = PlanEvaluation
    api_basename = "planevaluation"
    member_rights = {"staff": VIEW_OWN, "leader": VIEW_OWN, "township": VIEW_OWN}

    def make_object(self, cast, unit):
        return PlanEvaluationFactory(plan=plan_of(unit))


class TestDrillMatrix(PermissionMatrix):
    model = Drill
    detail_url_name = "emergency:drill-detail"
    edit_url_name = "emergency:drill-edit"
    api_basename = "drill"
    api_patch = {"location": "侯镇化工园区应急集结点"}
    member_rights = {
        "staff": VIEW_CHANGE_OWN,
        "leader": VIEW_CHANGE_OWN,
        "township": VIEW_CHANGE_OWN,
    }

    def make_object(self, cast, unit):
        return DrillFactory(
            plan=plan_of(unit), organiser=unit, township=unit if is_township(unit) else None
        )


class TestRescueTeamMatrix(PermissionMatrix):
    model = RescueTeam
    detail_url_name = "emergency:team-detail"
    edit_url_name = "emergency:team-edit"
    api_basename = "rescueteam"
    api_patch = {"equipment": "水罐消防车2辆、泡沫消防车1辆"}
    member_rights = {
        "staff": SEE_ALL_KEEP_OWN,
        "leader": SEE_ALL_KEEP_OWN,
        "township": SEE_ALL_KEEP_OWN,
    }

    def make_object(self, cast, unit):
        return RescueTeamFactory(unit=unit, township=unit if is_township(unit) else None)


class TestStockpileMatrix(PermissionMatrix):
    model = Stockpile
    detail_url_name = "emergency:stockpile-detail"
    edit_url_name = "emergency:stockpile-edit"
    api_basename = "stockpile"
    api_patch = {"place": "侯镇化工园区应急物资库"}
    member_rights = {
        "staff": SEE_ALL_KEEP_OWN,
        "leader": SEE_ALL_KEEP_OWN,
        "township": SEE_ALL_KEEP_OWN,
    }

    def make_object(self, cast, unit):
        return StockpileFactory(owner_unit=unit, township=unit if is_township(unit) else None)


class TestStockMovementMatrix(PermissionMatrix):
    """Every unit reads the movements; no unit edits or deletes one (the office's global
    rights stand in the gate, but no page, API or admin offers it)."""

    model = StockMovement
    api_basename = "stockmovement"
    member_rights = {"staff": SEE_ALL, "leader": SEE_ALL, "township": SEE_ALL}

    def make_object(self, cast, unit):
        return StockMovementFactory(stockpile=StockpileFactory(owner_unit=unit))


class TestShelterMatrix(PermissionMatrix):
    model = Shelter
    detail_url_name = "emergency:shelter-detail"
    edit_url_name = "emergency:shelter-edit"
    api_basename = "shelter"
    api_patch = {"address": "侯镇政府驻地中心街18号"}
    member_rights = {
        "staff": SEE_ALL_KEEP_OWN,
        "leader": SEE_ALL_KEEP_OWN,
        "township": SEE_ALL_KEEP_OWN,
    }

    def make_object(self, cast, unit):
        if is_township(unit):
            return ShelterFactory(township=unit, manager_unit=unit)
        return ShelterFactory(township=TownshipFactory(), manager_unit=unit)

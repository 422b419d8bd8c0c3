"""Rescue teams and shelters through their services: a unit or township keeps its own, nobody
hands a record to another unit, auditors never write, bad values are refused by field."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from emergency import services
from emergency.models import RescueTeam, Shelter
from tests.emergency.factories import RescueTeamFactory, ShelterFactory
from tests.responsibilities.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def new_team(cast, actor=None, **fields) -> RescueTeam:
    values = {
        "name": "寿光市建筑工程抢险队",
        "kind": "professional",
        "specialty": "construction",
        "unit": cast.zhujian_unit,
        "member_count": 35,
        "leader": "孙七",
        "leader_phone": "13900000000",
    }
    values.update(fields)
    return services.team_save(actor=actor or cast.zhujian, **values)


def new_shelter(cast, actor=None, **fields) -> Shelter:
    values = {
        "name": "侯镇文化广场应急避难场所",
        "shelter_type": "square",
        "category": "III",
        "township": cast.houzhen_unit,
        "address": "侯镇政府驻地南",
        "effective_area": Decimal("12000"),
        "capacity": 6000,
        "facilities": ["water", "power", "toilet"],
    }
    values.update(fields)
    return services.shelter_save(actor=actor or cast.houzhen, **values)


# --- rescue teams -------------------------------------------------------------------------------


def test_a_unit_registers_and_updates_its_rescue_team(cast):
    team = new_team(cast)
    team = services.team_save(
        actor=cast.zhujian, instance=team, readiness="limited", member_count=30
    )

    assert (team.unit, team.readiness, team.member_count) == (cast.zhujian_unit, "limited", 30)
    assert team.history.count() == 2


def test_an_enterprise_team_is_placed_in_the_enterprises_township(cast):
    enterprise = EnterpriseFactory(township=cast.houzhen_unit)
    team = new_team(cast, kind="enterprise", enterprise=enterprise)
    assert team.township == cast.houzhen_unit


def test_bureau_staff_cannot_change_another_units_team(cast):
    team = RescueTeamFactory(unit=cast.yingji_unit, name="应急局救援队")
    with pytest.raises(PermissionDenied):
        services.team_save(actor=cast.zhujian, instance=team, name="改")
    team.refresh_from_db()
    assert team.name == "应急局救援队"


def test_a_unit_cannot_register_or_move_a_team_to_another_unit(cast):
    with pytest.raises(PermissionDenied):
        new_team(cast, unit=cast.yingji_unit)
    team = new_team(cast)
    with pytest.raises(PermissionDenied):
        services.team_save(actor=cast.zhujian, instance=team, unit=cast.yingji_unit)
    team.refresh_from_db()
    assert team.unit == cast.zhujian_unit


def test_auditors_never_write_teams(cast):
    with pytest.raises(PermissionDenied):
        new_team(cast, actor=cast.auditor)


def test_bad_team_values_are_refused_by_field(cast):
    with pytest.raises(ValidationError) as exc:
        new_team(cast, township=cast.zhujian_unit)
    assert "township" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        new_team(cast, latitude="95")
    assert "latitude" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        new_team(cast, kind="army", member_count=-1)
    assert {"kind", "member_count"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        new_team(cast, established_on=datetime.date.today() + datetime.timedelta(days=1))
    assert "established_on" in exc.value.message_dict
    assert not RescueTeam.objects.exists()


# --- shelters -----------------------------------------------------------------------------------


def test_a_township_registers_its_shelter_and_manages_it(cast):
    shelter = new_shelter(cast, facilities=["water", "water", "toilet"])

    assert (shelter.manager_unit, shelter.facilities) == (cast.houzhen_unit, ["water", "toilet"])
    assert shelter.is_public


def test_a_township_cannot_register_a_shelter_in_another_township(cast):
    with pytest.raises(PermissionDenied):
        new_shelter(cast, township=cast.yangkou_unit)
    assert not Shelter.objects.exists()


def test_a_township_cannot_change_another_townships_shelter(cast):
    shelter = ShelterFactory(township=cast.yangkou_unit)
    with pytest.raises(PermissionDenied):
        services.shelter_save(actor=cast.houzhen, instance=shelter, capacity=1)


def test_the_managing_unit_updates_a_shelter_in_a_township(cast):
    shelter = ShelterFactory(township=cast.yangkou_unit, manager_unit=cast.zhujian_unit)
    shelter = services.shelter_save(actor=cast.zhujian, instance=shelter, signage_done=True)
    assert shelter.signage_done


def test_auditors_never_write_shelters(cast):
    with pytest.raises(PermissionDenied):
        new_shelter(cast, actor=cast.auditor)


def test_bad_shelter_values_are_refused_by_field(cast):
    with pytest.raises(ValidationError) as exc:
        new_shelter(cast, facilities=["water", "swimming_pool"])
    assert "swimming_pool" in exc.value.message_dict["facilities"][0]
    with pytest.raises(ValidationError) as exc:
        new_shelter(cast, capacity=0, effective_area="0")
    assert {"capacity", "effective_area"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        new_shelter(cast, township=cast.zhujian_unit)
    assert "township" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        new_shelter(cast, effective_area="很大")
    assert "effective_area" in exc.value.message_dict
    assert not Shelter.objects.exists()

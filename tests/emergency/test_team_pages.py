"""救援队伍 pages: every unit may find a team, only its unit or township edits it, the list
filters, bad input is refused by field, and the list costs the same queries at any size."""

from __future__ import annotations

import pytest
from django.urls import reverse

from emergency.choices import Readiness, TeamKind, TeamSpecialty
from emergency.models import RescueTeam
from tests.emergency.factories import RescueTeamFactory
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

LIST = reverse("emergency:team-list")
CREATE = reverse("emergency:team-create")


def names(response) -> set[str]:
    return {team.name for team in response.context["object_list"]}


def team_form(unit, **overrides) -> dict:
    data = {
        "name": "侯镇应急救援队",
        "kind": TeamKind.VOLUNTEER,
        "specialty": TeamSpecialty.FLOOD,
        "unit": unit.pk,
        "township": unit.pk if unit.is_township else "",
        "member_count": "35",
        "leader": "李强",
        "leader_phone": "13905361234",
        "duty_phone": "0536-5201234",
        "readiness": Readiness.READY,
        "is_active": "on",
        "equipment": "冲锋舟2艘、救生衣100件",
        "location_lat": "36.990000",
        "location_lon": "118.850000",
    }
    data.update(overrides)
    return data


def test_every_unit_sees_every_team_to_call_on(client, cast):
    RescueTeamFactory(name="住建局抢险队", unit=cast.zhujian_unit)
    RescueTeamFactory(name="侯镇志愿者队", unit=cast.houzhen_unit, township=cast.houzhen_unit)
    client.force_login(cast.houzhen)
    response = client.get(LIST)
    assert response.status_code == 200
    assert names(response) == {"住建局抢险队", "侯镇志愿者队"}


def test_list_filters_by_kind_specialty_township_unit_readiness_and_words(client, cast):
    hazchem = RescueTeamFactory(
        name="危化品救援队",
        kind=TeamKind.ENTERPRISE,
        specialty=TeamSpecialty.HAZCHEM,
        unit=cast.yingji_unit,
        equipment="防化服20套",
    )
    flood = RescueTeamFactory(
        name="侯镇防汛队",
        kind=TeamKind.VOLUNTEER,
        specialty=TeamSpecialty.FLOOD,
        unit=cast.houzhen_unit,
        township=cast.houzhen_unit,
        readiness=Readiness.LIMITED,
    )
    client.force_login(cast.office)
    assert names(client.get(LIST, {"kind": "enterprise"})) == {hazchem.name}
    assert names(client.get(LIST, {"specialty": "flood"})) == {flood.name}
    assert names(client.get(LIST, {"township": cast.houzhen_unit.pk})) == {flood.name}
    assert names(client.get(LIST, {"unit": cast.yingji_unit.pk})) == {hazchem.name}
    assert names(client.get(LIST, {"readiness": "limited"})) == {flood.name}
    assert names(client.get(LIST, {"q": "防化服"})) == {hazchem.name}


def test_township_records_a_team_in_its_territory(client, cast):
    client.force_login(cast.houzhen)
    response = client.post(CREATE, team_form(cast.houzhen_unit))
    team = RescueTeam.objects.get(name="侯镇应急救援队")
    assert response.status_code == 302
    assert response.url == team.get_absolute_url()
    assert (team.unit, team.township, team.member_count) == (
        cast.houzhen_unit,
        cast.houzhen_unit,
        35,
    )
    assert str(team.latitude) == "36.990000"
    assert team.history.count() == 1


def test_bureau_cannot_record_a_team_for_another_unit(client, cast):
    client.force_login(cast.zhujian)
    response = client.post(CREATE, team_form(cast.houzhen_unit))
    assert response.status_code == 403
    assert not RescueTeam.objects.exists()


def test_bad_input_names_the_field_and_saves_nothing(client, cast):
    client.force_login(cast.houzhen)
    response = client.post(
        CREATE, team_form(cast.houzhen_unit, member_count="三十", location_lat="95")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "member_count" in errors
    assert "location" in errors
    assert not RescueTeam.objects.exists()


def test_unit_edits_its_own_team_and_not_another_units(client, cast):
    own = RescueTeamFactory(unit=cast.zhujian_unit, member_count=10)
    other = RescueTeamFactory(unit=cast.yingji_unit)
    client.force_login(cast.zhujian)
    data = team_form(cast.zhujian_unit, name=own.name, member_count="12")
    response = client.post(reverse("emergency:team-edit", args=[own.pk]), data)
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.member_count == 12
    assert client.get(reverse("emergency:team-edit", args=[other.pk])).status_code == 404


def test_detail_offers_edit_only_to_those_who_may_change(client, cast):
    team = RescueTeamFactory(unit=cast.zhujian_unit, equipment="破拆工具组")
    url = reverse("emergency:team-detail", args=[team.pk])
    client.force_login(cast.zhujian)
    response = client.get(url)
    assert response.status_code == 200
    assert "破拆工具组" in response.content.decode()
    assert response.context["can_change"] is True
    client.force_login(cast.yingji)
    assert client.get(url).context["can_change"] is False
    client.force_login(cast.auditor)
    assert client.get(url).context["can_change"] is False


def test_auditor_cannot_open_the_create_form(client, cast):
    client.force_login(cast.auditor)
    assert client.get(CREATE).status_code == 403


def test_team_list_costs_the_same_queries_for_10_and_1000_teams(client, cast):
    client.force_login(cast.houzhen)

    def grow(n):
        missing = n - RescueTeam.objects.count()
        RescueTeam.objects.bulk_create(
            RescueTeamFactory.build_batch(
                missing, unit=cast.zhujian_unit, township=cast.houzhen_unit
            )
        )

    def fetch():
        response = client.get(LIST, {"page_size": 50})
        assert response.status_code == 200
        assert len(response.context["object_list"]) == min(50, RescueTeam.objects.count())

    assert_constant_queries(grow, fetch)

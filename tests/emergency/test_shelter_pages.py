"""应急避难场所 pages: the list filters and flags shelters without signs, recording with the
point picker and facilities, only the township or managing unit edits, a shelter's page has
its small map, the capacity page weighs each township's shelters against its population, and
the workbench raises shelters without signs."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from emergency.choices import ShelterType
from emergency.models import Shelter
from tests.emergency.factories import ShelterFactory
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

LIST = reverse("emergency:shelter-list")
CREATE = reverse("emergency:shelter-create")
CAPACITY = reverse("emergency:shelter-capacity")


def names(response) -> set[str]:
    return {shelter.name for shelter in response.context["object_list"]}


def shelter_form(township, **overrides) -> dict:
    data = {
        "name": "侯镇中心广场",
        "shelter_type": ShelterType.SQUARE,
        "category": "III",
        "township": township.pk,
        "address": "侯镇政府驻地北",
        "effective_area": "12000",
        "capacity": "6000",
        "facilities": ["water", "toilet", "broadcast"],
        "manager": "刘洋",
        "manager_phone": "13705361111",
        "public_phone": "0536-5311234",
        "is_public": "on",
        "location_lat": "37.045000",
        "location_lon": "118.880000",
    }
    data.update(overrides)
    return data


def test_list_filters_by_type_category_township_signage_and_public(client, cast):
    square = ShelterFactory(name="侯镇广场", township=cast.houzhen_unit, signage_done=True)
    school = ShelterFactory(
        name="羊口中学操场",
        township=cast.yangkou_unit,
        shelter_type=ShelterType.SCHOOL,
        category="II",
        is_public=False,
    )
    client.force_login(cast.zhujian)
    assert names(client.get(LIST)) == {square.name, school.name}
    assert names(client.get(LIST, {"shelter_type": "school"})) == {school.name}
    assert names(client.get(LIST, {"category": "II"})) == {school.name}
    assert names(client.get(LIST, {"township": cast.houzhen_unit.pk})) == {square.name}
    assert names(client.get(LIST, {"signage_done": "false"})) == {school.name}
    assert names(client.get(LIST, {"is_public": "false"})) == {school.name}
    assert names(client.get(LIST, {"q": "中学"})) == {school.name}
    body = client.get(LIST).content.decode()
    assert body.count('data-testid="flag-no-signage"') == 1


def test_shelter_list_costs_the_same_queries_for_10_and_1000_rows(client, cast):
    client.force_login(cast.houzhen)

    def grow(n):
        missing = n - Shelter.objects.count()
        Shelter.objects.bulk_create(
            ShelterFactory.build_batch(
                missing, township=cast.houzhen_unit, manager_unit=cast.houzhen_unit
            )
        )

    def fetch():
        response = client.get(LIST, {"page_size": 50})
        assert response.status_code == 200
        assert len(response.context["object_list"]) == min(50, Shelter.objects.count())

    assert_constant_queries(grow, fetch)


def test_township_records_a_shelter_with_its_point_and_facilities(client, cast):
    client.force_login(cast.houzhen)
    form = client.get(CREATE).content.decode()
    assert "data-point-picker" in form and 'value="helipad"' in form
    assert 'data-testid="facilities-field"' in form
    response = client.post(CREATE, shelter_form(cast.houzhen_unit))
    shelter = Shelter.objects.get(name="侯镇中心广场")
    assert response.status_code == 302
    assert shelter.facilities == ["water", "toilet", "broadcast"]
    assert (shelter.latitude, shelter.longitude) == (Decimal("37.045000"), Decimal("118.880000"))
    assert shelter.manager_unit == cast.houzhen_unit  # defaults to the township


def test_an_unknown_facility_or_a_zero_capacity_is_refused_by_field(client, cast):
    client.force_login(cast.houzhen)
    response = client.post(
        CREATE, shelter_form(cast.houzhen_unit, facilities=["water", "pool"], capacity="0")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "facilities" in errors
    assert not Shelter.objects.exists()
    response = client.post(CREATE, shelter_form(cast.houzhen_unit, capacity="0"))
    assert "capacity" in response.context["form"].errors
    assert not Shelter.objects.exists()


def test_township_cannot_record_a_shelter_in_another_township(client, cast):
    client.force_login(cast.houzhen)
    response = client.post(CREATE, shelter_form(cast.yangkou_unit))
    assert response.status_code == 403
    assert not Shelter.objects.exists()


def test_only_the_township_or_managing_unit_edits_a_shelter(client, cast):
    shelter = ShelterFactory(township=cast.houzhen_unit, capacity=100)
    url = reverse("emergency:shelter-edit", args=[shelter.pk])
    client.force_login(cast.zhujian)
    assert client.get(url).status_code == 404
    client.force_login(cast.houzhen)
    response = client.post(url, shelter_form(cast.houzhen_unit, name=shelter.name, capacity="800"))
    assert response.status_code == 302
    shelter.refresh_from_db()
    assert shelter.capacity == 800


def test_detail_shows_facilities_and_a_small_map_of_the_point(client, cast):
    shelter = ShelterFactory(township=cast.houzhen_unit, facilities=["water", "helipad"])
    client.force_login(cast.zhujian)
    response = client.get(shelter.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert "应急供水" in body and "直升机停机坪" in body
    assert 'data-testid="map"' in body
    data = client.get(reverse("emergency:shelter-point", args=[shelter.pk])).json()
    assert data["features"][0]["geometry"]["coordinates"] == [118.791, 36.881]


def test_detail_without_coordinates_has_no_map(client, cast):
    shelter = ShelterFactory(township=cast.houzhen_unit, latitude=None, longitude=None)
    client.force_login(cast.houzhen)
    body = client.get(shelter.get_absolute_url()).content.decode()
    assert 'data-testid="map"' not in body
    assert "尚未标注坐标" in body


def test_capacity_page_weighs_shelters_against_each_townships_population(client, cast):
    cast.houzhen_unit.population = 50000
    cast.houzhen_unit.is_sample_data = True
    cast.houzhen_unit.save()
    cast.yangkou_unit.population = 10000
    cast.yangkou_unit.save()
    ShelterFactory(township=cast.houzhen_unit, capacity=4000, effective_area=Decimal("6000"))
    ShelterFactory(township=cast.houzhen_unit, capacity=6000, effective_area=Decimal("9000"))
    ShelterFactory(township=cast.yangkou_unit, capacity=5000, effective_area=Decimal("8000"))
    client.force_login(cast.yingji)
    response = client.get(CAPACITY)
    rows = {row.township.name: row for row in response.context["rows"]}
    houzhen, yangkou = rows["侯镇"], rows["羊口镇"]
    assert (houzhen.shelters, houzhen.capacity, houzhen.effective_area) == (2, 10000, 15000)
    assert houzhen.capacity_percent == Decimal("20.0")  # below the 30% target
    assert houzhen.area_per_resident == Decimal("0.30")
    assert houzhen.is_low and houzhen.is_sample
    assert yangkou.capacity_percent == Decimal("50.0")
    assert yangkou.area_per_resident == Decimal("0.80")
    assert not yangkou.is_low
    body = response.content.decode()
    assert body.count('data-testid="flag-low"') == 1
    assert 'data-testid="sample"' in body


def test_capacity_page_leaves_a_township_without_population_unjudged(client, cast):
    ShelterFactory(township=cast.houzhen_unit, capacity=10)
    client.force_login(cast.office)
    row = next(r for r in client.get(CAPACITY).context["rows"] if r.township == cast.houzhen_unit)
    assert row.capacity_percent is None and not row.is_low


def test_workbench_raises_shelters_without_signs_to_their_township(client, cast):
    ShelterFactory(name="侯镇公园", township=cast.houzhen_unit, signage_done=False)
    ShelterFactory(name="侯镇广场", township=cast.houzhen_unit, signage_done=True)
    ShelterFactory(name="羊口公园", township=cast.yangkou_unit, signage_done=False)
    client.force_login(cast.houzhen)
    body = client.get(reverse("workbench")).content.decode()
    assert 'data-testid="panel-shelters-no-signage"' in body
    assert "侯镇公园" in body and "侯镇广场" not in body and "羊口公园" not in body
    client.force_login(cast.office)
    body = client.get(reverse("workbench")).content.decode()
    assert "侯镇公园" in body and "羊口公园" in body

"""The public shelter map: no login, published shelters only, and exactly the public fields
(``Shelter.PUBLIC_FIELDS``) leave the portal — never the manager's name or phone, nor notes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from emergency.models import Shelter
from tests.emergency.factories import ShelterFactory
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

PAGE = reverse("emergency:shelter-public")
DATA = reverse("emergency:shelter-public-data")

SECRETS = {
    "manager": "内部管理员王某",
    "manager_phone": "13999990000",
    "note": "内部备注：钥匙在门卫",
}


def test_the_page_and_its_data_need_no_login(client, cast):
    ShelterFactory(name="侯镇中心广场", township=cast.houzhen_unit)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "侯镇中心广场" in page.content.decode()
    assert 'data-testid="map"' in page.content.decode()
    data = client.get(DATA)
    assert data.status_code == 200
    assert data["Content-Type"] == "application/geo+json"


def test_exactly_the_public_fields_leave(client, cast):
    ShelterFactory(name="侯镇中心广场", township=cast.houzhen_unit, **SECRETS)
    feature = client.get(DATA).json()["features"][0]
    coordinates = {"latitude", "longitude"}
    assert set(feature["properties"]) == set(Shelter.PUBLIC_FIELDS) - coordinates
    assert feature["geometry"] == {"type": "Point", "coordinates": [118.791, 36.881]}
    assert feature["properties"]["township"] == "侯镇"
    assert feature["properties"]["facilities"] == ["应急供水", "应急供电", "应急厕所"]
    for body in (client.get(DATA).content.decode(), client.get(PAGE).content.decode()):
        for secret in SECRETS.values():
            assert secret not in body


def test_an_unpublished_shelter_never_appears(client, cast):
    ShelterFactory(name="公开广场", township=cast.houzhen_unit)
    ShelterFactory(name="未公开仓储场地", township=cast.houzhen_unit, is_public=False)
    for url in (PAGE, DATA, f"{PAGE}?township={cast.houzhen_unit.pk}"):
        body = client.get(url).content.decode()
        assert "公开广场" in body
        assert "未公开仓储场地" not in body


def test_a_shelter_without_coordinates_is_listed_but_not_mapped(client, cast):
    ShelterFactory(name="待定位场所", township=cast.houzhen_unit, latitude=None, longitude=None)
    assert "待定位场所" in client.get(PAGE).content.decode()
    assert client.get(DATA).json()["features"] == []


def test_township_filter_narrows_the_list_and_the_map(client, cast):
    ShelterFactory(name="侯镇广场", township=cast.houzhen_unit)
    ShelterFactory(name="羊口公园", township=cast.yangkou_unit)
    page = client.get(PAGE, {"township": cast.yangkou_unit.pk})
    body = page.content.decode()
    assert "羊口公园" in body and "侯镇广场" not in body
    assert f"shelters.geojson?township={cast.yangkou_unit.pk}" in body
    features = client.get(DATA, {"township": cast.yangkou_unit.pk}).json()["features"]
    assert [f["properties"]["name"] for f in features] == ["羊口公园"]


@pytest.mark.parametrize("value", ["abc", "999999", "-1", "1; drop table"])
def test_a_bad_township_shows_all_and_never_fails(client, cast, value):
    ShelterFactory(name="侯镇广场", township=cast.houzhen_unit)
    assert "侯镇广场" in client.get(PAGE, {"township": value}).content.decode()
    assert len(client.get(DATA, {"township": value}).json()["features"]) == 1


def test_public_page_and_data_cost_the_same_queries_for_10_and_1000_shelters(client, cast):
    def grow(n):
        missing = n - Shelter.objects.count()
        Shelter.objects.bulk_create(
            ShelterFactory.build_batch(
                missing, township=cast.houzhen_unit, manager_unit=cast.houzhen_unit
            )
        )

    def fetch():
        response = client.get(DATA)
        assert len(response.json()["features"]) == Shelter.objects.count()
        page = client.get(PAGE)
        assert len(page.context["shelters"]) == Shelter.objects.count()

    assert_constant_queries(grow, fetch)


def test_the_login_page_links_to_the_public_map(client):
    body = client.get(reverse("login")).content.decode()
    assert f'href="{PAGE}"' in body

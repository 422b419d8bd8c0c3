"""The township base map's data and the point field: server-side behaviour."""

import json
from decimal import Decimal

import pytest
from django import forms
from django.urls import reverse

from portal.maps import MapPointField, MapPointFormMixin
from responsibilities.models import Enterprise

TOWNSHIPS = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "侯镇", "approximate": True},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[118.9, 37.0], [119.0, 37.0], [119.0, 37.1], [118.9, 37.0]]],
            },
        }
    ],
}


@pytest.fixture
def township_file(tmp_path, settings):
    path = tmp_path / "townships.geojson"
    path.write_text(json.dumps(TOWNSHIPS, ensure_ascii=False), encoding="utf-8")
    settings.TOWNSHIP_GEOJSON = path
    return path


def test_townships_are_served_as_cacheable_geojson_without_login(client, township_file):
    response = client.get(reverse("map:townships"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert "max-age=3600" in response["Cache-Control"]
    assert response.json()["features"][0]["properties"]["name"] == "侯镇"
    again = client.get(reverse("map:townships"), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_a_replaced_township_file_is_served_fresh(client, township_file):
    first = client.get(reverse("map:townships")).json()
    data = dict(TOWNSHIPS, features=TOWNSHIPS["features"] * 2)
    township_file.write_text(json.dumps(data), encoding="utf-8")
    second = client.get(reverse("map:townships")).json()
    assert (len(first["features"]), len(second["features"])) == (1, 2)


@pytest.mark.parametrize("content", [None, "{not json", '{"type": "Feature"}'])
def test_a_missing_or_broken_township_file_gives_an_empty_map_with_a_message(
    client, tmp_path, settings, content
):
    path = tmp_path / "broken.geojson"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    settings.TOWNSHIP_GEOJSON = path
    response = client.get(reverse("map:townships"))
    assert response.status_code == 200
    body = response.json()
    assert body["features"] == [] and body["error"].startswith("乡镇边界文件无法读取")


def test_the_shipped_township_file_is_a_feature_collection(settings):
    data = json.loads(settings.TOWNSHIP_GEOJSON.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    assert all(f["properties"].get("name") for f in data["features"])


class PointForm(forms.Form):
    location = MapPointField(label="位置", required=False)


def test_the_point_field_cleans_to_a_decimal_pair():
    form = PointForm(data={"location_lat": "36.8812345", "location_lon": "118.7"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["location"] == (Decimal("36.881235"), Decimal("118.700000"))


def test_an_empty_point_is_none_and_half_a_point_is_an_error():
    assert PointForm(data={}).is_valid()
    empty = PointForm(data={"location_lat": "", "location_lon": ""})
    assert empty.is_valid() and empty.cleaned_data["location"] is None
    half = PointForm(data={"location_lat": "36.9", "location_lon": ""})
    assert not half.is_valid()
    assert half.errors["location"] == ["请同时填写纬度和经度。"]


@pytest.mark.parametrize(
    "lat, lon, message",
    [("95", "118", "纬度应在-90到90之间。"), ("36", "abc", "经度须为数字。")],
)
def test_out_of_range_or_garbled_coordinates_are_named(lat, lon, message):
    form = PointForm(data={"location_lat": lat, "location_lon": lon})
    assert not form.is_valid()
    assert message in form.errors["location"]


def test_the_widget_renders_inputs_a_map_and_its_settings_as_json_not_script():
    html = PointForm(initial={"location": (Decimal("36.9"), Decimal("118.8"))}).as_div()
    assert 'name="location_lat"' in html and 'value="36.9"' in html
    assert 'name="location_lon"' in html and "data-point-picker" in html
    assert 'type="application/json"' in html and "使用当前位置" in html
    assert "wide" not in html
    media = str(PointForm().media)
    assert "vendor/leaflet/leaflet.js" in media and "portal/js/map.js" in media


class EnterpriseLocationForm(MapPointFormMixin, forms.ModelForm):
    location = MapPointField(label="位置", required=False)
    map_point_fields = {"location": ("latitude", "longitude")}

    class Meta:
        model = Enterprise
        fields = ["name"]


def test_the_mixin_maps_the_point_onto_two_model_fields():
    instance = Enterprise(name="寿光测试企业", latitude=Decimal("36.9"), longitude=Decimal("118.8"))
    form = EnterpriseLocationForm(instance=instance)
    assert form.initial["location"] == (Decimal("36.9"), Decimal("118.8"))
    form = EnterpriseLocationForm(
        instance=instance,
        data={"name": "寿光测试企业", "location_lat": "37.0", "location_lon": "118.95"},
    )
    form.is_valid()
    assert form.cleaned_data["latitude"] == Decimal("37.000000")
    assert (instance.latitude, instance.longitude) == (Decimal("37.000000"), Decimal("118.950000"))

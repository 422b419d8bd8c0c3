"""四色图: the map page and its two data endpoints — payloads, scope, filters, bad input."""

from __future__ import annotations

import gzip
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from risks.choices import LEVEL_COLORS, RiskCategory, RiskKind, RiskLevel
from risks.map import aggregate_level
from tests.risks.factories import RiskPointFactory

pytestmark = pytest.mark.django_db

POINTS = reverse("risks:map-points")
TOWNSHIPS = reverse("risks:map-townships")


def get_json(client, user, url, **params):
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


def codes(payload) -> set[str]:
    return set(payload["points"]["code"])


@pytest.fixture
def points(cast):
    """Three points: one in 侯镇 kept by 市住建局, one in 羊口镇 kept by 侯镇, one in 羊口镇 kept
    by 市应急管理局."""
    return {
        "houzhen_zhujian": RiskPointFactory(
            name="侯镇液氯储罐区",
            township=cast.houzhen_unit,
            responsible_unit=cast.zhujian_unit,
            responsible_person="王五",
            level=RiskLevel.RED,
            latitude=Decimal("37.051234"),
            longitude=Decimal("118.912345"),
        ),
        "yangkou_houzhen": RiskPointFactory(
            name="羊口港油库",
            township=cast.yangkou_unit,
            responsible_unit=cast.houzhen_unit,
            responsible_person="李四",
            level=RiskLevel.BLUE,
            category=RiskCategory.PIPELINE,
            kind=RiskKind.OPERATION,
            latitude=Decimal("37.200001"),
            longitude=Decimal("118.880009"),
        ),
        "yangkou_yingji": RiskPointFactory(
            name="羊口盐场卤水池",
            township=cast.yangkou_unit,
            responsible_unit=cast.yingji_unit,
            level=RiskLevel.ORANGE,
            category=RiskCategory.INDUSTRY_TRADE,
            latitude=Decimal("37.180000"),
            longitude=Decimal("118.900000"),
        ),
    }


# --- the points payload ---------------------------------------------------------------------


def test_points_come_in_columns_with_lookup_tables_and_the_strictest_last(client, cast, points):
    payload = get_json(client, cast.office, POINTS)
    assert payload["format"] == "columns" and payload["version"] == 1
    assert (payload["total"], payload["drawn"], payload["without_coordinates"]) == (3, 3, 0)
    assert payload["counts"] == {"red": 1, "orange": 1, "yellow": 0, "blue": 1, "none": 0}
    columns = payload["points"]
    assert {len(values) for values in columns.values()} == {3}
    # Drawn blue → red, so the red point lies on top.
    levels = [payload["levels"][i] for i in columns["lv"]]
    assert levels == ["blue", "orange", "red"]
    red = points["houzhen_zhujian"]
    i = columns["code"].index(red.code)
    assert columns["id"][i] == red.pk
    assert (columns["lat"][i], columns["lon"][i]) == (37.05123, 118.91235)  # 5 decimals, ~1 m
    assert columns["name"][i] == "侯镇液氯储罐区"
    assert payload["townships"][columns["tw"][i]] == "侯镇"
    assert payload["units"][columns["un"][i]] == "市住建局"
    assert columns["person"][i] == "王五"
    assert payload["detail_url"].replace("0/", f"{red.pk}/") == red.get_absolute_url()
    # Lookup tables hold each name once.
    assert sorted(payload["townships"]) == ["侯镇", "羊口镇"]


def test_points_without_coordinates_are_counted_but_not_drawn(client, cast, points):
    RiskPointFactory(
        township=cast.houzhen_unit,
        responsible_unit=cast.zhujian_unit,
        level=RiskLevel.YELLOW,
        latitude=None,
        longitude=None,
    )
    payload = get_json(client, cast.office, POINTS)
    assert (payload["total"], payload["drawn"], payload["without_coordinates"]) == (4, 3, 1)
    assert payload["counts"]["yellow"] == 1
    assert "yellow" not in [payload["levels"][i] for i in payload["points"]["lv"]]


def test_unassessed_points_are_drawn_grey_and_counted_as_none(client, cast):
    point = RiskPointFactory(township=cast.houzhen_unit, level="")
    payload = get_json(client, cast.office, POINTS)
    assert payload["counts"]["none"] == 1
    assert payload["levels"][payload["points"]["lv"][0]] == ""
    assert payload["points"]["code"] == [point.code]


def test_retired_points_are_left_off_the_map_unless_asked_for(client, cast, points):
    retired = points["yangkou_yingji"]
    retired.is_active = False
    retired.save()
    assert retired.code not in codes(get_json(client, cast.office, POINTS))
    assert codes(get_json(client, cast.office, POINTS, active="false")) == {retired.code}


# --- scope ------------------------------------------------------------------------------------


def test_township_staff_see_their_townships_points_and_their_units_points_only(
    client, cast, points
):
    payload = get_json(client, cast.houzhen, POINTS)
    assert codes(payload) == {points["houzhen_zhujian"].code, points["yangkou_houzhen"].code}
    assert payload["total"] == 2


def test_bureau_staff_see_only_the_points_their_unit_keeps(client, cast, points):
    assert codes(get_json(client, cast.zhujian, POINTS)) == {points["houzhen_zhujian"].code}
    assert codes(get_json(client, cast.yingji, POINTS)) == {points["yangkou_yingji"].code}


@pytest.mark.parametrize("role", ["auditor", "office", "admin"])
def test_readers_of_everything_see_every_point(client, cast, points, role):
    payload = get_json(client, getattr(cast, role), POINTS)
    assert codes(payload) == {p.code for p in points.values()}


def test_township_shading_counts_only_what_the_user_may_see(client, cast, points):
    payload = get_json(client, cast.houzhen, TOWNSHIPS)
    counts = {t["name"]: t["counts"] for t in payload["townships"]}
    assert counts["侯镇"]["red"] == 1
    assert counts["羊口镇"] == {"red": 0, "orange": 0, "yellow": 0, "blue": 1, "none": 0}


def test_anonymous_requests_get_401_not_the_data(client, points):
    for url in (POINTS, TOWNSHIPS):
        response = client.get(url)
        assert response.status_code == 401
        assert "登录" in response.json()["error"]
    assert client.get(reverse("risks:map")).status_code == 302


# --- filters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"level": "red"}, {"houzhen_zhujian"}),
        ({"level": "orange"}, {"yangkou_yingji"}),
        ({"category": "pipeline"}, {"yangkou_houzhen"}),
        ({"kind": "operation"}, {"yangkou_houzhen"}),
        ({"category": "hazardous_chemicals", "level": "blue"}, set()),
        ({}, {"houzhen_zhujian", "yangkou_houzhen", "yangkou_yingji"}),
    ],
)
def test_filters_narrow_points_and_township_counts_alike(client, cast, points, params, expected):
    payload = get_json(client, cast.office, POINTS, **params)
    assert codes(payload) == {points[key].code for key in expected}
    shading = get_json(client, cast.office, TOWNSHIPS, **params)
    assert sum(t["total"] for t in shading["townships"]) == len(expected)


def test_the_township_filter_takes_a_township(client, cast, points):
    payload = get_json(client, cast.office, POINTS, township=cast.yangkou_unit.pk)
    assert codes(payload) == {points["yangkou_houzhen"].code, points["yangkou_yingji"].code}


def test_the_level_filter_finds_unassessed_points(client, cast, points):
    fresh = RiskPointFactory(township=cast.houzhen_unit, level="")
    assert codes(get_json(client, cast.office, POINTS, level="none")) == {fresh.code}


@pytest.mark.parametrize(
    "params, field, words",
    [
        ({"level": "purple"}, "level", "风险等级"),
        ({"township": "999999"}, "township", "镇街区"),
        ({"township": "abc"}, "township", "镇街区"),
        ({"category": "volcano"}, "category", "风险类别"),
    ],
)
def test_a_bad_filter_is_a_400_naming_the_field(client, cast, points, params, field, words):
    client.force_login(cast.office)
    for url in (POINTS, TOWNSHIPS):
        response = client.get(url, params)
        assert response.status_code == 400
        errors = response.json()["errors"]
        assert list(errors) == [field]
        assert words in errors[field][0]


def test_a_bureau_is_not_a_township_filter(client, cast, points):
    client.force_login(cast.office)
    assert client.get(POINTS, {"township": cast.zhujian_unit.pk}).status_code == 400


# --- township shading -------------------------------------------------------------------------


def test_townships_carry_counts_highest_score_and_aggregate(client, cast, points):
    RiskPointFactory(township=cast.yangkou_unit, level=RiskLevel.BLUE)
    RiskPointFactory(township=cast.yangkou_unit, level="")
    payload = get_json(client, cast.office, TOWNSHIPS)
    yangkou = next(t for t in payload["townships"] if t["name"] == "羊口镇")
    assert yangkou["counts"] == {"red": 0, "orange": 1, "yellow": 0, "blue": 2, "none": 1}
    assert yangkou["total"] == 4
    assert yangkou["highest"] == "orange"
    assert yangkou["score"] == 3 + 1 + 1
    assert yangkou["aggregate"] == "yellow"  # (3 + 1 + 1) / 3 = 1.67 → 一般
    assert payload["max_total"] == 4
    assert payload["weights"] == {"red": 4, "orange": 3, "yellow": 2, "blue": 1}


@pytest.mark.parametrize(
    "counts, expected",
    [
        ({"red": 1}, "red"),
        ({"red": 1, "orange": 1}, "red"),  # mean 3.5: the boundary rounds up
        ({"red": 1, "yellow": 1}, "orange"),  # 3.0
        ({"red": 1, "blue": 1}, "orange"),  # 2.5
        ({"orange": 1, "blue": 2}, "yellow"),  # 1.67
        ({"yellow": 1, "blue": 1}, "yellow"),  # 1.5
        ({"yellow": 1, "blue": 2}, "blue"),  # 1.33
        ({"red": 1, "blue": 3}, "yellow"),  # 1.75
        ({"none": 5}, ""),  # nothing assessed
    ],
)
def test_aggregate_level_rounds_the_weighted_mean_to_the_nearest_level(counts, expected):
    full = {"red": 0, "orange": 0, "yellow": 0, "blue": 0, "none": 0, **counts}
    assert aggregate_level(full) == expected


# --- the response ----------------------------------------------------------------------------


def test_points_are_gzipped_for_browsers_that_accept_it(client, cast, points):
    client.force_login(cast.office)
    response = client.get(POINTS, HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(response.content))["total"] == 3
    assert "private" in response["Cache-Control"]


def test_an_unchanged_answer_is_a_304_by_its_etag(client, cast, points):
    client.force_login(cast.office)
    first = client.get(POINTS)
    again = client.get(POINTS, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    points["houzhen_zhujian"].name = "侯镇液氯储罐区（扩建）"
    points["houzhen_zhujian"].save()
    assert client.get(POINTS, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


# --- the page ---------------------------------------------------------------------------------


def test_the_map_page_has_filters_legend_and_no_inline_script(client, cast, points, settings):
    settings.MAP_TILE_URL = ""
    client.force_login(cast.houzhen)
    response = client.get(reverse("risks:map"), {"level": "red"})
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("township", "category", "level", "kind"):
        assert f'name="{name}"' in html
    assert re.search(r'<option value="red" selected>', html)
    for level, color in LEVEL_COLORS.items():
        assert f'data-legend-level="{level}"' in html and color in html
    assert "乡镇边界为示意（近似）" in html  # the shipped shapes say approximate
    assert "加权平均" in html  # the aggregate shading says what it means
    # Scripts only from files; data as JSON elements.
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    config = json.loads(re.search(r'id="risk-map-config"[^>]*>(.*?)</script>', html).group(1))
    assert config["points_url"] == POINTS
    assert config["townships_url"] == TOWNSHIPS
    assert config["colors"]["red"] == LEVEL_COLORS[RiskLevel.RED]
    settings_json = re.search(r'id="risk-map-settings"[^>]*>(.*?)</script>', html).group(1)
    assert json.loads(settings_json)["tile_url"] == ""


def test_the_tile_layer_is_a_setting(client, cast, settings):
    settings.MAP_TILE_URL = "https://t{s}.tianditu.gov.cn/vec_w/wmts?tk=KEY"
    client.force_login(cast.office)
    html = client.get(reverse("risks:map")).content.decode()
    settings_json = re.search(r'id="risk-map-settings"[^>]*>(.*?)</script>', html).group(1)
    assert json.loads(settings_json)["tile_url"].startswith("https://t{s}.tianditu.gov.cn")


def test_the_approximate_note_follows_the_shapes_file(client, cast, settings, tmp_path):
    exact = tmp_path / "townships.geojson"
    exact.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [{"type": "Feature", "properties": {"name": "侯镇"}, "geometry": None}],
            }
        ),
        encoding="utf-8",
    )
    settings.TOWNSHIP_GEOJSON = exact
    client.force_login(cast.office)
    assert "乡镇边界为示意" not in client.get(reverse("risks:map")).content.decode()


def test_the_map_page_keeps_its_shading_and_survives_bad_filters(client, cast):
    client.force_login(cast.office)
    response = client.get(reverse("risks:map"), {"shade": "aggregate", "level": "purple"})
    assert response.status_code == 200  # the data endpoints answer 400, which the page shows
    html = response.content.decode()
    assert re.search(r'value="aggregate"[^>]*checked', html)
    assert not re.search(r'value="highest"[^>]*checked', html)

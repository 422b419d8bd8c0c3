"""The map component in a browser: townships drawn offline, points coloured by a property,
and the point picker filled by a click or by the browser's position."""

import json

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.browser.map_urls"),
]

TOWNSHIPS = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": name, "approximate": True},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [[x, 36.8], [x + 0.1, 36.8], [x + 0.1, 37.1], [x, 37.1], [x, 36.8]]
                ],
            },
        }
        for name, x in (("圣城街道", 118.7), ("侯镇", 118.8), ("羊口镇", 118.9))
    ],
}


@pytest.fixture
def townships(tmp_path, settings):
    path = tmp_path / "townships.geojson"
    path.write_text(json.dumps(TOWNSHIPS, ensure_ascii=False), encoding="utf-8")
    settings.TOWNSHIP_GEOJSON = path
    settings.MAP_TILE_URL = ""  # offline: the township shapes are the base map


def test_townships_and_coloured_points_draw_without_tiles(townships, browser_page, screenshot_dir):
    page = browser_page
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "response",
        lambda r: (
            r.status >= 400 and "favicon" not in r.url and errors.append(f"{r.status} {r.url}")
        ),
    )
    page.goto(f"{page.base_url}/test-map/")

    page.wait_for_selector("#test-map[data-townships='3'][data-points='2']")
    assert page.locator("#test-map svg path.township-area").count() == 3
    points = page.locator("#test-map svg path.map-point")
    assert points.count() == 2
    fills = sorted(points.evaluate_all("els => els.map(e => e.getAttribute('fill'))"))
    assert fills == ["#0d6efd", "#dc3545"]
    assert page.locator("#test-map .leaflet-tile").count() == 0
    assert "示意范围" in page.locator("#test-map .leaflet-control-attribution").inner_text()

    # A point's popup shows its name as text, never as markup.
    points.last.click(force=True)
    popup = page.locator("#test-map .leaflet-popup-content")
    popup.wait_for()
    assert popup.locator("b").count() == 0
    assert "<b>加油站</b>" in popup.inner_text()
    page.screenshot(path=str(screenshot_dir / "map-component.png"), full_page=True)
    assert errors == []


def test_a_click_on_the_picker_map_fills_both_inputs_and_saves(townships, browser_page):
    page = browser_page
    page.goto(f"{page.base_url}/test-map/")
    picker = page.locator("[data-point-picker]")
    page.wait_for_selector("[data-point-picker] [data-map-canvas][data-townships='3']")
    assert picker.locator("path.township-area").count() == 3

    box = picker.locator("[data-map-canvas]").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    lat = float(page.input_value("input[name=location_lat]"))
    lon = float(page.input_value("input[name=location_lon]"))
    assert 36.8 < lat < 37.1 and 118.7 < lon < 119.0  # inside the townships drawn
    assert picker.locator("path.picked-point").count() == 1

    page.click("[data-testid=save]")
    saved = page.locator("[data-testid=saved-point]").inner_text()
    assert saved == f"{lat:.6f},{lon:.6f}"


def test_use_current_position_fills_the_inputs(townships, browser_page):
    page = browser_page
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 36.9123456, "longitude": 118.7654321})
    page.goto(f"{page.base_url}/test-map/")
    page.wait_for_selector("[data-point-picker][data-map-ready]")
    page.get_by_role("button", name="使用当前位置").click()
    page.wait_for_function("() => document.querySelector('input[name=location_lat]').value !== ''")
    assert page.input_value("input[name=location_lat]") == "36.912346"
    assert page.input_value("input[name=location_lon]") == "118.765432"
    assert "已使用当前位置" in page.locator("[data-point-picker] [data-map-message]").inner_text()


def test_the_shipped_townships_draw(settings, browser_page, screenshot_dir):
    features = json.loads(settings.TOWNSHIP_GEOJSON.read_text(encoding="utf-8"))["features"]
    page = browser_page
    page.goto(f"{page.base_url}/test-map/")
    page.wait_for_selector(f"#test-map[data-townships='{len(features)}']")
    assert page.locator("#test-map svg path.township-area").count() == len(features)
    page.locator("#test-map path.township-area").first.hover()
    names = {f["properties"]["name"] for f in features}
    assert page.locator(".leaflet-tooltip.township-label").inner_text() in names
    page.screenshot(path=str(screenshot_dir / "map-townships.png"))

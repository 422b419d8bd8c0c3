"""四色图 in Chromium: the office opens /risks/map/ over Shouguang's townships, sees the four
colours drawn, filters to 重大 (red) and opens a point from its popup. Screenshots go to the
screenshot_dir and /work/notes/screens/risk-map*.png."""

from __future__ import annotations

import json
import random
import shutil
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from simple_history.utils import bulk_create_with_history

from responsibilities.models import OrgUnit
from risks.choices import LEVEL_COLORS, RiskCategory, RiskLevel
from risks.models import RiskPoint, risk_code
from tests.responsibilities.factories import TownshipFactory
from tests.risks.factories import RiskPointFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTES_SCREENS = Path("/work/notes/screens")
# Townships in turn have red, orange, yellow or blue as their highest level (the chemical
# parks at 侯镇 and 羊口镇 red); their points mix that level with the milder ones.
ORDER = [RiskLevel.RED, RiskLevel.ORANGE, RiskLevel.YELLOW, RiskLevel.BLUE]
CHEMICAL_PARKS = {"侯镇", "羊口镇"}
CATEGORIES = list(RiskCategory.values)

# Counts, in the page's canvas, the opaque pixels of each level's colour (markers are drawn at
# 0.9 opacity, township shading at 0.35: only markers pass the alpha bar).
PIXELS_BY_COLOUR = """
([selector, colours]) => {
  const canvas = document.querySelector(selector);
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  const targets = Object.entries(colours).map(([key, hex]) => [key, [1, 3, 5].map(
    (i) => parseInt(hex.slice(i, i + 2), 16))]);
  const counts = Object.fromEntries(targets.map(([key]) => [key, 0]));
  for (let p = 0; p < data.length; p += 4) {
    if (data[p + 3] < 200) continue;
    for (const [key, rgb] of targets) {
      if (Math.abs(data[p] - rgb[0]) + Math.abs(data[p + 1] - rgb[1])
          + Math.abs(data[p + 2] - rgb[2]) < 60) { counts[key] += 1; break; }
    }
  }
  return counts;
}
"""


def inside(point, ring) -> bool:
    """Ray casting: is (lon, lat) inside the polygon ring?"""
    x, y = point
    result = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            result = not result
    return result


def spots_in(ring, count: int, rng: random.Random) -> list[tuple[float, float]]:
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    spots = []
    while len(spots) < count:
        spot = (rng.uniform(min(xs), max(xs)), rng.uniform(min(ys), max(ys)))
        if inside(spot, ring):
            spots.append(spot)
    return spots


@pytest.fixture
def shouguang(cast):
    """Every township of the shipped shapes with a dozen points of all levels, and one red
    point at 侯镇's chemical park to open."""
    rng = random.Random(6)
    features = json.loads(Path(settings.TOWNSHIP_GEOJSON).read_text(encoding="utf-8"))["features"]
    rows, n = [], 0
    for index, feature in enumerate(features):
        name = feature["properties"]["name"]
        top = 0 if name in CHEMICAL_PARKS else index % len(ORDER)
        levels = ORDER[top:] + [RiskLevel.BLUE] * 3 + [RiskLevel.YELLOW] * 2
        township = OrgUnit.objects.filter(name=name).first() or TownshipFactory(name=name)
        ring = feature["geometry"]["coordinates"][0]
        for k, (lon, lat) in enumerate(spots_in(ring, 12, rng)):
            n += 1
            rows.append(
                RiskPoint(
                    code=risk_code(2026, n),
                    name=f"{name}风险点{n}",
                    kind="site",
                    category=CATEGORIES[n % len(CATEGORIES)],
                    township=township,
                    responsible_unit=cast.zhujian_unit,
                    responsible_person="王五",
                    level=levels[k % len(levels)],
                    latitude=Decimal(f"{lat:.6f}"),
                    longitude=Decimal(f"{lon:.6f}"),
                )
            )
    bulk_create_with_history(rows, RiskPoint, batch_size=500)
    houzhen = next(f for f in features if f["properties"]["name"] == "侯镇")
    lon, lat = spots_in(houzhen["geometry"]["coordinates"][0], 1, random.Random(11))[0]
    # Created last, so drawn last among the red points: on top, clickable.
    target = RiskPointFactory(
        name="侯镇化工园区液氯储罐区",
        township=cast.houzhen_unit,
        responsible_unit=cast.yingji_unit,
        responsible_person="张三",
        level=RiskLevel.RED,
        latitude=Decimal(f"{lat:.6f}"),
        longitude=Decimal(f"{lon:.6f}"),
    )
    return {"features": features, "target": target, "count": len(rows) + 1}


def log_in(page, username: str, next_url: str) -> None:
    page.goto(f"{page.base_url}/accounts/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "Test-pass-2026")
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"**{next_url}")


def shoot(page, screenshot_dir: Path, name: str) -> None:
    path = screenshot_dir / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if NOTES_SCREENS.is_dir():
        shutil.copy(path, NOTES_SCREENS / path.name)


def drawn_colours(page) -> dict[str, int]:
    colours = {str(level): color for level, color in LEVEL_COLORS.items()}
    return page.evaluate(PIXELS_BY_COLOUR, ["#risk-map canvas", colours])


def test_office_sees_four_colours_filters_to_red_and_opens_a_point(
    shouguang, cast, browser_page, screenshot_dir, settings
):
    settings.MAP_TILE_URL = ""
    page = browser_page
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, cast.office.username, "/risks/map/")
    page.wait_for_selector(
        f"#risk-map[data-state=ready][data-townships='{len(shouguang['features'])}']"
    )
    page.wait_for_timeout(300)  # the canvas draws on the next animation frame

    # All four colours, as markers in the canvas and in the legend's counts.
    assert int(page.get_attribute("#risk-map", "data-points")) == shouguang["count"]
    drawn = json.loads(page.get_attribute("#risk-map", "data-drawn"))
    assert set(drawn) == set(LEVEL_COLORS.values())
    pixels = drawn_colours(page)
    assert all(pixels[level] > 0 for level in ("red", "orange", "yellow", "blue")), pixels
    legend = {
        level: int(page.inner_text(f"[data-legend-count={level}]"))
        for level in ("red", "orange", "yellow", "blue")
    }
    assert sum(legend.values()) == shouguang["count"] and all(legend.values())
    assert int(page.get_attribute("#risk-map", "data-shaded")) == len(shouguang["features"])
    shoot(page, screenshot_dir, "risk-map")
    page.click("label[for=shade-aggregate]")
    assert page.locator("[data-shade-note=aggregate]").is_visible()
    assert "shade=aggregate" in page.url
    shoot(page, screenshot_dir, "risk-map-aggregate")
    page.click("label[for=shade-highest]")
    assert page.locator("[data-testid=approximate-note]").is_visible()
    assert page.locator("#risk-map .leaflet-tile").count() == 0

    # 重大 only: the other colours leave the map, the legend follows, the URL keeps the filter.
    page.select_option("select[name=level]", "red")
    page.wait_for_selector("#risk-map[data-state=ready]")
    page.wait_for_function(
        "() => document.querySelector('[data-legend-count=orange]').textContent === '0'"
    )
    page.wait_for_timeout(300)
    assert json.loads(page.get_attribute("#risk-map", "data-drawn")) == {
        LEVEL_COLORS[RiskLevel.RED]: legend["red"]
    }
    pixels = drawn_colours(page)
    assert pixels["red"] > 0 and pixels["orange"] == pixels["yellow"] == pixels["blue"] == 0
    assert "level=red" in page.url

    # A click on the point opens its popup; its link opens the point.
    target = shouguang["target"]
    spot = page.evaluate("(code) => window.ChenganRiskMap.markerPosition(code)", target.code)
    box = page.locator("#risk-map").bounding_box()
    assert 0 < spot["x"] < box["width"] and 0 < spot["y"] < box["height"]
    page.mouse.click(box["x"] + spot["x"], box["y"] + spot["y"])
    popup = page.locator("[data-testid=risk-popup]")
    popup.wait_for()
    assert popup.get_attribute("data-code") == target.code
    text = popup.inner_text()
    for words in ("侯镇化工园区液氯储罐区", target.code, "重大风险", "市应急管理局", "张三"):
        assert words in text
    page.wait_for_timeout(400)  # the popup fades in
    shoot(page, screenshot_dir, "risk-map-red-popup")
    popup.locator("[data-testid=risk-popup-detail]").click()
    page.wait_for_url(f"**/risks/{target.pk}/")
    assert target.code in page.content()
    assert errors == []


@pytest.mark.slow  # 20,000 points inserted with their history, then drawn
def test_twenty_thousand_points_draw_and_refilter_in_the_browser(
    cast, browser_page, screenshot_dir, settings
):
    settings.MAP_TILE_URL = ""
    rng = random.Random(20_000)
    features = json.loads(Path(settings.TOWNSHIP_GEOJSON).read_text(encoding="utf-8"))["features"]
    rows = []
    for index, feature in enumerate(features):
        name = feature["properties"]["name"]
        township = OrgUnit.objects.filter(name=name).first() or TownshipFactory(name=name)
        for k, (lon, lat) in enumerate(spots_in(feature["geometry"]["coordinates"][0], 1250, rng)):
            n = index * 1250 + k + 1
            rows.append(
                RiskPoint(
                    code=risk_code(2026, n),
                    name=f"{name}风险点{n}",
                    kind="site",
                    category=CATEGORIES[n % len(CATEGORIES)],
                    township=township,
                    responsible_unit=cast.zhujian_unit,
                    responsible_person="王五",
                    level=ORDER[n % len(ORDER)],
                    latitude=Decimal(f"{lat:.6f}"),
                    longitude=Decimal(f"{lon:.6f}"),
                )
            )
    bulk_create_with_history(rows, RiskPoint, batch_size=2000)
    page = browser_page
    log_in(page, cast.office.username, "/")

    start = time.perf_counter()
    page.goto(f"{page.base_url}/risks/map/")
    page.wait_for_selector("#risk-map[data-state=ready][data-points='20000']", timeout=60_000)
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => done()))")
    drawn = time.perf_counter() - start
    assert sum(json.loads(page.get_attribute("#risk-map", "data-drawn")).values()) == 20_000

    start = time.perf_counter()
    page.select_option("select[name=level]", "red")
    page.wait_for_selector("#risk-map[data-state=ready][data-points='5000']", timeout=60_000)
    refiltered = time.perf_counter() - start
    shoot(page, screenshot_dir, "risk-map-20000-red")
    print(f"\n20,000 points drawn in {drawn:.1f} s; filtered to 5,000 red in {refiltered:.1f} s")
    assert drawn < 20 and refiltered < 20

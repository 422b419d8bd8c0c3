"""四色图 at size: the map's data costs the same queries for 10, 1,000 and 20,000 points, and
20,000 points come in one response a browser can draw."""

from __future__ import annotations

import gzip
import json
import time
from decimal import Decimal

import pytest
from django.urls import reverse
from simple_history.utils import bulk_create_with_history

from risks.choices import RiskCategory, RiskLevel
from risks.models import RiskPoint, risk_code
from tests.querycount import assert_constant_queries, count_queries

pytestmark = pytest.mark.django_db

LEVELS = [RiskLevel.BLUE, RiskLevel.YELLOW, RiskLevel.YELLOW, RiskLevel.ORANGE, RiskLevel.RED, ""]
CATEGORIES = list(RiskCategory.values)
# Bounds for 20,000 points: what a browser fetches and parses in well under a second.
MAX_RAW_BYTES = 3_000_000
MAX_GZIP_BYTES = 800_000


def grow_points(townships, units, upto: int) -> None:
    """Bring the register up to ``upto`` points, spread over townships, units and levels;
    every 50th has no coordinates."""
    have = RiskPoint.objects.count()
    rows = []
    for n in range(have, upto):
        located = n % 50 != 49
        rows.append(
            RiskPoint(
                code=risk_code(2099, n + 1),
                name=f"规模测试风险点{n + 1}号储罐区",
                kind="site",
                category=CATEGORIES[n % len(CATEGORIES)],
                township=townships[n % len(townships)],
                responsible_unit=units[n % len(units)],
                responsible_person=f"责任人{n % 97}",
                level=LEVELS[n % len(LEVELS)],
                latitude=Decimal("36.700000") + Decimal(n % 500) / 1000 if located else None,
                longitude=Decimal("118.500000") + Decimal(n // 500 % 600) / 1000
                if located
                else None,
            )
        )
    bulk_create_with_history(rows, RiskPoint, batch_size=2000)


def fetch(client, url, expected_total=None, **params):
    def run():
        response = client.get(url, params)
        assert response.status_code == 200
        if expected_total is not None:
            assert response.json()["total"] == expected_total
        return response

    return run


@pytest.fixture
def places(cast):
    return [cast.houzhen_unit, cast.yangkou_unit], [
        cast.zhujian_unit,
        cast.yingji_unit,
        cast.houzhen_unit,
    ]


@pytest.mark.slow
@pytest.mark.parametrize("user", ["office", "houzhen"])
@pytest.mark.parametrize("url", ["risks:map-points", "risks:map-townships"])
def test_map_data_costs_the_same_queries_for_10_and_1000_points(client, cast, places, user, url):
    client.force_login(getattr(cast, user))
    townships, units = places

    def fetch_all():
        response = client.get(reverse(url), {"level": "red", "category": "gas"})
        assert response.status_code == 200
        return response

    def grow(n):
        grow_points(townships, units, n)
        fetch_all()  # a first request settles the session; the measured one reads only

    assert_constant_queries(grow, fetch_all)


@pytest.mark.slow  # ~30 s, most of it inserting the 20,000 points with their history
def test_twenty_thousand_points_in_one_drawable_response(client, cast, places):
    townships, units = places
    client.force_login(cast.office)
    grow_points(townships, units, 10)
    small, _, _ = count_queries(fetch(client, reverse("risks:map-points"), 10))
    grow_points(townships, units, 20_000)

    start = time.perf_counter()
    queries, response, _ = count_queries(
        lambda: client.get(reverse("risks:map-points"), HTTP_ACCEPT_ENCODING="gzip")
    )
    seconds = time.perf_counter() - start
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    raw = gzip.decompress(response.content)
    assert queries == small
    assert len(raw) < MAX_RAW_BYTES, len(raw)
    assert len(response.content) < MAX_GZIP_BYTES, len(response.content)
    payload = json.loads(raw)
    assert payload["total"] == 20_000
    assert payload["without_coordinates"] == 400
    assert payload["drawn"] == len(payload["points"]["id"]) == 19_600
    assert seconds < 20, seconds
    print(
        f"\n20,000 points: {queries} queries, {len(raw):,} bytes raw, "
        f"{len(response.content):,} gzip, {seconds:.2f} s"
    )

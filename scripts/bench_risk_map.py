#!/usr/bin/env python
"""Benchmark the four-colour map's data: time, queries and size of /risks/map/points.json and
/risks/map/townships.json over 20,000 risk points.

    make bench                      # or: .venv/bin/python scripts/bench_risk_map.py [--points N]

Runs on a throwaway SQLite database under var/bench/risk-map/ (recreated each run), or on the
database given with --database-url (a scratch database: the script migrates it and adds
rows). The points are spread over Shouguang's 16 townships (the shipped shapes) and 30 units
with all four levels, 1 in 50 without coordinates. Each endpoint is fetched as the office
(all points) and as a township's staff (its township's and its unit's points), gzip accepted,
through Django's full request stack; the time is the best of three after a warm-up. Exits non-zero when the
query count differs from the one at 10 points.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import shutil
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

UNITS = 30
RUNS = 3


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=20_000)
    parser.add_argument("--database-url", help="a scratch database instead of var/bench/risk-map/")
    return parser.parse_args()


def configure(database_url: str | None) -> Path:
    """Point Django at a throwaway database before it starts."""
    var = Path(os.environ.get("CHENGAN_VAR_DIR", ROOT / "var")) / "bench" / "risk-map"
    shutil.rmtree(var, ignore_errors=True)
    var.mkdir(parents=True)
    os.environ["CHENGAN_VAR_DIR"] = str(var)
    os.environ.pop("REDIS_URL", None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    import django

    django.setup()
    return var


def build_people():
    """The office, the townships of the shipped shapes, 30 units and a township's staff."""
    from django.conf import settings

    from portal.permissions import ROLE_OFFICE
    from responsibilities.models import Membership, OrgUnit
    from tests.responsibilities.factories import (
        MembershipFactory,
        OrgUnitFactory,
        UserFactory,
        grant_global_role,
    )

    office = UserFactory(username="bench-office")
    grant_global_role(office, ROLE_OFFICE)
    features = json.loads(Path(settings.TOWNSHIP_GEOJSON).read_text(encoding="utf-8"))["features"]
    townships = [
        (OrgUnitFactory(name=f["properties"]["name"], kind=OrgUnit.Kind.TOWNSHIP), f)
        for f in features
    ]
    units = [OrgUnitFactory(name=f"市基准局{u}") for u in range(UNITS)]
    staff = UserFactory(username="bench-township")
    MembershipFactory(user=staff, unit=townships[10][0], role=Membership.Role.STAFF)
    return office, staff, townships, units


def inside(x: float, y: float, ring: list) -> bool:
    result = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            result = not result
    return result


def grow(townships, units, upto: int) -> None:
    """Bring the register up to ``upto`` points, placed inside their township's shape."""
    from simple_history.utils import bulk_create_with_history

    from risks.choices import RiskCategory, RiskLevel
    from risks.models import RiskPoint, risk_code

    levels = [RiskLevel.BLUE] * 5 + [RiskLevel.YELLOW] * 3 + [RiskLevel.ORANGE] * 2
    levels += [RiskLevel.RED]
    categories = list(RiskCategory.values)
    rng = random.Random(upto)
    have = RiskPoint.objects.count()
    rows = []
    for n in range(have, upto):
        township, feature = townships[n % len(townships)]
        ring = feature["geometry"]["coordinates"][0]
        lat = lon = None
        if n % 50 != 49:
            xs, ys = [p[0] for p in ring], [p[1] for p in ring]
            while lat is None:
                x, y = rng.uniform(min(xs), max(xs)), rng.uniform(min(ys), max(ys))
                if inside(x, y, ring):
                    lat, lon = Decimal(f"{y:.6f}"), Decimal(f"{x:.6f}")
        rows.append(
            RiskPoint(
                code=risk_code(2099, n + 1),
                name=f"{township.name}基准风险点{n + 1}",
                kind="site",
                category=categories[n % len(categories)],
                township=township,
                responsible_unit=units[n % len(units)],
                responsible_person=f"责任人{n % 97}",
                level=levels[n % len(levels)],
                latitude=lat,
                longitude=lon,
            )
        )
    bulk_create_with_history(rows, RiskPoint, batch_size=2000)


def measure(client, url: str) -> dict:
    """Best of RUNS: seconds, queries, raw and gzip bytes, and the payload."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # a first request settles the session; the measured ones only read
    best = None
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
            seconds = time.perf_counter() - start
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        body = response.content
        raw = gzip.decompress(body) if response.get("Content-Encoding") == "gzip" else body
        result = {
            "seconds": seconds,
            "queries": len(ctx.captured_queries),
            "raw": len(raw),
            "gzip": len(body),
            "payload": json.loads(raw),
        }
        if best is None or seconds < best["seconds"]:
            best = result
    return best


def main() -> int:
    args = parse_args()
    var = configure(args.database_url)
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    db = settings.DATABASES["default"]
    print(f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}  (throwaway, under {var})")
    call_command("migrate", verbosity=0, interactive=False)
    office, staff, townships, units = build_people()
    clients = {}
    for name, user in (("office", office), ("township staff", staff)):
        clients[name] = Client()
        clients[name].force_login(user)
    urls = [reverse("risks:map-points"), reverse("risks:map-townships")]

    grow(townships, units, 10)
    baseline = {
        (who, url): measure(client, url)["queries"]
        for who, client in clients.items()
        for url in urls
    }
    start = time.perf_counter()
    grow(townships, units, args.points)
    print(f"  {args.points:,} risk points ready in {time.perf_counter() - start:.1f} s", flush=True)

    header = (
        f"{'endpoint':<28}{'user':<16}{'points':>8}{'drawn':>8}{'queries':>9}"
        f"{'(at 10)':>9}{'seconds':>9}{'raw KB':>9}{'gzip KB':>9}"
    )
    print()
    print(header)
    print("-" * len(header))
    grew = []
    for who, client in clients.items():
        for url in urls:
            m = measure(client, url)
            payload = m["payload"]
            if "points" in payload:
                total, drawn = payload["total"], payload["drawn"]
            else:
                total = sum(t["total"] for t in payload["townships"])
                drawn = len(payload["townships"])
            at_ten = baseline[(who, url)]
            if m["queries"] != at_ten:
                grew.append(f"{url} as {who}: {at_ten} -> {m['queries']} queries")
            print(
                f"{url:<28}{who:<16}{total:>8,}{drawn:>8,}{m['queries']:>9}{at_ten:>9}"
                f"{m['seconds']:>9.2f}{m['raw'] / 1024:>9.0f}{m['gzip'] / 1024:>9.0f}"
            )
    print()
    print("drawn: points with coordinates (points.json) or townships with points (townships.json)")
    if grew:
        print("The query count grew with the data:\n  " + "\n  ".join(grew))
        return 1
    print("The query count is the same at 10 points and at the full size, as it must be.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

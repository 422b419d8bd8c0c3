#!/usr/bin/env python
"""Benchmark list pages: queries and time per request at 10 / 1,000 / 10,000 rows.

    make bench                      # or: .venv/bin/python scripts/bench_lists.py [--sizes ...]

Runs on a throwaway SQLite database under var/bench/ (recreated each run), or on the
database given with --database-url (it must be a scratch database: the script migrates it
and adds rows). Requests go through Django's test client with the full middleware stack, as
the office (sees everything) and as township staff (scoped by ``restrict``). Exits non-zero
when a list's query count grows with the data.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# (label, path): the list pages and API endpoints measured. Each must show enterprises.
LISTS = [
    ("enterprise list page", "/enterprises/"),
    ("enterprise list page, 200 per page", "/enterprises/?page_size=200"),
    ("enterprise API", "/api/enterprises/"),
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 1_000, 10_000])
    parser.add_argument("--repeat", type=int, default=5, help="timed requests per cell")
    parser.add_argument("--database-url", help="a scratch database instead of var/bench/")
    return parser.parse_args()


def configure(database_url: str | None) -> Path:
    """Point Django at a throwaway database and broker before it starts."""
    var = Path(os.environ.get("CHENGAN_VAR_DIR", ROOT / "var")) / "bench"
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


class Fixture:
    """The units, users and a growing roster of enterprises."""

    def __init__(self):
        from portal.permissions import ROLE_OFFICE
        from responsibilities.models import OrgUnit
        from tests.responsibilities.factories import (
            IndustryFactory,
            MembershipFactory,
            OrgUnitFactory,
            UserFactory,
            grant_global_role,
        )

        self.office = UserFactory(username="bench-office")
        grant_global_role(self.office, ROLE_OFFICE)
        self.township = OrgUnitFactory(name="侯镇", kind=OrgUnit.Kind.TOWNSHIP)
        self.other_township = OrgUnitFactory(name="羊口镇", kind=OrgUnit.Kind.TOWNSHIP)
        self.staff = MembershipFactory(
            user=UserFactory(username="bench-houzhen"), unit=self.township
        ).user
        self.supervisor = OrgUnitFactory(name="市应急管理局")
        self.industries = [IndustryFactory(name=f"基准行业{i}") for i in range(8)]
        self.rows = 0

    def grow(self, size: int) -> None:
        """Add enterprises up to ``size``, half in each township, with history rows."""
        from simple_history.utils import bulk_create_with_history

        from responsibilities.models import Enterprise
        from tests.responsibilities.factories import make_credit_code

        new = []
        for n in range(self.rows, size):
            township = self.township if n % 2 else self.other_township
            new.append(
                Enterprise(
                    name=f"寿光基准企业{n:05d}有限公司",
                    credit_code=make_credit_code(1_000_000 + n),
                    industry=self.industries[n % len(self.industries)],
                    township=township,
                    territorial_supervisor=township,
                    industry_supervisor=self.supervisor,
                    address=f"寿光市{township.name}基准路{n}号",
                )
            )
        bulk_create_with_history(new, Enterprise, batch_size=1000)
        self.rows = size


def measure(client, path: str, repeat: int) -> tuple[int, int, float]:
    """(status, queries, median ms) of ``repeat`` requests after one warm-up."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)
    timings, queries, status = [], 0, 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - start) * 1000)
        queries, status = len(ctx.captured_queries), response.status_code
    return status, queries, statistics.median(timings)


def main() -> int:
    args = parse_args()
    var = configure(args.database_url)
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    db = settings.DATABASES["default"]
    print(f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}  (throwaway, under {var})")
    call_command("migrate", verbosity=0, interactive=False)
    fixture = Fixture()
    clients = {}
    for who, user in (("office", fixture.office), ("township staff", fixture.staff)):
        clients[who] = Client()
        clients[who].force_login(user)

    results: dict[tuple[str, str], list[tuple[int, int, int, float]]] = {}
    for size in sorted(args.sizes):
        start = time.perf_counter()
        fixture.grow(size)
        print(f"  {size:>6,} rows ready in {time.perf_counter() - start:.1f} s", flush=True)
        for label, path in LISTS:
            for who, client in clients.items():
                status, queries, ms = measure(client, path, args.repeat)
                results.setdefault((label, who), []).append((size, status, queries, ms))

    header = f"{'list':<36} {'as':<15} {'rows':>7} {'status':>6} {'queries':>7} {'median ms':>10}"
    print()
    print(header)
    print("-" * len(header))
    growing = []
    for (label, who), rows in results.items():
        for size, status, queries, ms in rows:
            print(f"{label:<36} {who:<15} {size:>7,} {status:>6} {queries:>7} {ms:>10.1f}")
        counts = {queries for _, status, queries, _ in rows if status == 200}
        if len(counts) > 1:
            growing.append(f"{label} as {who}: {sorted(counts)}")
        if all(status == 404 for _, status, _, _ in rows):
            print(f"{'':<36} {'':<15} (not found: {label} is not built yet)")
    print()
    if growing:
        print("Query count grows with the data:\n  " + "\n  ".join(growing))
        return 1
    print("Query counts are constant across sizes.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

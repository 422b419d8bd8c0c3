#!/usr/bin/env python
"""Benchmark the hazard ledger export as a background job: 10,000 then 100,000 hazards.

    make bench                      # or: .venv/bin/python scripts/bench_export.py [--sizes 10000 100000]

Runs on a throwaway SQLite database under var/bench/export/ (recreated each run), or on the
database given with --database-url (a scratch database: the script migrates it and adds
rows). The hazards are bulk-created with their history rows in batches, so building them does
not raise the process's memory high-water mark. For each size the auditor asks for the whole
ledger (隐患台账) as xlsx through ``export_job_create``, with Celery eager, so the same code the
worker runs (``portal.reports.jobs.run_export`` → ``export_job_run``) writes the file.

Printed per size: rows written, wall and CPU time (the CPU time does not depend on what else
the machine runs), tracemalloc's peak during the job (a second run of
the same job under tracemalloc, which slows Python down, so the time comes from the first), the
process's maximum resident set size before and after the job, and the file's size. Flat memory
means the tracemalloc peak does not grow with the rows; the script exits non-zero when the
100,000-row peak is more than twice the 10,000-row peak.
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import shutil
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOWNSHIPS = 14
UNITS = 30
BATCH = 5_000
MB = 1024 * 1024


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--database-url", help="a scratch database instead of var/bench/export/")
    return parser.parse_args()


def configure(database_url: str | None) -> Path:
    """Point Django at a throwaway database; Celery runs the job in this process."""
    var = Path(os.environ.get("CHENGAN_VAR_DIR", ROOT / "var")) / "bench" / "export"
    shutil.rmtree(var, ignore_errors=True)
    var.mkdir(parents=True)
    os.environ["CHENGAN_VAR_DIR"] = str(var)
    os.environ.pop("REDIS_URL", None)
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    import django

    django.setup()
    return var


def max_rss_mb() -> float:
    # Linux reports ru_maxrss in kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build_people():
    """The auditor (who exports), townships and responsible units."""
    from portal.permissions import ROLE_AUDITOR
    from responsibilities.models import OrgUnit
    from tests.responsibilities.factories import OrgUnitFactory, UserFactory, grant_global_role

    auditor = UserFactory(username="bench-auditor")
    grant_global_role(auditor, ROLE_AUDITOR)
    townships = [
        OrgUnitFactory(name=f"基准镇{t}", kind=OrgUnit.Kind.TOWNSHIP) for t in range(TOWNSHIPS)
    ]
    units = [OrgUnitFactory(name=f"市基准局{u}") for u in range(UNITS)]
    return auditor, townships, units


def grow_hazards(start: int, stop: int, townships, units) -> None:
    """Hazards ``start`` … ``stop - 1`` with their history, in batches (memory stays low)."""
    from simple_history.utils import bulk_create_with_history

    from hazards.choices import HazardGrade, HazardSource, HazardState
    from hazards.models import Hazard, hazard_code

    first_day = datetime.date(2026, 1, 1)
    states = [HazardState.REPORTED, HazardState.RECTIFYING, HazardState.CLOSED]
    for batch_start in range(start, stop, BATCH):
        batch = []
        for n in range(batch_start, min(batch_start + BATCH, stop)):
            found_on = first_day + datetime.timedelta(days=n % 300)
            batch.append(
                Hazard(
                    code=hazard_code(2026, n + 1),
                    description=f"基准隐患{n + 1}：施工现场临边防护缺失，需设置防护栏杆。",
                    township=townships[n % TOWNSHIPS],
                    address=f"基准路{n % 500}号",
                    grade=HazardGrade.MAJOR if n % 50 == 0 else HazardGrade.GENERAL,
                    source=HazardSource.INSPECTION,
                    found_on=found_on,
                    found_by="张三",
                    responsible_unit=units[n % UNITS],
                    state=states[n % 3],
                    rectification_person="李四",
                    rectification_measures="设置临边防护栏杆并悬挂警示标志。",
                    deadline=found_on + datetime.timedelta(days=30),
                )
            )
        bulk_create_with_history(batch, Hazard, batch_size=1000)
        del batch


def run_job(auditor, *, traced: bool):
    """One hazard ledger export through the job, as /reports/export/hazards/ queues it."""
    from portal.reports.models import ExportJob
    from portal.reports.services import export_job_create

    if traced:
        tracemalloc.start()
        tracemalloc.reset_peak()
    start, cpu_start = time.perf_counter(), time.process_time()
    job = export_job_create(actor=auditor, exporter_name="hazards", params={}, fmt="xlsx")
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    peak = 0
    if traced:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    job = ExportJob.objects.get(pk=job.pk)
    if job.state != ExportJob.State.DONE:
        raise SystemExit(f"export job {job.pk} ended {job.state}: {job.error}")
    return job, seconds, cpu, peak


def main() -> int:
    args = parse_args()
    var = configure(args.database_url)
    from django.conf import settings
    from django.core.management import call_command

    from hazards.models import Hazard

    db = settings.DATABASES["default"]
    print(f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}  (throwaway, under {var})")
    print(f"the view turns an export into a job above {settings.EXPORT_STREAM_LIMIT:,} rows")
    call_command("migrate", verbosity=0, interactive=False)
    auditor, townships, units = build_people()

    results = []
    have = 0
    for size in sorted(args.sizes):
        start = time.perf_counter()
        grow_hazards(have, size, townships, units)
        have = size
        print(f"  {size:,} hazards ready in {time.perf_counter() - start:.1f} s", flush=True)
        rss_before = max_rss_mb()
        job, seconds, cpu, _ = run_job(auditor, traced=False)
        rss_after = max_rss_mb()
        _, _, _, peak = run_job(auditor, traced=True)
        file_mb = job.file.size / MB
        assert job.rows_done == Hazard.objects.count() == size, (job.rows_done, size)
        results.append(
            (size, job.rows_done, seconds, cpu, peak / MB, rss_before, rss_after, file_mb)
        )

    header = (
        f"{'hazards':>9}{'rows':>9}{'seconds':>9}{'cpu s':>8}{'rows/s':>9}{'trace peak MB':>15}"
        f"{'maxrss before':>15}{'maxrss after':>14}{'xlsx MB':>9}"
    )
    print()
    print(header)
    print("-" * len(header))
    for size, rows, seconds, cpu, peak, before, after, file_mb in results:
        print(
            f"{size:>9,}{rows:>9,}{seconds:>9.1f}{cpu:>8.1f}{rows / seconds:>9,.0f}{peak:>15.1f}"
            f"{before:>15.1f}{after:>14.1f}{file_mb:>9.1f}"
        )
    print()
    smallest, largest = results[0], results[-1]
    ratio = largest[4] / smallest[4] if smallest[4] else 0
    print(
        f"tracemalloc peak {smallest[0]:,} → {largest[0]:,} rows: "
        f"{smallest[4]:.1f} MB → {largest[4]:.1f} MB (×{ratio:.2f}); "
        f"maxrss grew {largest[6] - largest[5]:.1f} MB during the {largest[0]:,}-row job"
    )
    if len(results) > 1 and ratio > 2:
        print("Memory grew with the rows: the export is not flat.")
        return 1
    print("Flat memory: the peak does not grow with the rows.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python
"""Benchmark the deadline sweep: time and queries of one sweep over 10,000 milestones, and of
the repeated (no-op) sweep after it.

    make bench                      # or: .venv/bin/python scripts/bench_sweep.py [--milestones N]

Runs on a throwaway SQLite database under var/bench/sweep/ (recreated each run), or on the
database given with --database-url (a scratch database: the script migrates it and adds
rows). The milestones are spread over tasks led by 30 units so that the sweep at
2019-07-01 09:00 has every kind of work: reminders (due within 7 days), overdue items with
their 督办单, escalations (督办单 issued by an earlier sweep on 2019-06-11, still open after
the 15-day grace period) and recurring milestones to renew; most are due later and must cost
nothing. Exits non-zero when the repeated sweep does anything.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

UNITS = 30
TASKS = 600
NOW = datetime.datetime(2019, 7, 1, 9, 0)  # Asia/Shanghai
EARLIER = NOW - datetime.timedelta(days=20)  # the sweep that issued the notices to escalate


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--milestones", type=int, default=10_000)
    parser.add_argument("--database-url", help="a scratch database instead of var/bench/sweep/")
    return parser.parse_args()


def configure(database_url: str | None) -> Path:
    """Point Django at a throwaway database and broker before it starts."""
    var = Path(os.environ.get("CHENGAN_VAR_DIR", ROOT / "var")) / "bench" / "sweep"
    shutil.rmtree(var, ignore_errors=True)
    var.mkdir(parents=True)
    os.environ["CHENGAN_VAR_DIR"] = str(var)
    os.environ.pop("REDIS_URL", None)  # the embedded broker under var: the sweep's jobs wait
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    import django

    django.setup()
    return var


def due_date(n: int, today: datetime.date) -> tuple[datetime.date, list[int]]:
    """Milestone n's due date and recurrence months: 20% due within the reminder horizon,
    20% overdue since the last days, 10% long overdue (issued earlier, escalated now), 5%
    recurring (June and December) due yesterday, 45% due later this year."""
    days = datetime.timedelta
    kind = n % 20
    if kind < 4:
        return today + days(n % 8), []
    if kind < 8:
        return today - days(1 + n % 14), []
    if kind < 10:
        return today - days(21 + n % 40), []
    if kind == 10:
        return datetime.date(2019, 6, 30), [6, 12]
    return today + days(8 + n % 180), []


def build(count: int) -> None:
    """Units with a leader and two staff each, the office, tasks and ``count`` milestones."""
    from simple_history.utils import bulk_create_with_history

    from portal.permissions import ROLE_OFFICE
    from responsibilities.models import Membership, OrgUnit
    from responsibilities.services.units import org_unit_ensure_group
    from tasks.choices import AssignmentRole
    from tasks.models import Assignment, Milestone, Task
    from tests.responsibilities.factories import (
        MembershipFactory,
        OrgUnitFactory,
        UserFactory,
        grant_global_role,
    )
    from tests.tasks.factories import DirectiveFactory, SectionFactory

    office_unit = OrgUnitFactory(name="市安委办", kind=OrgUnit.Kind.OFFICE)
    office = UserFactory(username="bench-office")
    grant_global_role(office, ROLE_OFFICE)
    MembershipFactory(user=office, unit=office_unit, role=Membership.Role.LEADER)
    units = []
    for u in range(UNITS):
        township = u >= 20
        unit = OrgUnitFactory(
            name=f"基准镇{u}" if township else f"市基准局{u}",
            kind=OrgUnit.Kind.TOWNSHIP if township else OrgUnit.Kind.BUREAU,
        )
        units.append(unit)
        for role, who in ((Membership.Role.LEADER, "lead"), (Membership.Role.STAFF, "a")):
            MembershipFactory(user=UserFactory(username=f"bench-{u}-{who}"), unit=unit, role=role)
        MembershipFactory(user=UserFactory(username=f"bench-{u}-b"), unit=unit)
    for membership in Membership.objects.select_related("user", "unit"):
        membership.user.groups.add(org_unit_ensure_group(unit=membership.unit))

    directive = DirectiveFactory(title="寿光市城市安全发展实施意见（基准）")
    section = SectionFactory(directive=directive)
    tasks = bulk_create_with_history(
        [
            Task(
                directive=directive,
                section=section,
                number=str(t + 1),
                order=t,
                title=f"基准任务{t + 1}",
                lead_unit=units[t % UNITS],
            )
            for t in range(TASKS)
        ],
        Task,
        batch_size=500,
    )
    assignments = []
    for t, task in enumerate(tasks):
        for order, (offset, role) in enumerate(
            ((0, AssignmentRole.LEAD), (1, AssignmentRole.CO), (7, AssignmentRole.CO))
        ):
            assignments.append(
                Assignment(task=task, unit=units[(t + offset) % UNITS], role=role, order=order)
            )
    bulk_create_with_history(assignments, Assignment, batch_size=500)
    today = NOW.date()
    milestones = []
    for n in range(count):
        due_on, months = due_date(n, today)
        milestones.append(
            Milestone(
                task=tasks[n % TASKS],
                text=f"基准节点{n + 1}：按期完成。",
                due_on=due_on,
                recurrence_months=months,
                order=n,
            )
        )
    bulk_create_with_history(milestones, Milestone, batch_size=1000)


def timed_sweep(moment: datetime.datetime) -> tuple[dict, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from portal.deadlines import sweep

    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        result = sweep(now=timezone.make_aware(moment))
        seconds = time.perf_counter() - start
    return result.as_dict(), seconds, len(ctx.captured_queries)


def main() -> int:
    args = parse_args()
    var = configure(args.database_url)
    import logging

    from django.conf import settings
    from django.core.management import call_command

    from portal.notifications.models import Notification
    from portal.supervision.models import DeadlineEvent, SupervisionNotice

    logging.getLogger("portal.deadlines").setLevel(logging.WARNING)  # the table says it
    db = settings.DATABASES["default"]
    print(f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}  (throwaway, under {var})")
    print(f"batch size: {settings.DEADLINE_SWEEP_BATCH_SIZE} items a transaction")
    call_command("migrate", verbosity=0, interactive=False)
    start = time.perf_counter()
    build(args.milestones)
    print(
        f"  {args.milestones:,} milestones over {TASKS} tasks and {UNITS} units ready in "
        f"{time.perf_counter() - start:.1f} s",
        flush=True,
    )

    runs = []
    for label, moment in (
        (f"earlier sweep {EARLIER:%Y-%m-%d}", EARLIER),
        (f"sweep {NOW:%Y-%m-%d %H:%M}", NOW),
        ("repeated sweep (no-op)", NOW),
    ):
        counts, seconds, queries = timed_sweep(moment)
        runs.append((label, counts, seconds, queries))

    names = list(runs[0][1])
    header = f"{'run':<28}" + "".join(f"{n:>13}" for n in names) + f"{'seconds':>9}{'queries':>9}"
    print()
    print(header)
    print("-" * len(header))
    for label, counts, seconds, queries in runs:
        cells = "".join(f"{counts[n]:>13,}" for n in names)
        print(f"{label:<28}{cells}{seconds:>9.2f}{queries:>9}")
    print()
    print(
        f"totals: {DeadlineEvent.objects.count():,} deadline events, "
        f"{SupervisionNotice.objects.count():,} 督办单, "
        f"{Notification.objects.count():,} notifications"
    )
    repeated = runs[-1][1]
    if any(repeated.values()):
        print(f"The repeated sweep did work again: {repeated}")
        return 1
    print("The repeated sweep did nothing, as it must.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``manage.py sweep_deadlines [--now ISO] [--json]`` — one deadline sweep, the very code the
beat-scheduled Celery job runs (``portal.jobs.sweep_deadlines``), for operators and tests."""

from __future__ import annotations

import datetime
import json as jsonlib

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal.deadlines import sweep


def parse_now(value: str) -> datetime.datetime:
    """An ISO date-time; a naive one is Asia/Shanghai (the project's time zone)."""
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            f"--now: “{value}” is not an ISO date-time (e.g. 2019-07-01T09:00)"
        ) from exc
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = (
        "Run one deadline sweep: reminders 7/3/1 days before, overdue marks and 督办单 the day "
        "after, escalation after the grace period, next occurrences of recurring milestones."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            help="sweep as if it were this ISO date-time (naive = Asia/Shanghai); default now",
        )
        parser.add_argument("--json", action="store_true", help="print the counts as JSON")

    def handle(self, *args, now=None, json=False, **options):
        moment = parse_now(now) if now else timezone.now()
        result = sweep(now=moment).as_dict()
        if json:
            self.stdout.write(_dumps(result))
        else:
            local = timezone.localtime(moment)
            self.stdout.write(
                f"Sweep at {local:%Y-%m-%d %H:%M %Z}: "
                + ", ".join(f"{name} {count}" for name, count in result.items())
            )


def _dumps(result: dict) -> str:
    return jsonlib.dumps(result, ensure_ascii=False)

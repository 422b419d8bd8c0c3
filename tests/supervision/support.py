"""Test-only helpers for the deadline engine's integration tests: e-mail backends a Celery
worker subprocess writes through (so the test reads what it sent), and bulk builders of
milestones that fall due.

A worker started with ``worker_mail_env(...)`` runs ``tests.supervision.worker_settings``,
which takes its e-mail backend from ``CHENGAN_TEST_EMAIL_BACKEND``, its mail folder from
``CHENGAN_TEST_EMAIL_FILE_PATH`` and its sweep batch size from
``CHENGAN_TEST_SWEEP_BATCH_SIZE``.
"""

from __future__ import annotations

import datetime
import json
import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

WORKER_SETTINGS = "tests.supervision.worker_settings"
MAIL_BACKEND = "tests.supervision.support.JsonFileEmailBackend"
SLOW_MAIL_BACKEND = "tests.supervision.support.StallOnceEmailBackend"
# StallOnceEmailBackend: the file it creates on its first call, before stalling.
STALL_MARKER_ENV = "CHENGAN_TEST_MAIL_STALL_MARKER"
STALL_SECONDS = 600


class JsonFileEmailBackend(BaseEmailBackend):
    """Writes each message sent as one JSON file {"to", "subject", "body"} under
    ``settings.EMAIL_FILE_PATH``; nothing is written for a message that was not sent."""

    def send_messages(self, email_messages):
        from django.conf import settings

        folder = Path(settings.EMAIL_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            record = {"to": list(message.to), "subject": message.subject, "body": message.body}
            name = f"{time.time_ns()}-{uuid.uuid4().hex}"
            tmp = folder / f".{name}.tmp"
            tmp.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
            tmp.rename(folder / f"{name}.json")  # whole files only, for a reader polling
        return len(email_messages)


class StallOnceEmailBackend(JsonFileEmailBackend):
    """The first call ever (no marker file yet) creates the marker and hangs, as a mail
    server that stops answering; the test kills the worker then. Later calls send."""

    def send_messages(self, email_messages):
        marker = Path(os.environ[STALL_MARKER_ENV])
        try:
            with open(marker, "x") as handle:
                handle.write(str(os.getpid()))
        except FileExistsError:
            return super().send_messages(email_messages)
        time.sleep(STALL_SECONDS)
        raise RuntimeError("the stalled mail server never answered")


def read_mail(folder: Path) -> list[dict]:
    """What the worker sent, oldest first."""
    if not Path(folder).is_dir():
        return []
    return [
        json.loads(path.read_text(encoding="utf-8")) for path in sorted(Path(folder).glob("*.json"))
    ]


def worker_mail_env(folder: Path, *, backend: str = MAIL_BACKEND, **extra: str) -> dict[str, str]:
    env = {
        "DJANGO_SETTINGS_MODULE": WORKER_SETTINGS,
        "CHENGAN_TEST_EMAIL_BACKEND": backend,
        "CHENGAN_TEST_EMAIL_FILE_PATH": str(folder),
    }
    env.update(extra)
    return env


def make_due_milestones(
    *,
    count: int,
    due_on: datetime.date,
    units: list,
    co_units: list = (),
    tasks_per_unit: int = 1,
    recurrence_months: list[int] | None = None,
) -> list:
    """``count`` milestones due on ``due_on`` spread over a few tasks per lead unit (each
    task led by one of ``units``, with ``co_units`` as co-units), created in bulk."""
    from simple_history.utils import bulk_create_with_history

    from tasks.models import Milestone
    from tests.tasks.factories import make_task

    tasks = [
        make_task(lead=unit, co=[c for c in co_units if c != unit])
        for unit in units
        for _ in range(tasks_per_unit)
    ]
    milestones = [
        Milestone(
            task=tasks[n % len(tasks)],
            text=f"第{n + 1}项节点：按期完成整治。",
            due_on=due_on,
            recurrence_months=list(recurrence_months or []),
            order=n,
        )
        for n in range(count)
    ]
    return bulk_create_with_history(milestones, Milestone, batch_size=500)

"""A real Celery worker for integration tests: a ``celery -A portal worker`` subprocess on the
test's own database and a broker the test chooses (Redis, or the embedded SQLAlchemy broker).

The worker runs the test settings with ``DATABASE_URL`` pointed at the database the test
process is using right now (the test database, not the configured one) and the same
``CHENGAN_VAR_DIR``, so it reads what the test committed and writes files where the test
reads them. Tests using it need ``django_db(transaction=True)``: the worker sees only
committed rows.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

READY_TIMEOUT = 60  # seconds; a cold start imports Django and every app
STOP_TIMEOUT = 15


class WorkerFailed(RuntimeError):
    pass


def database_url_for(settings_dict: dict) -> str:
    """A DATABASE_URL naming the database a connection is using now (the test database)."""
    engine = settings_dict["ENGINE"]
    name = str(settings_dict["NAME"])
    if engine == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(name).resolve()}"
    if engine == "django.db.backends.postgresql":
        user = quote(settings_dict.get("USER") or "", safe="")
        password = quote(settings_dict.get("PASSWORD") or "", safe="")
        auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = quote(settings_dict.get("HOST") or "", safe="")  # a socket dir is %2F-quoted
        port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
        return f"postgres://{auth}{host}{port}/{quote(name, safe='')}"
    raise WorkerFailed(f"no DATABASE_URL form for {engine}")


def sqlalchemy_broker_url(path: Path) -> str:
    """The embedded broker's URL for a SQLite file (as settings builds it from VAR_DIR)."""
    return f"sqla+sqlite:///{Path(path).resolve()}"


class CeleryWorker:
    """One ``celery -A portal worker`` process: pool solo, one slot, queue ``celery``."""

    def __init__(
        self,
        *,
        broker_url: str,
        database_url: str,
        var_dir: Path,
        log_path: Path,
        include: tuple[str, ...] = (),
        cwd: Path | None = None,
        beat: bool = False,
        env: dict[str, str] | None = None,
    ):
        self.broker_url = broker_url
        self.database_url = database_url
        self.var_dir = Path(var_dir)
        self.log_path = Path(log_path)
        self.include = include
        self.cwd = cwd or Path(__file__).resolve().parent.parent
        # beat: the worker also runs the beat scheduler (``-B``) with its own schedule file,
        # so the settings' CELERY_BEAT_SCHEDULE fires (shorten intervals through ``env``).
        self.beat = beat
        self.extra_env = dict(env or {})
        self.process: subprocess.Popen | None = None
        self.name = f"chengan-test-{os.getpid()}-{int(time.time() * 1000)}@%h"

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("CELERY_TASK_ALWAYS_EAGER", None)
        env.update(
            DJANGO_SETTINGS_MODULE="portal.settings.test",
            DATABASE_URL=self.database_url,
            CHENGAN_VAR_DIR=str(self.var_dir),
            PYTHONUNBUFFERED="1",
        )
        if self.broker_url.startswith(("redis://", "rediss://")):
            env["REDIS_URL"] = self.broker_url
        else:
            # Without REDIS_URL the settings choose the SQLAlchemy broker under VAR_DIR;
            # CELERY_BROKER_URL below names the exact file the test publishes to.
            env.pop("REDIS_URL", None)
        env.update(self.extra_env)
        return env

    def command(self) -> list[str]:
        celery = Path(sys.executable).with_name("celery")
        cmd = [
            str(celery),
            "-A",
            "portal",
            "-b",
            self.broker_url,
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            "celery",
            "--loglevel=INFO",
            f"--logfile={self.log_path}",
            f"--hostname={self.name}",
            # No cluster chatter: a lone test worker needs no gossip, mingle or heartbeats
            # (and the SQLAlchemy transport has no fanout exchange for them).
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        if self.beat:
            cmd += ["--beat", f"--schedule={self.log_path.with_suffix('.beat-schedule')}"]
        for module in self.include:
            cmd += ["--include", module]
        return cmd

    def start(self) -> CeleryWorker:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log_path.write_text("")
        self.process = subprocess.Popen(
            self.command(),
            cwd=self.cwd,
            env=self.environment(),
            stdout=subprocess.DEVNULL,
            stderr=open(self.log_path.with_suffix(".stderr"), "w"),
            start_new_session=True,
        )
        self.wait_ready()
        return self

    def log(self) -> str:
        parts = []
        for path in (self.log_path, self.log_path.with_suffix(".stderr")):
            with contextlib.suppress(FileNotFoundError):
                parts.append(path.read_text(errors="replace"))
        return "\n".join(parts)

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> None:
        """Wait for the worker's own "ready." line (``celery inspect ping`` needs a fanout
        exchange, which the SQLAlchemy transport lacks)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise WorkerFailed(
                    f"celery worker exited with {self.process.returncode}:\n{self.log()[-4000:]}"
                )
            if " ready." in self.log():
                return
            time.sleep(0.2)
        self.stop()
        raise WorkerFailed(f"celery worker not ready after {timeout}s:\n{self.log()[-4000:]}")

    def stop(self) -> None:
        """Warm shutdown (SIGTERM), then kill if it lingers (and an embedded beat it left)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        if self.beat:
            self._kill_group()

    def kill(self) -> None:
        """Die at once, as on a power cut or the OOM killer: SIGKILL to the whole process
        group (the worker and an embedded beat), no warm shutdown, no acknowledgement."""
        if self.process is None:
            return
        self._kill_group()
        self.process.wait(5)

    def restart(self) -> CeleryWorker:
        """A fresh process with the same settings (after ``kill``); the broker's messages are
        kept, so what the dead worker had taken comes back after the visibility timeout."""
        self.stop()
        self.name = f"chengan-test-{os.getpid()}-{int(time.time() * 1000)}@%h"
        log = self.log_path.with_suffix(".previous.log")
        with open(log, "a") as previous:
            previous.write(self.log())
        return self.start()

    def _kill_group(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def wait_for(self, condition, timeout: float = 60, interval: float = 0.25):
        """Poll ``condition()`` until truthy; fail with the worker's log if it never is."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if value := condition():
                return value
            if self.process.poll() is not None:
                raise WorkerFailed(f"celery worker died:\n{self.log()[-4000:]}")
            time.sleep(interval)
        raise WorkerFailed(f"condition not met after {timeout}s; worker log:\n{self.log()[-4000:]}")


@contextlib.contextmanager
def publishing_to(broker_url: str):
    """Point this process's Celery app at ``broker_url`` for the duration (the app reads its
    broker once; its connection pools must be dropped to change it)."""
    from portal.celery import app

    previous = app.conf.broker_url, app.conf.broker_transport_options
    _drop_broker_pools(app)
    app.conf.broker_url = broker_url
    if broker_url.startswith("sqla+"):
        # kombu's SQLAlchemy transport hands its options to create_engine(), which rejects
        # Redis's visibility_timeout (see settings): it takes none.
        app.conf.broker_transport_options = {}
    try:
        yield app
    finally:
        _drop_broker_pools(app)
        app.conf.broker_url, app.conf.broker_transport_options = previous


def _drop_broker_pools(app) -> None:
    """Forget the connection and producer pools bound to the old broker URL (Celery keeps
    them for the app's life; ``app.close()`` would also unregister the app).

    ``app.pool`` comes from kombu's process-wide registry keyed by broker URL, so closing it
    alone leaves a closed pool there for the next test on that URL ("Acquire on closed
    pool"); ``kombu.pools.reset()`` closes every registered pool and forgets them."""
    from kombu import pools

    app._pool = None
    pools.reset()
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@contextlib.contextmanager
def celery_worker(
    *,
    broker_url: str,
    log_dir: Path,
    include: tuple[str, ...] = (),
    beat: bool = False,
    env: dict[str, str] | None = None,
) -> CeleryWorker:
    """Run a real worker on this test's database and ``broker_url``; the test process
    publishes to the same broker while it runs. Leftover messages are purged first.
    ``beat=True`` runs the beat scheduler in the worker; ``env`` adds to its environment."""
    from django.conf import settings
    from django.db import connections

    worker = CeleryWorker(
        broker_url=broker_url,
        database_url=database_url_for(connections["default"].settings_dict),
        var_dir=settings.VAR_DIR,
        log_path=Path(log_dir) / "celery-worker.log",
        include=include,
        beat=beat,
        env=env,
    )
    with publishing_to(broker_url) as app:
        app.control.purge()  # messages other tests queued without a worker
        worker.start()
        try:
            yield worker
        finally:
            worker.stop()

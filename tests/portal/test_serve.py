"""`make run`'s serving half (scripts/serve.sh) in the embedded mode, for real.

No DATABASE_URL or REDIS_URL: SQLite and kombu's SQLAlchemy broker under a throwaway var dir,
the web server, a Celery worker with beat embedded; a job sent by the web side is run by the
worker, and SIGTERM (as Ctrl-C) leaves no process behind.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def embedded_env(var_dir: Path, port: int) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(CHENGAN_VAR_DIR=str(var_dir), CHENGAN_ADDR=f"127.0.0.1:{port}")
    return env


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def healthz(port: int):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            return json.load(response)
    except (urllib.error.URLError, OSError):
        return None


def processes_mentioning(text: str) -> list[str]:
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (proc / "stat").read_text().split(") ", 1)[1][0]
        except OSError:
            continue
        if text in cmdline and state != "Z":
            found.append(f"{proc.name}: {cmdline}")
    return found


def test_serve_runs_web_worker_and_beat_and_stops_them_all(tmp_path):
    var_dir, port = tmp_path / "var", free_port()
    env = embedded_env(var_dir, port)
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert migrate.returncode == 0, migrate.stderr

    output = tmp_path / "serve.out"
    serve = subprocess.Popen(
        ["bash", "scripts/serve.sh"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=output.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        state = wait_for(lambda: healthz(port), 90, "/healthz to answer")
        assert state["status"] == "ok"
        assert state["database"]["vendor"] == "sqlite"
        assert state["broker"]["transport"] == "sqla+sqlite"

        celery_log = var_dir / "log" / "celery.log"
        wait_for(
            lambda: celery_log.exists() and "ready." in celery_log.read_text(),
            90,
            "the worker to be ready",
        )
        assert "beat: Starting..." in celery_log.read_text()

        send = subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup(); from portal.jobs import housekeeping;"
                "print(housekeeping.delay().id)",
            ],
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": "portal.settings.base"},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert send.returncode == 0, send.stderr
        job_id = send.stdout.strip().splitlines()[-1]
        wait_for(
            lambda: f"portal.jobs.housekeeping[{job_id}] succeeded" in celery_log.read_text(),
            60,
            "the worker to run the job",
        )
    finally:
        os.killpg(serve.pid, signal.SIGTERM)
        serve.wait(timeout=60)

    said = output.read_text(errors="replace")
    assert serve.returncode == 0, said
    assert "Chengan stopped." in said
    deadline = time.monotonic() + 15
    while (left := processes_mentioning(str(var_dir)) + processes_mentioning(f":{port}")) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.5)
    assert left == []

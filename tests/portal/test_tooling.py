"""The developer commands: `make test` lints before testing, `make bench` measures lists."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_test_lints_and_checks_migrations_before_running_pytest():
    plan = subprocess.run(
        ["make", "--dry-run", "--always-make", "test"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    steps = ["ruff check", "ruff format --check", "makemigrations --check --dry-run", "pytest"]
    positions = [plan.find(step) for step in steps]
    assert -1 not in positions, plan
    assert positions == sorted(positions), plan


def test_bench_lists_measures_every_list_with_constant_queries(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["CHENGAN_VAR_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "scripts/bench_lists.py", "--sizes", "10", "40", "--repeat", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Query counts are constant across sizes." in result.stdout
    rows = [line.split() for line in result.stdout.splitlines() if line.startswith("enterprise ")]
    assert len(rows) == 12  # 3 lists x 2 users x 2 sizes
    assert {row[-3] for row in rows} == {"200"}, result.stdout
    assert (tmp_path / "bench").is_dir()

"""Which real services this run has, and what a test does when one is missing.

Without CHENGAN_REQUIRE_SERVICES=1 a test needing an absent service skips with the reason;
with it (as in .ci/run) the test fails instead, so CI cannot go green on skipped checks.
"""

from __future__ import annotations

import functools
import os
import shutil
import socket
from urllib.parse import urlparse

import pytest

CHROMIUM = os.environ.get("CHENGAN_CHROMIUM", "/usr/bin/chromium")


def services_required() -> bool:
    return os.environ.get("CHENGAN_REQUIRE_SERVICES", "").strip() in {"1", "true", "yes"}


def missing(reason: str):
    """Skip, or fail when services are required."""
    if services_required():
        pytest.fail(f"required service missing: {reason}", pytrace=False)
    pytest.skip(reason)


def database_vendor() -> str:
    from django.db import connection

    return connection.vendor


@functools.cache
def redis_reachable() -> str | None:
    """None when REDIS_URL answers PING, otherwise why not."""
    url = os.environ.get("REDIS_URL")
    if not url:
        return "REDIS_URL is not set (embedded mode uses the SQLAlchemy broker)"
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=2
        ) as sock:
            sock.sendall(b"PING\r\n")
            if not sock.recv(16).startswith(b"+PONG"):
                return f"Redis at {url} did not answer PING"
    except OSError as exc:
        return f"Redis at {url} is unreachable: {exc}"
    return None


@functools.cache
def chromium_missing() -> str | None:
    if not (shutil.which(CHROMIUM) or os.path.exists(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed"
    return None

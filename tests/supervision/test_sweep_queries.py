"""The sweep's query budget: what it costs in queries does not grow with what falls due.
For each stage — reminders, overdue with 督办单, escalation, recurrence — a sweep over 10
items and one over 200 run the same number of queries (reads are bulk, writes batched).
Runs on SQLite and, with DATABASE_URL, on PostgreSQL."""

import datetime
import re
import sqlite3
from collections import Counter

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from portal.deadlines import sweep
from tasks.models import Milestone
from tests.querycount import count_queries
from tests.supervision.support import make_due_milestones

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2019, 7, 1, 9, 0))
TODAY = NOW.date()
SIZES = (10, 200)


def at(days: int) -> datetime.datetime:
    return NOW + datetime.timedelta(days=days)


def reminders(cast, n):
    make_due_milestones(
        count=n,
        due_on=TODAY + datetime.timedelta(days=3),
        units=[cast.zhujian_unit, cast.houzhen_unit],
        co_units=[cast.yingji_unit],
    )
    return NOW, {"reminders": n}


def overdue_and_notices(cast, n):
    make_due_milestones(
        count=n,
        due_on=TODAY - datetime.timedelta(days=1),
        units=[cast.zhujian_unit, cast.yingji_unit],
        co_units=[cast.houzhen_unit],
    )
    return NOW, {"overdue": n, "notices": n}


def escalation(cast, n):
    overdue_and_notices(cast, n)
    sweep(now=NOW)  # the notices are issued; 16 days on they are still open
    return at(16), {"escalations": n}


def recurrence(cast, n):
    heads = make_due_milestones(
        count=n, due_on=TODAY - datetime.timedelta(days=1), units=[cast.zhujian_unit]
    )
    sweep(now=NOW)  # marked overdue first, so the measured sweep only recurs
    Milestone.objects.filter(pk__in=[h.pk for h in heads]).update(recurrence_months=[6, 12])
    return NOW, {"recurrences": n}


def shape(sql: str) -> str:
    """A query without its values, to tell which one repeats."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(\.\d+)?\b", "?", sql)
    sql = re.sub(r"\((?:\?, )+\?\)", "(…)", sql)
    sql = re.sub(r"(\(…\), )+\(…\)", "(…)…", sql)
    return re.sub(r'"s\w+_x\w+"', "sp", sql)


@pytest.fixture
def real_sqlite_variable_limit(monkeypatch):
    """Django 5.2 assumes SQLite's old limit of 999 variables a statement and splits a bulk
    insert of n rows × 15 columns into n/66 statements; the SQLite linked here takes far
    more (32766 since 3.32). Tell Django the real limit, so the count measures the sweep,
    not that chunking (PostgreSQL has no such limit: nothing to change there)."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        monkeypatch.setattr(connection.features, "max_query_params", limit)


@pytest.mark.parametrize("stage", [reminders, overdue_and_notices, escalation, recurrence])
def test_a_sweeps_query_count_does_not_grow_with_the_items_due(
    cast, stage, real_sqlite_variable_limit
):
    measured = []
    for size in SIZES:
        with transaction.atomic():
            now, expected = stage(cast, size)
            ContentType.objects.clear_cache()  # each size starts from the same caches
            queries, result, sql = count_queries(lambda now=now: sweep(now=now))
            done = {name: count for name, count in result.as_dict().items() if count}
            assert done == expected
            measured.append((size, queries, sql))
            transaction.set_rollback(True)

    (small, few, few_sql), (large, many, many_sql) = measured
    if few != many:
        grown = Counter(map(shape, many_sql)) - Counter(map(shape, few_sql))
        repeated = "\n".join(f"{times}× {q[:400]}" for q, times in grown.most_common(5))
        pytest.fail(
            f"{stage.__name__}: {small} items -> {few} queries, {large} -> {many}; "
            f"the extra queries:\n{repeated}"
        )

"""Query budgets: the same page or endpoint must cost the same number of queries at any size."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(func: Callable[[], object]) -> tuple[int, object, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        result = func()
    return len(ctx.captured_queries), result, [q["sql"] for q in ctx.captured_queries]


def assert_constant_queries(
    grow: Callable[[int], None], fetch: Callable[[], object], sizes=(10, 1000)
):
    """Grow the data to each size, fetch, and require the same query count every time.

    ``grow(n)`` brings the data up to n rows; ``fetch()`` runs the page or endpoint (and
    should assert its own answer is right, e.g. a 200 and the row count).
    """
    counts = []
    for size in sizes:
        grow(size)
        n, _, sql = count_queries(fetch)
        counts.append((size, n, sql))
    first = counts[0][1]
    for size, n, sql in counts[1:]:
        if n != first:
            detail = "\n".join(sql)
            raise AssertionError(
                f"query count grew with the data: {counts[0][0]} rows -> {first} queries, "
                f"{size} rows -> {n} queries\n{detail}"
            )
    return first

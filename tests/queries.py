"""The SQL a piece of test code runs, seen by a connection execute wrapper.

``CaptureQueriesContext`` reads Django's query log, a deque of 9,000 entries: in
a long test it can miss statements. A wrapper sees every one.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection


def statements(action: Callable[[], object]) -> list[str]:
    """The SQL ``action`` runs, in order."""
    seen: list[str] = []

    def record(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        action()
    return seen

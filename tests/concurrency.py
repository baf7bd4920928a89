"""Run a function in several threads released at the same instant (each its own connection)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connections


def run_at_once(fn: Callable[[], object], threads: int) -> list[object]:
    """``fn`` in ``threads`` threads started together; their results (in finishing order)."""
    barrier = threading.Barrier(threads)
    results: list[object] = []

    def body():
        try:
            barrier.wait()
            results.append(fn())
        finally:
            connections.close_all()

    workers = [threading.Thread(target=body) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results

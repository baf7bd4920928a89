"""Benchmark registry: modules ``benchmarks/bench_*.py`` register functions by name.

A benchmark function takes ``scale`` ("full" or "small") and returns a dict of
figures; the runner adds ``bench`` and ``peak_mb``. It must return at least
``params``, ``seconds`` (a median) and ``runs``. A module that needs Django
imports it inside its functions, so listing benchmarks never imports Django.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

BenchFn = Callable[[str], dict[str, Any]]
REGISTRY: dict[str, BenchFn] = {}


def bench(name: str) -> Callable[[BenchFn], BenchFn]:
    def register(fn: BenchFn) -> BenchFn:
        if name in REGISTRY:
            raise ValueError(f"benchmark {name!r} registered twice")
        REGISTRY[name] = fn
        return fn

    return register


def median_time(fn: Callable[[], Any], runs: int) -> tuple[float, Any, list[float]]:
    """Median wall time of ``runs`` calls, the last result and all times."""
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result, times


def interleaved(
    fns: dict[str, Callable[[], Any]], runs: int
) -> tuple[dict[str, float], dict[str, Any]]:
    """Median times of several functions measured alternately (fair on a noisy machine)."""
    times: dict[str, list[float]] = {k: [] for k in fns}
    results: dict[str, Any] = {}
    for _ in range(runs):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            results[name] = fn()
            times[name].append(time.perf_counter() - t0)
    return {k: statistics.median(v) for k, v in times.items()}, results

"""Real Celery worker processes for tests, and waits that fail loudly.

A worker runs the project's app (or a test app wrapping it) in a separate
process with ``--pool solo`` on a private queue, its output in a log file.
``wait_for`` polls a condition and fails the test, naming what it awaited
and showing the workers' logs, when the time runs out or a worker it relies
on has exited: a test never sleeps blindly and never carries on regardless.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
POLL_SECONDS = 0.05


def worker_env(**extra: str) -> dict[str, str]:
    """This process's environment without its service URLs, on the test settings."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env["DJANGO_SETTINGS_MODULE"] = "mentorship.settings.test"
    env.update(extra)
    return env


def start_worker(
    *, env: dict[str, str], queue: str, name: str, log: Path, app: str = "mentorship"
) -> subprocess.Popen:
    """A Celery worker process consuming ``queue``, writing its output to ``log``."""
    with log.open("w") as out:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                app,
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "INFO",
                "--queues",
                queue,
                "--hostname",
                f"{name}-{queue}@%h",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def stop_worker(worker: subprocess.Popen) -> None:
    """Warm shutdown (SIGTERM); SIGKILL if it has not exited after 20 s."""
    if worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def log_tails(logs: Iterable[Path], chars: int = 3000) -> str:
    return "\n".join(
        f"--- {path.name} ---\n{path.read_text()[-chars:]}" for path in logs if path.exists()
    )


def wait_for(
    predicate: Callable[[], object],
    *,
    timeout: float,
    what: str,
    workers: Iterable[subprocess.Popen] = (),
    logs: Iterable[Path] = (),
):
    """Poll ``predicate`` until it is truthy and return its value; else fail the test.

    Fails at once if one of ``workers`` has exited (nothing will change any
    more), and after ``timeout`` seconds otherwise, each time saying what was
    awaited and showing the end of ``logs``.
    """
    workers, logs = list(workers), list(logs)
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        for worker in workers:
            if worker.poll() is not None:
                pytest.fail(
                    f"worker {worker.pid} exited with code {worker.returncode} while waiting "
                    f"for {what}\n{log_tails(logs)}"
                )
        if time.monotonic() >= deadline:
            pytest.fail(f"timed out after {timeout:g} s waiting for {what}\n{log_tails(logs)}")
        time.sleep(POLL_SECONDS)


def task_result(result, *, timeout: float, what: str, workers=(), logs=()):
    """The value of a Celery ``AsyncResult``, awaited with ``wait_for``."""
    wait_for(result.ready, timeout=timeout, what=what, workers=workers, logs=logs)
    return result.get(timeout=10)

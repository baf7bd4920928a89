"""Real Celery worker processes for tests, and waits that fail loudly.

A worker runs the project's app (or a test app wrapping it) in a separate
process (``--pool solo``, or ``prefork`` with one pool child) on a private
queue, its output in a log file, in a session of its own so that
``kill_worker`` can SIGKILL it with its pool children, as a container stop or
the OOM killer of a cgroup would. ``Broker`` gives a test the workers'
environment and a client app sending to their queue.
``wait_for`` polls a condition and fails the test, naming what it awaited
and showing the workers' logs, when the time runs out or a worker it relies
on has exited: a test never sleeps blindly and never carries on regardless.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
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
    *,
    env: dict[str, str],
    queue: str,
    name: str,
    log: Path,
    app: str = "mentorship",
    pool: str = "solo",
) -> subprocess.Popen:
    """A Celery worker process consuming ``queue``, writing its output to ``log``.

    ``pool="prefork"`` runs the tasks in one pool child (``--concurrency 1``),
    the production setup, so a test can kill the child alone.
    """
    pool_args = ["--pool", pool] + (["--concurrency", "1"] if pool == "prefork" else [])
    with log.open("w") as out:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                app,
                "worker",
                *pool_args,
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
            start_new_session=True,
        )


def stop_worker(worker: subprocess.Popen) -> None:
    """Warm shutdown (SIGTERM); SIGKILL if it has not exited after 20 s."""
    if worker.poll() is not None:
        _kill_group(worker)  # pool children a killed main process left behind
        return
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        kill_worker(worker)


def _kill_group(worker: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(worker.pid, signal.SIGKILL)


def kill_worker(worker: subprocess.Popen) -> None:
    """SIGKILL the worker and its pool children (its whole process group)."""
    _kill_group(worker)
    worker.wait(timeout=10)


def database_url() -> str:
    """The test database as a URL, for worker processes."""
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    host, port = s["HOST"] or "127.0.0.1", s["PORT"] or 5432
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{host}:{port}/{s['NAME']}"


class Broker:
    """The workers' environment and a client app sending to their private queue.

    ``kind``: "redis" (``REDIS_URL``) or "filesystem" (kombu's transport under ``var_dir``).
    """

    def __init__(self, kind: str, var_dir: Path, prefix: str = "test-worker"):
        from celery import Celery

        self.queue = f"{prefix}-{uuid.uuid4().hex[:8]}"
        self.env = worker_env(
            VAR_DIR=str(var_dir),
            DATABASE_URL=database_url(),
            CELERY_TASK_DEFAULT_QUEUE=self.queue,
        )
        if kind == "redis":
            url = os.environ["REDIS_URL"]
            self.env["REDIS_URL"] = url
            self.client = Celery(prefix, broker=url, backend=url)
        else:
            folder = var_dir / "broker"
            for sub in ("out", "processed", "control"):
                (folder / sub).mkdir(parents=True, exist_ok=True)
            self.client = Celery(prefix, broker="filesystem://")
            self.client.conf.broker_transport_options = {
                "data_folder_in": str(folder / "out"),
                "data_folder_out": str(folder / "out"),
                "processed_folder": str(folder / "processed"),
                "control_folder": str(folder / "control"),
                "store_processed": False,
            }

    def start_worker(
        self, name: str, log: Path, app: str = "mentorship", pool: str = "solo", **env
    ) -> subprocess.Popen:
        return start_worker(
            env={**self.env, **env}, queue=self.queue, name=name, log=log, app=app, pool=pool
        )

    def send(self, task: str, *args) -> None:
        self.client.send_task(task, args=list(args), queue=self.queue)

    def start_run(self, run_id: int) -> None:
        self.send("matching.tasks.run_full_scoring", run_id)


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

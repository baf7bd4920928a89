"""A real worker is killed (SIGKILL) in the middle of a full run; the run is resumed.

The final suggestions must be exactly those of a clean run on the same data:
no pair written twice, none missing. The worker is a separate process on the
test database (file-based SQLite, or PostgreSQL with DATABASE_URL), on the
filesystem broker or, with REDIS_URL, on Redis, listening on a private queue.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection

from matching import services
from matching.models import MatchRun, Suggestion

from .scoring_helpers import community

ROOT = Path(__file__).resolve().parents[2]
CHUNK = 3


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Broker:
    """The worker's environment and a client app sending to its private queue."""

    def __init__(self, kind: str, var_dir: Path):
        self.queue = f"test-kill-{uuid.uuid4().hex[:8]}"
        self.env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
        self.env.update(
            DJANGO_SETTINGS_MODULE="mentorship.settings.test",
            VAR_DIR=str(var_dir),
            DATABASE_URL=_database_url(),
            CELERY_TASK_DEFAULT_QUEUE=self.queue,
        )
        if kind == "redis":
            url = os.environ["REDIS_URL"]
            self.env["REDIS_URL"] = url
            self.client = Celery("kill-test", broker=url, backend=url)
        else:
            folder = var_dir / "broker"
            for sub in ("out", "processed", "control"):
                (folder / sub).mkdir(parents=True, exist_ok=True)
            self.client = Celery("kill-test", broker="filesystem://")
            self.client.conf.broker_transport_options = {
                "data_folder_in": str(folder / "out"),
                "data_folder_out": str(folder / "out"),
                "processed_folder": str(folder / "processed"),
                "control_folder": str(folder / "control"),
                "store_processed": False,
            }

    def start_worker(self, name: str, log: Path) -> subprocess.Popen:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "mentorship",
                "worker",
                "--pool",
                "solo",
                "--queues",
                self.queue,
                "--hostname",
                f"{name}-{self.queue}@%h",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--loglevel",
                "INFO",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )

    def start_run(self, run_id: int) -> None:
        self.client.send_task("matching.tasks.run_full_scoring", args=[run_id], queue=self.queue)


def _wait(predicate, timeout: float, what: str, logs=()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    tails = "\n".join(p.read_text()[-3000:] for p in logs if p.exists())
    pytest.fail(f"timed out waiting for {what}\n{tails}")


def _stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def _pairs(run: MatchRun):
    return sorted(Suggestion.objects.filter(run=run).values_list("mentee_id", "mentor_id", "rank"))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["filesystem", pytest.param("redis", marks=pytest.mark.redis)])
def test_killing_a_worker_mid_run_loses_and_duplicates_nothing(kind, tmp_path, settings):
    settings.VAR_DIR = tmp_path / "clean"
    community(mentors=12, mentees=90, seed=5)
    # The reference: a clean run on the same data, in this process.
    clean = services.match_run_execute_inline(
        run=services.match_run_start(
            chunk_size=CHUNK,
        )
    )
    assert clean.status == MatchRun.Status.SUCCEEDED, clean.error
    expected = _pairs(clean)
    assert expected

    broker = Broker(kind, tmp_path / "worker")
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    run = services.match_run_start(
        chunk_size=CHUNK,
    )
    first = broker.start_worker("first", logs[0])
    second = None
    try:
        broker.start_run(run.pk)
        _wait(
            lambda: MatchRun.objects.filter(pk=run.pk, chunks_done__gte=3).exists(),
            90,
            "the first chunks",
            logs,
        )
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        run.refresh_from_db()
        done_at_kill = run.chunks_done
        assert run.status == MatchRun.Status.RUNNING
        assert 3 <= done_at_kill < run.chunks_total == 30, "the worker must die mid-run"

        # A new worker, and the run is queued again (what match_run_resume does).
        second = broker.start_worker("second", logs[1])
        broker.start_run(run.pk)
        _wait(
            lambda: MatchRun.objects.filter(pk=run.pk, status__in=["succeeded", "failed"]).exists(),
            120,
            "the resumed run to finish",
            logs,
        )
    finally:
        _stop(first)
        if second is not None:
            _stop(second)

    run.refresh_from_db()
    assert run.status == MatchRun.Status.SUCCEEDED, run.error
    assert run.chunks_done == run.chunks_total == 30
    assert run.figures["worker_processes"] == 2  # both workers wrote chunks
    # ... and scored them with the one model stored for the run
    assert {c.figures["model_fingerprint"] for c in run.chunks.all()} == {
        run.model_state.fingerprint
    }
    assert _pairs(run) == expected  # none missing, none extra, same ranks
    current = Counter(
        Suggestion.objects.filter(is_current=True).values_list("mentee_id", "mentor_id")
    )
    assert max(current.values()) == 1  # no pair twice
    assert sorted(current) == sorted((m, r) for m, r, _ in expected)
    assert run.suggestions_count == len(expected)

"""A real worker is killed (SIGKILL) in the middle of a full run; the run is resumed.

The first worker (``tests/matching/worker_hold.py``) scores three chunks,
then stops inside the fourth chunk's transaction, right after writing its
suggestions, and says so in a marker file. The test reads the run's rows to
prove where the kill lands (running, some but not all chunks done, the held
chunk not done), kills the worker, proves the held chunk's writes were rolled
back, and resumes the run on a second worker. The final suggestions must be
exactly those of a clean run on the same data: no pair written twice, none
missing. The workers are separate processes on the test database (file-based
SQLite, or PostgreSQL with DATABASE_URL), on the filesystem broker or, with
REDIS_URL, on Redis, listening on a private queue.
"""

import json
import os
import signal
import uuid
from collections import Counter
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection

from matching import services
from matching.models import MatchRun, MatchRunChunk, Suggestion
from tests.factories import community
from tests.workers import start_worker, stop_worker, wait_for, worker_env

CHUNK = 3
HOLD_AFTER_CHUNKS = 3


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Broker:
    """The workers' environment and a client app sending to their private queue."""

    def __init__(self, kind: str, var_dir: Path):
        self.queue = f"test-kill-{uuid.uuid4().hex[:8]}"
        self.env = worker_env(
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

    def start_worker(self, name: str, log: Path, app: str = "mentorship", **env):
        return start_worker(env={**self.env, **env}, queue=self.queue, name=name, log=log, app=app)

    def start_run(self, run_id: int) -> None:
        self.client.send_task("matching.tasks.run_full_scoring", args=[run_id], queue=self.queue)


def _pairs(run: MatchRun):
    return sorted(Suggestion.objects.filter(run=run).values_list("mentee_id", "mentor_id", "rank"))


def _chunks_done(run: MatchRun) -> int:
    return MatchRunChunk.objects.filter(run=run, done_at__isnull=False).count()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["filesystem", pytest.param("redis", marks=pytest.mark.redis)])
def test_killing_a_worker_mid_run_loses_and_duplicates_nothing(kind, tmp_path, settings):
    settings.VAR_DIR = tmp_path / "clean"
    community(mentors=12, mentees=90, seed=5)
    # The reference: a clean run on the same data, in this process.
    clean = services.match_run_execute_inline(run=services.match_run_start(chunk_size=CHUNK))
    assert clean.status == MatchRun.Status.SUCCEEDED, clean.error
    expected = _pairs(clean)
    assert expected

    broker = Broker(kind, tmp_path / "worker")
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    marker = tmp_path / "held.json"
    run = services.match_run_start(chunk_size=CHUNK)
    first = broker.start_worker(
        "first",
        logs[0],
        app="tests.matching.worker_hold",
        HOLD_AFTER_CHUNKS=str(HOLD_AFTER_CHUNKS),
        HOLD_MARKER=str(marker),
    )
    second = None
    try:
        broker.start_run(run.pk)
        wait_for(
            marker.exists,
            timeout=180,
            what=f"the first worker to stop inside chunk {HOLD_AFTER_CHUNKS + 1}'s transaction",
            workers=[first],
            logs=logs,
        )
        held = json.loads(marker.read_text())
        assert held["run"] == run.pk and held["pid"] == first.pid
        assert held["in_transaction"] is True

        # Where the kill lands, read from the run's rows: mid-run, mid-chunk.
        run.refresh_from_db()
        held_chunk = MatchRunChunk.objects.get(run=run, index=held["chunk"])
        assert run.status == MatchRun.Status.RUNNING
        assert run.chunks_total == 30
        assert run.chunks_done == _chunks_done(run) == HOLD_AFTER_CHUNKS
        assert 0 < run.chunks_done < run.chunks_total, "the worker must die mid-run"
        assert held_chunk.done_at is None

        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        assert first.returncode == -signal.SIGKILL

        # The held chunk's transaction died with the worker: nothing of it was committed.
        run.refresh_from_db()
        held_chunk.refresh_from_db()
        assert run.status == MatchRun.Status.RUNNING
        assert run.chunks_done == _chunks_done(run) == HOLD_AFTER_CHUNKS
        assert held_chunk.done_at is None
        assert not Suggestion.objects.filter(run=run, mentee_id__in=held_chunk.mentee_ids).exists()

        # A new worker, and the run is queued again (what match_run_resume does).
        second = broker.start_worker("second", logs[1])
        broker.start_run(run.pk)
        wait_for(
            lambda: MatchRun.objects.filter(pk=run.pk, status__in=["succeeded", "failed"]).exists(),
            timeout=180,
            what="the resumed run to finish on the second worker",
            workers=[second],
            logs=logs,
        )
    finally:
        stop_worker(first)
        if second is not None:
            stop_worker(second)

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

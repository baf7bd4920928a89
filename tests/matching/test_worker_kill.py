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
from collections import Counter

import pytest

from matching import services
from matching.models import MatchRun, MatchRunChunk, Suggestion
from tests.factories import community
from tests.workers import Broker, stop_worker, wait_for

CHUNK = 3
HOLD_AFTER_CHUNKS = 3


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

    broker = Broker(kind, tmp_path / "worker", prefix="test-kill")
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

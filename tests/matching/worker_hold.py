"""The project's Celery app, for a worker that stops inside a chunk so a test can kill it there.

``tests/matching/test_worker_kill.py`` starts it as
``celery -A tests.matching.worker_hold worker`` with ``HOLD_AFTER_CHUNKS=N``
and ``HOLD_MARKER=<path>``. The worker scores ``N`` chunks as usual; in the
next chunk it stops right after that chunk's suggestions went in (one
``COPY``, which Django's statement hooks do not see: the hold is at the
chunk's own bookkeeping ``UPDATE`` that follows it), inside the chunk's
transaction (nothing committed), writes the marker (JSON:
run, chunk, pid, whether a transaction is open) and waits to be killed. So
the kill lands at a known point of the run, read back from its rows, rather
than wherever a timer happens to fire.

Only public hooks are used (Celery's task signals, Django's
``connection.execute_wrappers``) and only stable names (the chunk task's
name, the chunk table and its column), so the services behind the task may move.
"""

import json
import os
import time
from pathlib import Path

from celery.signals import task_postrun, task_prerun

from mentorship.celery import app

__all__ = ["app"]

CHUNK_TASK = "matching.tasks.score_chunk"
#: The statement right after a chunk's rows are written, in the same transaction.
AFTER_ROWS = 'UPDATE "matching_matchrunchunk" SET "suggestions_count"'
HOLD_AFTER = int(os.environ.get("HOLD_AFTER_CHUNKS", "0"))
MARKER = os.environ.get("HOLD_MARKER")
_chunks_run = {"count": 0}


@task_postrun.connect
def _count_chunks(sender=None, **kwargs):
    if sender is not None and sender.name == CHUNK_TASK:
        _chunks_run["count"] += 1


@task_prerun.connect
def _hold_in_this_chunk(sender=None, args=None, **kwargs):
    if not MARKER or sender is None or sender.name != CHUNK_TASK:
        return
    if _chunks_run["count"] < HOLD_AFTER:
        return
    from django.db import connection

    run_id, index = args

    def hold_after_suggestions_insert(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.lstrip().startswith(AFTER_ROWS):
            state = {
                "run": run_id,
                "chunk": index,
                "pid": os.getpid(),
                "in_transaction": connection.in_atomic_block,
            }
            partial = Path(f"{MARKER}.partial")
            partial.write_text(json.dumps(state))
            partial.replace(MARKER)  # the test never reads half a marker
            while True:  # until the test kills this process
                time.sleep(1)
        return result

    connection.execute_wrappers.append(hold_after_suggestions_insert)

"""A real Celery worker process, on each broker the project supports.

Celery is never eager here: the worker is a separate process that takes the
task from the broker, exactly as in production. Every wait polls and fails
loudly, saying what it awaited, with the worker's log (``tests/workers.py``).
"""

import os
import subprocess
import sys
import uuid

import pytest
from celery import Celery

from tests.workers import start_worker, stop_worker, task_result, wait_for, worker_env


def _ping(client: Celery, queue: str, value: str, worker, log):
    """Send ``mentorship.ping(value)`` to ``queue`` and await the worker's answer."""
    result = client.send_task("mentorship.ping", args=[value], queue=queue)
    return task_result(
        result,
        timeout=60,
        what=f"the worker to answer mentorship.ping({value!r})",
        workers=[worker],
        logs=[log],
    )


@pytest.mark.worker
def test_worker_on_the_filesystem_broker_runs_a_task(tmp_path):
    env = worker_env(VAR_DIR=str(tmp_path))
    queue = f"q-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    worker = start_worker(env=env, queue=queue, name="test", log=log)
    broker_dir = tmp_path / "broker"
    client = Celery(
        "test-client",
        broker="filesystem://",
        backend=f"file://{tmp_path / 'celery-results'}",
    )
    client.conf.broker_transport_options = {
        "data_folder_in": str(broker_dir / "out"),
        "data_folder_out": str(broker_dir / "out"),
        "processed_folder": str(broker_dir / "processed"),
        "control_folder": str(broker_dir / "control"),
        "store_processed": False,
    }
    try:
        wait_for(  # the worker's settings create the folders
            lambda: (broker_dir / "out").is_dir() and (tmp_path / "celery-results").is_dir(),
            timeout=60,
            what="the worker's settings to create the filesystem broker and result folders",
            workers=[worker],
            logs=[log],
        )
        assert _ping(client, queue, "from the filesystem", worker, log) == "from the filesystem"
    finally:
        stop_worker(worker)
    assert "mentorship.ping" in log.read_text()


@pytest.mark.worker
@pytest.mark.redis
def test_worker_on_redis_runs_a_task(tmp_path):
    redis_url = os.environ["REDIS_URL"]
    env = worker_env(VAR_DIR=str(tmp_path), REDIS_URL=redis_url)
    queue = f"q-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    worker = start_worker(env=env, queue=queue, name="test", log=log)
    client = Celery("test-client", broker=redis_url, backend=redis_url)
    try:
        assert _ping(client, queue, "from redis", worker, log) == "from redis"
    finally:
        stop_worker(worker)
    assert "mentorship.ping" in log.read_text()


def test_a_wait_that_times_out_fails_naming_what_it_awaited(tmp_path):
    log = tmp_path / "worker.log"
    log.write_text("worker said: nothing to do")
    with pytest.raises(pytest.fail.Exception) as failure:
        wait_for(lambda: False, timeout=0.2, what="the impossible", logs=[log])
    message = str(failure.value)
    assert message.startswith("timed out after 0.2 s waiting for the impossible")
    assert "worker said: nothing to do" in message


def test_a_wait_fails_at_once_when_the_worker_it_relies_on_has_exited():
    gone = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    gone.wait()
    with pytest.raises(pytest.fail.Exception) as failure:
        wait_for(lambda: False, timeout=600, what="a result", workers=[gone])
    assert str(failure.value).startswith(
        f"worker {gone.pid} exited with code 3 while waiting for a result"
    )

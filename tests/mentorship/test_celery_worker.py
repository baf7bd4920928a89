"""A real Celery worker process, on each broker the project supports.

Celery is never eager here: the worker is a separate process that takes the
task from the broker, exactly as in production.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery

ROOT = Path(__file__).resolve().parents[2]


def _start_worker(env: dict, queue: str) -> subprocess.Popen:
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
            "--loglevel",
            "INFO",
            "--queues",
            queue,
            "--hostname",
            f"test-{queue}@%h",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _stop(worker: subprocess.Popen) -> str:
    worker.terminate()
    try:
        out, _ = worker.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        out, _ = worker.communicate()
    return out


def _base_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env["DJANGO_SETTINGS_MODULE"] = "mentorship.settings.test"
    env.update(extra)
    return env


@pytest.mark.worker
def test_worker_on_the_filesystem_broker_runs_a_task(tmp_path):
    env = _base_env(VAR_DIR=str(tmp_path))
    queue = f"q-{uuid.uuid4().hex[:8]}"
    worker = _start_worker(env, queue)
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
        for _ in range(50):  # the worker's settings create the folders
            if (broker_dir / "out").is_dir() and (tmp_path / "celery-results").is_dir():
                break
            time.sleep(0.2)
        result = client.send_task("mentorship.ping", args=["from the filesystem"], queue=queue)
        assert result.get(timeout=60) == "from the filesystem"
    finally:
        log = _stop(worker)
    assert "mentorship.ping" in log


@pytest.mark.worker
@pytest.mark.redis
def test_worker_on_redis_runs_a_task(tmp_path):
    redis_url = os.environ["REDIS_URL"]
    env = _base_env(VAR_DIR=str(tmp_path), REDIS_URL=redis_url)
    queue = f"q-{uuid.uuid4().hex[:8]}"
    worker = _start_worker(env, queue)
    client = Celery("test-client", broker=redis_url, backend=redis_url)
    try:
        result = client.send_task("mentorship.ping", args=["from redis"], queue=queue)
        assert result.get(timeout=60) == "from redis"
    finally:
        log = _stop(worker)
    assert "mentorship.ping" in log

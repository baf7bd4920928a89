"""The REST API against gunicorn on 127.0.0.1, signed in with tokens.

* ``api_suggestions``: ``GET /api/v1/suggestions/`` (a page with explanations)
  for the demo mentee, one request at a time: p50 / p95 latency in ms
  (target p95 < 100 ms on the demo community on PostgreSQL).
* ``api_throughput``: 20 concurrent clients, each with its own token of a
  different mentee, reading their suggestions over keep-alive connections:
  requests per second and the number of non-200 answers (target 0).

The demo community (``setup_demo``: 150 mentors, 400 mentees) lives in a
scratch database ``mentorship_bench_api``, created, migrated, seeded and
scored (inline) when missing. gunicorn (2 workers x 4 threads, the machine
has 2 cores) is started on a free port and stopped by its PID. Needs
PostgreSQL and Redis, otherwise each prints a ``skipped`` line.
"""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from .bench_db import DEFAULT_DB, DEFAULT_REDIS, Skip, _ensure_services
from .registry import bench

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = {"full": 200, "small": 60}  # api_suggestions, sequential
PER_CLIENT = {"full": 30, "small": 10}  # api_throughput, per client per round
CLIENTS = 20
ROUNDS = 3
DEMO_MENTEE = "mentee@demo.mentorship.local"


def _urls() -> tuple[str, str]:
    base = os.environ.get("DATABASE_URL") or DEFAULT_DB
    parts = urlsplit(base)
    if not parts.scheme.startswith("postgres"):
        raise Skip(f"needs PostgreSQL, DATABASE_URL is {parts.scheme}")
    db = urlunsplit(parts._replace(path="/mentorship_bench_api"))
    return db, os.environ.get("REDIS_URL") or DEFAULT_REDIS


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """The demo community in its own database, served by gunicorn on 127.0.0.1."""

    def __init__(self):
        db_url, redis_url = _urls()
        _ensure_services(db_url, redis_url)
        self.var_dir = Path(tempfile.mkdtemp(prefix="bench-api-"))
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "mentorship.settings.base",
            "DATABASE_URL": db_url,
            "REDIS_URL": redis_url,
            "VAR_DIR": str(self.var_dir),
            "LOG_LEVEL": "WARNING",
            # The benchmark measures the API, not the rate limits.
            "API_THROTTLE_TOKEN": "100000/min",
            "API_THROTTLE_PERSON": "100000/min",
        }
        os.environ.update(self.env)
        self._manage("migrate", "--noinput")
        import django

        django.setup()
        self._seed()
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    def _manage(self, *args: str) -> None:
        proc = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True
        )
        if proc.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)}: {proc.stderr.decode()[-2000:]}")

    def _seed(self) -> None:
        from matching import services
        from matching.models import Suggestion

        self._manage("setup_demo")
        if not Suggestion.objects.filter(is_current=True).exists():
            services.match_run_execute_inline(run=services.match_run_start())

    def tokens(self, count: int) -> list[str]:
        """Read tokens: the demo mentee first, then other mentees with suggestions."""
        from matching.models import Suggestion
        from mentorship.services.tokens import api_token_create
        from profiles.models import User

        demo = User.objects.get(email=DEMO_MENTEE)
        others = (
            User.objects.filter(suggestions_received__is_current=True)
            .exclude(pk=demo.pk)
            .distinct()
            .order_by("pk")[: count - 1]
        )
        assert Suggestion.objects.filter(mentee=demo, is_current=True).exists()
        return [
            api_token_create(user=user, name="bench", scope="read")[1] for user in [demo, *others]
        ]

    def start(self) -> None:
        log = (self.var_dir / "gunicorn.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "mentorship.wsgi:application"]
            + ["--bind", f"127.0.0.1:{self.port}", "--workers", "2", "--threads", "4"]
            + ["--worker-class", "gthread", "--keep-alive", "5"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError((self.var_dir / "gunicorn.log").read_text()[-2000:])
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/api/schema/")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        import shutil

        shutil.rmtree(self.var_dir, ignore_errors=True)


def _get(connection: http.client.HTTPConnection, token: str) -> tuple[int, int]:
    connection.request("GET", "/api/v1/suggestions/", headers={"Authorization": f"Bearer {token}"})
    response = connection.getresponse()
    body = response.read()
    return response.status, len(body)


def _with_server(body) -> dict:
    params = {"community": "setup_demo (150 mentors, 400 mentees)", "server": "gunicorn 2x4"}
    try:
        server = Server()
    except Skip as exc:
        return {"params": params, "skipped": str(exc)}
    try:
        server.start()
        return body(server, params)
    finally:
        server.stop()


@bench("api_suggestions")
def api_suggestions(scale: str) -> dict:
    def body(server: Server, params: dict) -> dict:
        token = server.tokens(1)[0]
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        for _ in range(10):  # warm-up: connections, caches
            _get(connection, token)
        times, errors, size = [], 0, 0
        for _ in range(REQUESTS[scale]):
            t0 = time.perf_counter()
            status, size = _get(connection, token)
            times.append(time.perf_counter() - t0)
            errors += status != 200
        times.sort()
        return {
            "params": {**params, "requests": len(times), "page_size": 20},
            "seconds": round(statistics.median(times), 4),
            "runs": len(times),
            "p50_ms": round(statistics.median(times) * 1000, 1),
            "p95_ms": round(times[int(0.95 * (len(times) - 1))] * 1000, 1),
            "max_ms": round(times[-1] * 1000, 1),
            "errors": errors,
            "response_bytes": size,
            "target_p95_ms": 100,
        }

    return _with_server(body)


@bench("api_throughput")
def api_throughput(scale: str) -> dict:
    def body(server: Server, params: dict) -> dict:
        tokens = server.tokens(CLIENTS)
        rates, errors, total = [], 0, 0
        for _ in range(ROUNDS):
            statuses: list[int] = []
            lock = threading.Lock()
            start = threading.Barrier(len(tokens) + 1)

            def client(token: str, start=start, lock=lock, statuses=statuses) -> None:
                connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
                mine = []
                start.wait()
                for _ in range(PER_CLIENT[scale]):
                    try:
                        mine.append(_get(connection, token)[0])
                    except OSError:
                        mine.append(0)
                        connection = http.client.HTTPConnection(
                            "127.0.0.1", server.port, timeout=30
                        )
                with lock:
                    statuses.extend(mine)

            threads = [threading.Thread(target=client, args=(t,)) for t in tokens]
            for thread in threads:
                thread.start()
            start.wait()
            t0 = time.perf_counter()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - t0
            rates.append(len(statuses) / elapsed)
            errors += sum(1 for s in statuses if s != 200)
            total += len(statuses)
        return {
            "params": {**params, "clients": len(tokens), "requests_per_client": PER_CLIENT[scale]},
            "seconds": round(PER_CLIENT[scale] * len(tokens) / statistics.median(rates), 3),
            "runs": ROUNDS,
            "requests_per_second": round(statistics.median(rates), 1),
            "rates": [round(r, 1) for r in rates],
            "requests": total,
            "errors": errors,
        }

    return _with_server(body)

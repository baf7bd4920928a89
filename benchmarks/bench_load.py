"""``load_pages``: locust against gunicorn on 127.0.0.1 with the 12,000-person demo community.

The data live in a scratch PostgreSQL database ``<DATABASE_URL's name>_loadbench``
(``_small`` with ``SCALE=small``; ``LOAD_DATABASE_URL`` names another), created,
migrated and filled with ``setup_demo --mentors 2000 --mentees 10000`` (the demo
logins, the community, a first scoring run) when it holds fewer people, so the
first run takes a while and later ones reuse it. The actions of a run (requests,
accepts, bookings) stay in it, as they would on a live site.

Signed-in identities are prepared in this process, without the sign-in form
(its rate limit and password hashing are not what this measures): demo
mentees with suggestions, mentors with pending requests (a few are created
for each), and programme managers whose session passed MFA, as staff pages
require. Then gunicorn (``LOAD_WORKERS`` sync workers, default 3) serves the
base settings on a free loopback port and locust runs headless
(``benchmarks/locust_pages.py``): 50 people for 60 s (10 for 20 s with
``SCALE=small``), arriving 10 a second, one to three seconds between clicks.

Figures per page name: ``p50_ms``, ``p95_ms``, ``p99_ms``, ``rps``, ``errors``;
``/healthz`` measured in the same run is the baseline (``ratio``: a page's p95
over healthz's). Top level: the worst page's ``p95_ms`` and all ``errors``.
"""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from .registry import bench

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"full": (2000, 10000), "small": (200, 1000)}  # mentors, mentees
LOAD = {"full": (50, 60), "small": (10, 20)}  # people, seconds
POOLS = {"mentees": 40, "mentors": 20, "staff": 5}
PENDING_PER_MENTOR = 6
# People arrive over the first seconds (50 in 5 s), as a site's visitors do: all 50
# starting in the same millisecond queue 50 first clicks behind each other, a
# burst no real audience makes, which alone put ~3 % of a run's requests over 1 s.
SPAWN_PER_SECOND = 10


def _urls(scale: str) -> tuple[str, str]:
    from .bench_db import DEFAULT_DB, DEFAULT_REDIS, Skip

    base = os.environ.get("LOAD_DATABASE_URL")
    if not base:
        parts = urlsplit(os.environ.get("DATABASE_URL") or DEFAULT_DB)
        if not parts.scheme.startswith("postgres"):
            raise Skip(f"needs PostgreSQL, DATABASE_URL is {parts.scheme}")
        name = parts.path.lstrip("/") + "_loadbench" + ("_small" if scale == "small" else "")
        base = urlunsplit(parts._replace(path=f"/{name}"))
    return base, os.environ.get("REDIS_URL") or DEFAULT_REDIS


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _manage(env: dict, *args: str) -> None:
    proc = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if proc.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed: {proc.stderr[-2000:]}")


def _prepare(scale: str, users_file: Path) -> dict:
    """Identities and ids for locust; returns the community's figures."""
    import time as _time

    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from matching import services as matching_services
    from matching.models import MatchRequest, Mentorship, Suggestion
    from profiles.models import Profile, User
    from safety.roles import PROGRAMME_MANAGER, staff_roles_ensure

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh bulk loads have no planner statistics yet

    def session_of(user, *, mfa=False) -> str:
        client = Client()
        client.force_login(user)
        if mfa:
            session, now = client.session, _time.time()
            session["account_authentication_methods"] = [
                {"method": "password", "at": now, "email": user.email},
                {"method": "mfa", "at": now, "id": 1, "type": "totp"},
            ]
            session["account_authentication_methods_user"] = str(user.pk)
            session.save()
        return client.cookies[settings.SESSION_COOKIE_NAME].value

    def mentorships_of(user) -> list[int]:
        from django.db.models import Q

        return list(
            Mentorship.objects.filter(Q(mentee=user) | Q(mentor=user), status="active")
            .order_by("pk")
            .values_list("pk", flat=True)[:3]
        )

    mentee_ids = list(
        Suggestion.objects.filter(is_current=True, mentee__is_active=True)
        .order_by("mentee_id")
        .values_list("mentee_id", flat=True)
        .distinct()[: POOLS["mentees"]]
    )
    mentees = list(User.objects.filter(pk__in=mentee_ids).order_by("pk"))
    mentor_profiles = list(
        Profile.objects.filter(
            role__in=["mentor", "both"], user__is_active=True, accepting=True, capacity__gt=0
        )
        .select_related("user")
        .order_by("pk")[: POOLS["mentors"]]
    )
    mentors = [p.user for p in mentor_profiles]
    # Pending requests to the measured mentors, so that "accept" has something to do.
    for mentor in mentors:
        have = MatchRequest.objects.filter(mentor=mentor, status="pending").count()
        senders = Profile.objects.filter(role="mentee", user__is_active=True).exclude(
            user__in=MatchRequest.objects.filter(mentor=mentor).values("mentee")
        )
        for profile in senders.order_by("?")[: max(PENDING_PER_MENTOR - have, 0)]:
            try:
                matching_services.match_request_create(
                    mentee=profile.user,
                    mentor=mentor,
                    format="long_term",
                    message="Could we work together? (load benchmark)",
                )
            except Exception:  # noqa: BLE001, S112 - a refusal (cap, languages) skips that mentee
                continue
    groups = staff_roles_ensure()
    staff = []
    for n in range(POOLS["staff"]):
        user, _ = User.objects.get_or_create(
            email=f"load-manager-{n}@example.org",
            defaults={"is_staff": True, "name": f"Load Manager {n}"},
        )
        user.groups.add(groups[PROGRAMME_MANAGER])
        staff.append(user)
    # Profiles any member may see: a "matches only" profile is a 404 to a stranger.
    flash = list(
        Profile.objects.filter(
            role__in=["mentor", "both"],
            user__is_active=True,
            format_flash=True,
            visibility=Profile.Visibility.MEMBERS,
        )
        .exclude(user__in=mentees)
        .order_by("pk")
        .values_list("public_id", flat=True)[:50]
    )
    data = {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "mentees": [{"session": session_of(u), "mentorships": mentorships_of(u)} for u in mentees],
        "mentors": [{"session": session_of(u), "mentorships": mentorships_of(u)} for u in mentors],
        "staff": [{"session": session_of(u, mfa=True)} for u in staff],
        "flash_mentors": [str(p) for p in flash],
    }
    users_file.write_text(json.dumps(data))
    return {
        "people": Profile.objects.count(),
        "identities": {k: len(data[k]) for k in ("mentees", "mentors", "staff")},
    }


def _wait_healthy(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited: " + log.read_text()[-2000:])
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("gunicorn not healthy after 120 s: " + log.read_text()[-2000:])


WARM_PAGES = {
    "mentees": [
        "/matches/suggestions/",
        "/notifications/",
        "/mentors/?q=python",
        "/questions/",
        "/dashboard/",
        "/healthz",
    ],
    "mentors": ["/matches/requests/", "/dashboard/"],
    "staff": ["/programme/"],
}


def _warm_up(host: str, users_file: Path, workers: int, rounds: int = 4) -> None:
    """Each page a few times first, by as many clients at once as there are gunicorn
    workers (one client in turn would warm only the worker that happens to accept
    every request: a cold worker's first requests took ~0.7 s and made every page's
    p99), so every worker has imported its views and compiled its templates: the
    figures are of a warm site, not of the first requests."""
    from concurrent.futures import ThreadPoolExecutor

    data = json.loads(users_file.read_text())

    def visit(session_path: tuple[str, str]) -> None:
        session, path = session_path
        cookie = f"{data['session_cookie']}={session}"
        req = urllib.request.Request(host + path, headers={"Cookie": cookie})
        with urllib.request.urlopen(req, timeout=60) as response:
            response.read()

    pages = [
        (data[kind][0]["session"], path) for kind, paths in WARM_PAGES.items() for path in paths
    ]
    if data["flash_mentors"]:
        flash = f"/people/{data['flash_mentors'][0]}/flash/"
        pages.append((data["mentees"][0]["session"], flash))
    for kind in ("mentees", "mentors"):
        for person in data[kind]:
            if person["mentorships"]:
                pages.append(
                    (person["session"], f"/matches/mentorships/{person['mentorships'][0]}/")
                )
                break
    with ThreadPoolExecutor(max_workers=2 * workers) as pool:
        for _ in range(rounds):
            list(pool.map(visit, pages * workers))


def _figures(stats_csv: Path, seconds: float) -> dict:
    pages = {}
    with stats_csv.open() as f:
        for row in csv.DictReader(f):
            if row["Name"] == "Aggregated":
                continue
            name = row["Name"]
            entry = pages.setdefault(name, {"requests": 0, "errors": 0})
            entry["requests"] += int(row["Request Count"])
            entry["errors"] += int(row["Failure Count"])
            entry["p50_ms"] = float(row["50%"])
            entry["p95_ms"] = float(row["95%"])
            entry["p99_ms"] = float(row["99%"])
            entry["rps"] = round(int(row["Request Count"]) / seconds, 2)
    return pages


@bench("load_pages")
def load_pages(scale: str) -> dict:
    from .bench_db import Skip, _ensure_services

    mentors, mentees = SIZES[scale]
    people, seconds = LOAD[scale]
    people = int(os.environ.get("LOAD_USERS", people))  # a quick smoke run
    seconds = int(os.environ.get("LOAD_SECONDS", seconds))
    params = {
        "mentors": mentors,
        "mentees": mentees,
        "users": people,
        "duration_s": seconds,
        "scale": scale,
        "database": "postgresql",
        "server": f"gunicorn {os.environ.get('LOAD_WORKERS', '3')} sync workers",
    }
    try:
        db_url, redis_url = _urls(scale)
        _ensure_services(db_url, redis_url)
    except Skip as exc:
        return {"params": params, "skipped": str(exc)}
    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    queue = f"bench-load-{os.getpid()}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentorship.settings.base",
        "DATABASE_URL": db_url,
        "REDIS_URL": redis_url,
        # Tasks the actions queue (re-scores, mail) wait on a private queue nobody
        # serves, emptied afterwards: the run measures the web tier.
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DJANGO_DEBUG": "0",
        "VAR_DIR": str(work),
        "LOG_LEVEL": "WARNING",
    }
    _manage(env, "migrate", "--noinput")
    os.environ.update(env)
    import django

    django.setup()
    from profiles.models import Profile

    if Profile.objects.count() < mentors + mentees:
        _manage(env, "setup_demo", "--mentors", str(mentors), "--mentees", str(mentees))
    users_file = work / "users.json"
    community = _prepare(scale, users_file)

    port = _free_port()
    host = f"http://127.0.0.1:{port}"
    log = work / "gunicorn.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "mentorship.wsgi:application"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", os.environ.get("LOAD_WORKERS", "3")]
        + ["--preload", "--access-logfile", "-", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_healthy(host, server, log)
        _warm_up(host, users_file, int(os.environ.get("LOAD_WORKERS", "3")))
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "benchmarks" / "locust_pages.py")]
            + ["--headless", "--users", str(people), "--spawn-rate", str(SPAWN_PER_SECOND)]
            + ["--run-time", f"{seconds}s", "--host", host, "--only-summary"]
            + ["--csv", str(work / "load"), "--stop-timeout", "5"],
            cwd=ROOT,
            env={**env, "LOAD_USERS_FILE": str(users_file)},
            capture_output=True,
            text=True,
        )
        elapsed = time.perf_counter() - started
        stats = work / "load_stats.csv"
        if not stats.exists():
            raise RuntimeError(f"locust wrote no stats: {proc.stderr[-2000:]}")
        pages = _figures(stats, seconds)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        import redis

        redis.Redis.from_url(redis_url).delete(queue)
    base = pages.get("healthz", {}).get("p95_ms") or None
    for _name, entry in pages.items():
        entry["ratio"] = round(entry["p95_ms"] / base, 2) if base else None
    measured = {k: v for k, v in pages.items() if k != "healthz"}
    return {
        "params": {**params, **community},
        "seconds": round(elapsed, 1),
        "runs": 1,
        "p95_ms": max((v["p95_ms"] for v in measured.values()), default=None),
        "errors": sum(v["errors"] for v in pages.values()),
        "rps": round(sum(v["requests"] for v in pages.values()) / seconds, 1),
        "ratio_to": "healthz",
        "pages": pages,
        "failures": proc.stdout[-1500:] if any(v["errors"] for v in pages.values()) else "",
    }

"""Community benchmarks.

* ``community_routing``: one question routed among 5,000 mentors (O*NET
  community, ``onet_data.community``): the engine's routing score over every
  mentor and the ranking, with the model fitted once (as the web process keeps
  it, ``community.selectors.routing_model``); p50/p95 over many questions. The
  fit itself is reported as ``fit_seconds`` (paid once per change of the
  mentors' data, not per question). Also the routing quality on O*NET data: a
  question tagged with tools of an occupation (three of its tools; and, harder,
  tools the mentors do not list) reaches a mentor of that occupation among the
  five routed, for the engine's routing and for plain TF-IDF routing, measured
  in the same run.
* ``dashboard_page``: the programme dashboard page (every chart) on the
  12,000-person demo community (2,000 mentors, 10,000 mentees, with demo
  questions) in PostgreSQL, through Django's test client; p50/p95.

The dashboard's data live in the scratch database ``<DATABASE_URL name>_bench``
(``_small`` with ``SCALE=small``), created, migrated and seeded when missing.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from .registry import bench

SIZES = {"full": 5_000, "small": 1_000}
QUESTIONS = {"full": 300, "small": 100}
ROUTED = 5
PAGE_RUNS = {"full": 20, "small": 10}


def _p(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def _quality(disjoint: bool, *, per_occupation: int = 3, questions: int = 400, seed: int = 1):
    from matching.engine import MatchModel, Mentees, Mentors, question_as_mentee, route_scores

    from .onet_data import load_onet
    from .quality import PLAIN_TFIDF

    occupations, categories = load_onet()
    occupations = [o for o in occupations if len(o.tools) >= 8]
    rng = np.random.default_rng(seed)
    skills, occ_of = [], []
    for j, o in enumerate(occupations):
        for _ in range(per_occupation):
            tools = rng.choice(
                o.tools, size=min(len(o.tools), int(rng.integers(4, 9))), replace=False
            )
            skills.append({str(t): float(rng.integers(2, 6)) for t in tools})
            occ_of.append(j)
    occ_of = np.array(occ_of)
    m = len(skills)
    mentors = Mentors(
        ids=np.arange(1, m + 1),
        skills=skills,
        text=[""] * m,
        years_experience=np.full(m, np.nan),
        industry=[""] * m,
        occupation_group=[""] * m,
        available_hours=np.zeros((m, 168), bool),
        languages=[frozenset()] * m,
        formats=[frozenset()] * m,
        capacity_left=np.ones(m, int),
        accepting=np.ones(m, bool),
        requests_received=np.zeros(m, int),
        requests_answered_in_time=np.zeros(m, int),
    )
    placeholder = Mentees.from_records([{"id": -1}])
    # As the app fits its routing model: with every occupation's tool list as skill documents.
    taxonomy = [dict.fromkeys(o.tools, 1.0) for o in load_onet()[0]]
    models = {
        "routing": MatchModel(skill_categories=categories, random_state=0).fit(
            placeholder, mentors, skill_documents=taxonomy
        ),
        "tfidf": MatchModel(config=PLAIN_TFIDF, skill_categories=categories, random_state=0).fit(
            placeholder, mentors
        ),
    }
    hits = dict.fromkeys(models, 0)
    asked = rng.choice(len(occupations), size=min(questions, len(occupations)), replace=False)
    for j in asked:
        o = occupations[j]
        listed = set().union(*(skills[i] for i in np.flatnonzero(occ_of == j)))
        pool = [t for t in o.tools if t not in listed] if disjoint else list(o.tools)
        if len(pool) < 2:
            continue
        tags = rng.choice(pool, size=min(3, len(pool)), replace=False)
        question = question_as_mentee(skills={str(t): 2.0 for t in tags}, text="")
        for name, model in models.items():
            top = route_scores(model, question).ranked(ROUTED)
            hits[name] += bool((occ_of[top] == j).any())
    n = int(sum(1 for _ in asked))
    return {
        "questions": n,
        "hit_rate_routing": round(hits["routing"] / n, 4),
        "hit_rate_tfidf": round(hits["tfidf"] / n, 4),
        "random": round(ROUTED * per_occupation / m, 4),
    }


@bench("community_routing")
def community_routing(scale: str) -> dict:
    from matching.engine import MatchModel, Mentees, question_as_mentee, route_scores

    from .onet_data import community, load_onet

    n_mentors = SIZES[scale]
    _, mentors, categories = community(n_mentors, n_mentors, seed=3)  # mentees unused
    taxonomy = [dict.fromkeys(o.tools, 1.0) for o in load_onet()[0]]
    t0 = time.perf_counter()
    model = MatchModel(skill_categories=categories, random_state=0).fit(
        Mentees.from_records([{"id": -1}]), mentors, skill_documents=taxonomy
    )
    fit_seconds = time.perf_counter() - t0
    occupations, _ = load_onet()
    rng = np.random.default_rng(5)
    times = []
    for _ in range(QUESTIONS[scale]):
        o = occupations[int(rng.integers(len(occupations)))]
        tags = rng.choice(o.tools, size=min(3, len(o.tools)), replace=False)
        start = time.perf_counter()
        question = question_as_mentee(
            skills={str(t): 2.0 for t in tags},
            text=f"How do I use {tags[0]} well as a {o.title.lower()}?",
            languages=frozenset({"en"}),
        )
        ranked = route_scores(model, question).ranked(40)
        times.append(time.perf_counter() - start)
        assert len(ranked) <= 40
    quality = {"tools_listed": _quality(False), "tools_not_listed": _quality(True)}
    return {
        "params": {"mentors": n_mentors, "questions": len(times), "routed": ROUTED, "scale": scale},
        "seconds": round(statistics.median(times), 5),
        "runs": len(times),
        "p50_ms": round(_p(times, 50) * 1000, 2),
        "p95_ms": round(_p(times, 95) * 1000, 2),
        "fit_seconds": round(fit_seconds, 3),
        "quality": quality,
        "quality_at_least_tfidf": all(
            q["hit_rate_routing"] >= q["hit_rate_tfidf"] for q in quality.values()
        ),
    }


def _private_bench_urls(scale: str) -> tuple[str, str]:
    """``<DATABASE_URL's name>_bench``: never another engineer's scratch database."""
    import os
    from urllib.parse import urlsplit, urlunsplit

    from .bench_db import DEFAULT_DB, DEFAULT_REDIS, Skip

    base = os.environ.get("DATABASE_URL") or DEFAULT_DB
    parts = urlsplit(base)
    if not parts.scheme.startswith("postgres"):
        raise Skip(f"needs PostgreSQL, DATABASE_URL is {parts.scheme}")
    name = parts.path.lstrip("/") + "_bench" + ("_small" if scale == "small" else "")
    return urlunsplit(parts._replace(path=f"/{name}")), os.environ.get("REDIS_URL") or DEFAULT_REDIS


@bench("dashboard_page")
def dashboard_page(scale: str) -> dict:
    from . import bench_db

    bench_db._urls = _private_bench_urls
    mentees, mentors = bench_db.SIZES[scale]
    params = {
        "people": mentees + mentors,
        "mentors": mentors,
        "scale": scale,
        "database": "postgresql",
    }
    try:
        env = bench_db.Environment(scale)
    except bench_db.Skip as exc:
        return {"params": params, "skipped": str(exc)}
    try:
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.urls import reverse

        from community.demo import demo_questions_seed
        from community.models import Question
        from profiles.models import User

        demo_questions_seed(seed=bench_db.SEED)
        # Fresh bulk-loaded tables have no planner statistics yet; a live database has
        # them from autovacuum. Without them PostgreSQL picks a plan 100x slower.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        staff, _ = User.objects.get_or_create(
            email="bench-manager@example.org", defaults={"is_staff": True, "name": "Bench"}
        )
        from django.conf import settings

        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        from safety.roles import PROGRAMME_MANAGER, staff_roles_ensure
        from tests.factories import staff_login

        staff.groups.add(staff_roles_ensure()[PROGRAMME_MANAGER])
        client = Client()
        staff_login(client, staff)  # the role and a second factor in this session
        url = reverse("community:programme_dashboard")
        warm = client.get(url)
        assert warm.status_code == 200, warm.status_code
        times = []
        for _ in range(PAGE_RUNS[scale]):
            t0 = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - t0)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        return {
            "params": {**params, "questions": Question.objects.count()},
            "seconds": round(statistics.median(times), 4),
            "runs": len(times),
            "p50_ms": round(_p(times, 50) * 1000, 1),
            "p95_ms": round(_p(times, 95) * 1000, 1),
            "queries": len(queries),
        }
    finally:
        env.close()

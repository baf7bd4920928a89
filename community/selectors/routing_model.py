"""The fitted engine model the routing scores questions with (mentors only).

Fitting the model over every mentor takes a second or more at thousands of
mentors, far beyond a page's budget, so each process keeps the last fitted
model and re-fits only when the mentors' data changed. The fingerprint (one
query) covers what the model learnt: the mentors (who, and when their
profile last changed), their offered skills and the request answers behind
responsiveness. Who may receive a question *now* (active, away, weekly limit,
can-interact) is never taken from the cache: the routing service re-reads it.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from django.db.models import Count, Max, Q

from matching.engine import EngineConfig, MatchModel, Mentees, Mentors
from matching.models import MatchingConfig, MatchRequest
from matching.selectors import request_counts
from profiles.models import Profile, ProfileSkill
from profiles.reference_data import onet_tools

RANDOM_STATE = 0


@dataclass
class RoutingModel:
    model: MatchModel
    fingerprint: tuple
    mentor_ids: np.ndarray


_lock = threading.Lock()
_cached: dict[str, RoutingModel] = {}


@lru_cache(maxsize=1)
def taxonomy_documents() -> tuple[dict[str, float], ...]:
    """Every O*NET occupation's tool list: which tools go together in real jobs.

    They inform the IDF weights and the skill co-occurrence (LSA) model only, so a
    question tagged with tools its mentors do not list still finds the mentors of
    the occupation that uses them (measured in ``make bench``: community_routing).
    """
    by_occupation: dict[str, dict[str, float]] = defaultdict(dict)
    for row in onet_tools():
        by_occupation[row.soc_code][row.tool] = 1.0
    return tuple(by_occupation[code] for code in sorted(by_occupation))


def _mentors_qs():
    return Profile.objects.filter(user__is_active=True, role__in=Profile.MENTOR_ROLES)


def routing_fingerprint() -> tuple:
    """What the fitted model depends on, in one query."""
    mentors = _mentors_qs().order_by()
    row = mentors.aggregate(n=Count("id"), changed=Max("updated_at"), ids=Max("user_id"))
    skills = ProfileSkill.objects.filter(
        direction=ProfileSkill.Direction.OFFERS, profile__in=mentors.values("id")
    ).aggregate(n=Count("id"), last=Max("id"))
    answered = MatchRequest.objects.aggregate(
        n=Count("id"),
        last=Max("responded_at"),
        n_answered=Count("id", filter=Q(responded_at__isnull=False)),
    )
    return (
        row["n"],
        row["changed"],
        row["ids"],
        skills["n"],
        skills["last"],
        answered["n"],
        answered["n_answered"],
        answered["last"],
    )


def _load_mentors(expiry_days: int) -> tuple[Mentors, dict[str, str]]:
    rows = list(
        _mentors_qs()
        .order_by("user_id")
        .values("id", "user_id", "headline", "bio", "strengths", "years_experience", "industry")
    )
    offered: dict[int, dict[str, float]] = defaultdict(dict)
    categories: dict[str, str] = {}
    for pid, level, name, category in (
        ProfileSkill.objects.filter(
            direction=ProfileSkill.Direction.OFFERS, profile__in=_mentors_qs().values("id")
        )
        .order_by()
        .values_list("profile_id", "level", "skill__name", "skill__category")
    ):
        offered[pid][name] = float(level)
        if category:
            categories[name] = category
    languages: dict[int, set[str]] = defaultdict(set)
    for pid, code in (
        Profile.languages.through.objects.filter(profile__in=_mentors_qs().values("id"))
        .order_by()
        .values_list("profile_id", "language__name")
    ):
        languages[pid].add(code)
    counts = request_counts(expiry_days=expiry_days)
    mentors = Mentors(
        ids=np.array([r["user_id"] for r in rows], dtype=np.int64),
        skills=[dict(offered.get(r["id"], {})) for r in rows],
        text=[
            " ".join(
                [r["headline"] or "", r["bio"] or "", r["strengths"] or ""]
                + sorted(offered.get(r["id"], {}))
            ).strip()
            for r in rows
        ],
        # Unknown experience is NaN, as in matching's population (never a made-up 0).
        years_experience=np.array(
            [
                np.nan if r["years_experience"] is None else float(r["years_experience"])
                for r in rows
            ]
        ),
        industry=[r["industry"] or "" for r in rows],
        occupation_group=["" for _ in rows],
        available_hours=np.zeros((len(rows), 168), dtype=bool),
        languages=[frozenset(languages.get(r["id"], ())) for r in rows],
        formats=[frozenset() for _ in rows],
        capacity_left=np.ones(len(rows), dtype=np.int64),
        accepting=np.ones(len(rows), dtype=bool),
        requests_received=np.array(
            [counts.get(r["user_id"], (0, 0))[0] for r in rows], dtype=np.int64
        ),
        requests_answered_in_time=np.array(
            [counts.get(r["user_id"], (0, 0))[1] for r in rows], dtype=np.int64
        ),
    )
    return mentors, categories


def routing_model_fit(*, engine_config: EngineConfig | None = None) -> RoutingModel | None:
    """Fit a fresh routing model on today's mentors (None when there is no mentor)."""
    config = MatchingConfig.load()
    fingerprint = routing_fingerprint()
    mentors, categories = _load_mentors(config.request_expiry_days)
    if not len(mentors):
        return None
    # The model is fitted on the mentors; scikit-learn needs at least one mentee row,
    # so a placeholder without skills or words stands in (it adds nothing to the IDF terms).
    placeholder = Mentees.from_records([{"id": -1}])
    model = MatchModel(
        config=(engine_config or config.engine_config()).replace(n_jobs=1),
        skill_categories=categories,
        random_state=RANDOM_STATE,
    ).fit(placeholder, mentors, skill_documents=list(taxonomy_documents()))
    return RoutingModel(
        model=model,
        fingerprint=fingerprint,
        mentor_ids=mentors.ids,
    )


def routing_model() -> RoutingModel | None:
    """This process's fitted routing model, re-fitted when the mentors changed."""
    fingerprint = routing_fingerprint()
    cached = _cached.get("model")
    if cached is not None and cached.fingerprint == fingerprint:
        return cached
    with _lock:
        cached = _cached.get("model")
        if cached is not None and cached.fingerprint == fingerprint:
            return cached
        fitted = routing_model_fit()
        if fitted is None:
            _cached.pop("model", None)
            return None
        _cached["model"] = fitted
        return fitted


def routing_model_forget() -> None:
    """Drop the cached model (tests, and after a bulk import)."""
    _cached.pop("model", None)

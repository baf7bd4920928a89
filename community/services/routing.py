"""Routing a question to the few mentors best placed to answer it.

The engine ranks every mentor (``matching.engine.route_scores``: the skill
model of the suggestions plus responsiveness). Walking down that ranking, a
mentor receives the question only when

* :func:`community.selectors.can_interact` allows the pair (the one rule:
  blocks join it with the safety app),
* they are an active mentor who is not away,
* they have not reached their weekly limit (``QuestionPreference``; default 3,
  0 = never route to me).

The weekly limit holds under concurrency: each mentor's week is one
``RoutingWeek`` row, raised only by ``UPDATE ... SET routed = routed + 1 WHERE
routed < limit``. Two questions racing for a mentor's last slot serialise on
that row; the second update matches no row and that mentor is skipped.
"""

from __future__ import annotations

import datetime

import numpy as np
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from community.models import (
    DEFAULT_WEEKLY_LIMIT,
    Question,
    QuestionPreference,
    QuestionRoute,
    RoutingWeek,
)
from community.selectors.interaction import can_interact
from community.selectors.routing_model import routing_model
from matching.engine import question_as_mentee, route_scores
from mentorship.notifications import notify
from profiles.models import Profile, User

#: Mentors a question is put to.
ROUTED_PER_QUESTION = 5
#: Ranked mentors examined per round while looking for ones with a free slot.
CANDIDATES_PER_ROUND = 40


def week_start(at: datetime.datetime | None = None) -> datetime.date:
    """Monday (UTC) of the week ``at`` falls in: the limit's week."""
    day = (at or timezone.now()).astimezone(datetime.UTC).date()
    return day - datetime.timedelta(days=day.weekday())


def question_features(question: Question) -> tuple[dict[str, float], str, frozenset[str]]:
    skills = dict.fromkeys(question.skills.values_list("name", flat=True), 2.0)
    text = f"{question.title}. {question.body}"
    languages = frozenset(
        Profile.languages.through.objects.filter(profile__user_id=question.author_id).values_list(
            "language__name", flat=True
        )
    )
    return skills, text, languages


def _limits(mentor_ids: list[int]) -> dict[int, int]:
    limits = dict(
        QuestionPreference.objects.filter(user_id__in=mentor_ids).values_list(
            "user_id", "weekly_limit"
        )
    )
    return {m: limits.get(m, DEFAULT_WEEKLY_LIMIT) for m in mentor_ids}


def _available(mentor_ids: list[int]) -> dict[int, User]:
    """Mentors (by id) who may receive a question today: active, mentoring, not away."""
    today = timezone.localdate()
    users = (
        User.objects.filter(
            pk__in=mentor_ids, is_active=True, profile__role__in=Profile.MENTOR_ROLES
        )
        .exclude(profile__away_until__gte=today)
        .select_related("profile")
    )
    return {u.pk: u for u in users}


def routing_slot_claim(*, mentor_id: int, week: datetime.date, limit: int) -> bool:
    """Take one of the mentor's weekly slots; False when they are all taken."""
    if limit <= 0:
        return False
    return bool(
        RoutingWeek.objects.filter(mentor_id=mentor_id, week_start=week, routed__lt=limit).update(
            routed=F("routed") + 1
        )
    )


@transaction.atomic
def question_route(
    *, question: Question, k: int = ROUTED_PER_QUESTION, notify_mentors: bool = True
) -> list[QuestionRoute]:
    """Put ``question`` to up to ``k`` mentors (idempotent: a routed question is left alone).

    ``notify_mentors=False`` (demo data only) routes without telling anyone.
    """
    question = Question.objects.select_for_update().select_related("author").get(pk=question.pk)
    if question.routed_at is not None or question.is_hidden:
        return list(question.routes.all())
    fitted = routing_model()
    routes: list[QuestionRoute] = []
    if fitted is not None:
        skills, text, languages = question_features(question)
        scores = route_scores(
            fitted.model,
            question_as_mentee(
                skills=skills, text=text, languages=languages, asker_id=question.author_id
            ),
        )
        routes = _claim_best(question=question, scores=scores, ids=fitted.mentor_ids, k=k)
    question.routed_at = timezone.now()
    question.save(update_fields=["routed_at"])
    url = reverse("community:question_detail", args=[question.pk])
    for route in routes if notify_mentors else []:
        notify(
            user=route.mentor,
            kind="question_routed",
            title=f"A question for you: {question.title}"[:200],
            body="You were asked because of the skills you offer. Anyone may answer; "
            "your answer is the one the asker hoped for.",
            url=url,
        )
    return routes


def _claim_best(*, question: Question, scores, ids: np.ndarray, k: int) -> list[QuestionRoute]:
    week = week_start()
    ranked = scores.ranked()
    routes: list[QuestionRoute] = []
    for start in range(0, len(ranked), CANDIDATES_PER_ROUND):
        rows = ranked[start : start + CANDIDATES_PER_ROUND]
        mentor_ids = [int(ids[r]) for r in rows]
        available = _available(mentor_ids)
        limits = _limits(mentor_ids)
        open_ids = [m for m in mentor_ids if m in available and limits[m] > 0]
        RoutingWeek.objects.bulk_create(
            [RoutingWeek(mentor_id=m, week_start=week) for m in open_ids], ignore_conflicts=True
        )
        for row, mentor_id in zip(rows, mentor_ids, strict=True):
            mentor = available.get(mentor_id)
            if mentor is None or not can_interact(question.author, mentor):
                continue
            if not routing_slot_claim(mentor_id=mentor_id, week=week, limit=limits[mentor_id]):
                continue
            route = QuestionRoute(
                question=question,
                mentor=mentor,
                week_start=week,
                score=float(scores.total[row]),
                rank=len(routes) + 1,
            )
            route.full_clean(validate_unique=False, validate_constraints=False)
            route.save()
            routes.append(route)
            if len(routes) >= k:
                return routes
    return routes

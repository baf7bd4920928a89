"""Trust signals: what makes a stranger's advice credible, one selector per signal.

Each ``signal_*`` function answers for many people at once (one query), so a
page of answers costs the same number of queries as one. :func:`trust_signals`
assembles them into :class:`TrustSignals`, which the include
``community/includes/_trust_signals.html`` renders the same way beside every
answer and on every profile. A signal without data is ``None`` and renders
nothing: no made-up numbers.

Session counts and ratings come from the sessions app's selectors (below
community), so the figure beside an answer is the one on the profile.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from community.models import Answer, HelpfulMark
from matching.models import MatchingConfig
from matching.selectors import ResponseRate, request_counts
from profiles.models import ProfileSkill, User
from sessions.selectors import mentor_ratings, sessions_held_counts

MAX_SKILLS_SHOWN = 5


@dataclass(frozen=True)
class AnswerRecord:
    answers: int
    accepted: int
    helpful: int


@dataclass(frozen=True)
class SessionRecord:
    """Sessions held (either side) and the rating received as a mentor."""

    held: int
    average_rating: float | None
    ratings: int


@dataclass
class TrustSignals:
    user_id: int
    skills: list[str] = field(default_factory=list)
    answers: AnswerRecord | None = None
    response: ResponseRate | None = None
    sessions: SessionRecord | None = None
    member_since: datetime.datetime | None = None

    @property
    def member_days(self) -> int | None:
        if self.member_since is None:
            return None
        return max((timezone.now() - self.member_since).days, 0)


def signal_skills(user_ids: list[int]) -> dict[int, list[str]]:
    """The skills each person offers, highest level first."""
    out: dict[int, list[str]] = defaultdict(list)
    rows = (
        ProfileSkill.objects.filter(
            profile__user_id__in=user_ids, direction=ProfileSkill.Direction.OFFERS
        )
        .order_by("profile__user_id", "-level", "skill__name")
        .values_list("profile__user_id", "skill__name")
    )
    for uid, name in rows:
        out[uid].append(name)
    return out


def signal_answers(user_ids: list[int]) -> dict[int, AnswerRecord]:
    """Answers given (visible), accepted, and helpful marks received on them."""
    rows = (
        Answer.objects.filter(author_id__in=user_ids, is_hidden=False, question__is_hidden=False)
        .order_by()
        .values("author_id")
        .annotate(n=Count("id"), accepted=Count("id", filter=Q(is_accepted=True)))
    )
    helpful = dict(
        HelpfulMark.objects.filter(
            answer__author_id__in=user_ids,
            answer__is_hidden=False,
            answer__question__is_hidden=False,
        )
        .order_by()
        .values("answer__author_id")
        .annotate(n=Count("id"))
        .values_list("answer__author_id", "n")
    )
    return {
        r["author_id"]: AnswerRecord(
            answers=r["n"], accepted=r["accepted"], helpful=helpful.get(r["author_id"], 0)
        )
        for r in rows
    }


def signal_response(user_ids: list[int]) -> dict[int, ResponseRate]:
    """The mentor's response rate: matching's one definition (``request_counts``)."""
    days = MatchingConfig.load().request_expiry_days
    counts = request_counts(mentor_ids=user_ids, expiry_days=days)
    return {
        uid: ResponseRate(received=received, answered_in_time=answered, window_days=days)
        for uid, (received, answered) in counts.items()
        if received
    }


def signal_sessions(user_ids: list[int]) -> dict[int, SessionRecord]:
    """Sessions held (either side) and the rating as a mentor, by the sessions app's rules.

    The rating is ``sessions.selectors.mentor_ratings``: mentees' ratings of
    the person as their mentor, shown only once there are enough of them, the
    same figure as on the mentor's profile card.
    """
    held = sessions_held_counts(user_ids)
    ratings = mentor_ratings(user_ids)
    out: dict[int, SessionRecord] = {}
    for uid in set(held) | set(ratings):
        rating = ratings.get(uid)
        out[uid] = SessionRecord(
            held=held.get(uid, 0),
            average_rating=rating.average if rating else None,
            ratings=rating.count if rating else 0,
        )
    return out


def signal_member_since(user_ids: list[int]) -> dict[int, datetime.datetime]:
    return dict(User.objects.filter(pk__in=user_ids).values_list("pk", "date_joined"))


def trust_signals(user_ids: Iterable[int]) -> dict[int, TrustSignals]:
    """Every signal for every given person, in a fixed number of queries."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    skills = signal_skills(ids)
    answers = signal_answers(ids)
    response = signal_response(ids)
    sessions = signal_sessions(ids)
    since = signal_member_since(ids)
    return {
        uid: TrustSignals(
            user_id=uid,
            skills=skills.get(uid, [])[:MAX_SKILLS_SHOWN],
            answers=answers.get(uid),
            response=response.get(uid),
            sessions=sessions.get(uid),
            member_since=since.get(uid),
        )
        for uid in ids
    }

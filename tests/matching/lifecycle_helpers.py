"""Row builders for the lifecycle, view and browser tests of matching.

Kept next to those tests rather than in tests/factories.py so they do not
collide with the scoring tests' factories; they build on the shared ones.
"""

import datetime

from django.utils import timezone

from matching.models import Format, MatchRequest, MatchRun, Mentorship, Suggestion
from profiles.models import Language
from tests.factories import MentorProfileFactory, ProfileFactory, UserFactory


def english() -> Language:
    # get_or_create: a transactional test before this one may have flushed
    # the languages the data migration seeded.
    return Language.objects.get_or_create(code="en", defaults={"name": "English"})[0]


def make_mentee(*, verified: bool = False, **profile):
    user = UserFactory(verified=verified)
    ProfileFactory(user=user, **profile)
    user.profile.languages.add(english())
    return user


def make_mentor(*, capacity: int = 2, verified: bool = False, **profile):
    user = UserFactory(verified=verified)
    MentorProfileFactory(user=user, capacity=capacity, **profile)
    user.profile.languages.add(english())
    return user


def make_run(**kwargs) -> MatchRun:
    defaults = {"kind": MatchRun.Kind.INCREMENTAL, "status": MatchRun.Status.SUCCEEDED}
    return MatchRun.objects.create(**{**defaults, **kwargs})


def make_suggestion(*, mentee, mentor, run=None, rank: int = 1, score: float = 0.82, **kwargs):
    return Suggestion.objects.create(
        run=run or make_run(),
        mentee=mentee,
        mentor=mentor,
        rank=rank,
        score=score,
        components=kwargs.pop(
            "components",
            {"skills": 0.9, "goals": 0.6, "seniority": 0.8, "availability": 0.5},
        ),
        reasons=kwargs.pop("reasons", ["Knows Python and SQL, which you want to learn"]),
        reasons_for_mentor=kwargs.pop(
            "reasons_for_mentor", ["Wants to learn what you offer: Python and SQL"]
        ),
        **kwargs,
    )


def make_request(*, mentee, mentor, format=Format.LONG_TERM, **kwargs) -> MatchRequest:
    defaults = {
        "message": "I would love your help with my first team lead role.",
        "expires_at": timezone.now() + datetime.timedelta(days=14),
    }
    return MatchRequest.objects.create(
        mentee=mentee, mentor=mentor, format=format, **{**defaults, **kwargs}
    )


def make_mentorship(*, mentee, mentor, format=Format.LONG_TERM, slot=None, **kwargs):
    if format == Format.LONG_TERM and slot is None:
        slot = (
            Mentorship.objects.filter(mentor=mentor, status=Mentorship.Status.ACTIVE)
            .exclude(slot=None)
            .count()
            + 1
        )
    return Mentorship.objects.create(
        mentee=mentee, mentor=mentor, format=format, slot=slot, **kwargs
    )

"""Scoring-side selectors: suggestions page, response rate, matched people, runs."""

import datetime

import pytest
from django.utils import timezone

from matching.models import MatchRequest, MatchRun, Mentorship, Suggestion
from matching.selectors import (
    match_run_active,
    match_run_latest,
    match_runs_for_admin,
    mentor_response_rate,
    suggestions_for_mentee,
    users_are_matched,
)
from tests.factories import make_mentee, make_mentor

pytestmark = pytest.mark.django_db


def _suggest(run, mentee, mentor, rank, **fields):
    return Suggestion.objects.create(
        run=run, mentee=mentee, mentor=mentor, rank=rank, score=0.9 - rank / 100, **fields
    )


def test_suggestions_for_mentee_in_constant_queries(django_assert_num_queries):
    run = MatchRun.objects.create(kind="full", status="succeeded")
    mentee = make_mentee()
    mentors = [make_mentor(skills=("Python", "SQL", "Django")) for _ in range(4)]
    for rank, mentor in enumerate(mentors, start=1):
        _suggest(run, mentee, mentor, rank)
    gone = make_mentor()
    gone.is_active = False
    gone.save()
    _suggest(run, mentee, gone, 5)
    _suggest(run, mentee, make_mentor(), 6, status="declined")
    _suggest(run, mentee, make_mentor(), 7, is_current=False)
    _suggest(run, make_mentee(), mentors[0], 1)  # someone else's

    with django_assert_num_queries(2):
        items = list(suggestions_for_mentee(user=mentee))
        names = [
            [ps.skill.name for ps in s.mentor.profile.offered_skills]
            + [s.mentor.profile.headline, s.run.kind]
            for s in items
        ]
    assert [s.mentor_id for s in items] == [m.pk for m in mentors]
    assert all({"Python", "SQL", "Django"} <= set(n) for n in names)


def test_mentor_response_rate():
    mentor = make_mentor()
    assert mentor_response_rate(user=mentor).rate is None
    now = timezone.now()
    for status, answered in (("accepted", 1), ("declined", 2), ("expired", None)):
        r = MatchRequest.objects.create(mentee=make_mentee(), mentor=mentor, status=status)
        created = now - datetime.timedelta(days=30)
        MatchRequest.objects.filter(pk=r.pk).update(
            created_at=created,
            responded_at=created + datetime.timedelta(days=answered) if answered else None,
        )
    rate = mentor_response_rate(user=mentor)
    assert (rate.received, rate.answered_in_time, rate.percent) == (3, 2, 67)


def test_users_are_matched_either_way_and_only_while_active():
    a, b, c = make_mentor(), make_mentee(), make_mentee()
    m = Mentorship.objects.create(mentee=b, mentor=a, format="flash")
    assert users_are_matched(a, b) and users_are_matched(b, a)
    assert users_are_matched(a.pk, b.pk)
    assert not users_are_matched(a, c) and not users_are_matched(None, a)
    assert not users_are_matched(a, a)
    Mentorship.objects.filter(pk=m.pk).update(status="ended")
    assert not users_are_matched(a, b)


def test_run_selectors():
    old = MatchRun.objects.create(
        kind="full", status="succeeded", finished_at=timezone.now() - datetime.timedelta(days=1)
    )
    new = MatchRun.objects.create(kind="full", status="succeeded", finished_at=timezone.now())
    MatchRun.objects.create(kind="cohort", status="succeeded", finished_at=timezone.now())
    assert match_run_latest() == new and match_run_active() is None
    active = MatchRun.objects.create(kind="full", status="running")
    assert match_run_active() == active
    assert list(match_runs_for_admin(kind="full")) == [active, new, old]

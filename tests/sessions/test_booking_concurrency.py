"""Racing confirmations on PostgreSQL: nobody ends up with two overlapping sessions.

Marked ``race``: ``pytest -m race`` runs every racing test of the project.

20 threads, each with its own database connection, confirm 20 different
proposed sessions that all overlap, at the same moment (a barrier releases
each round). Exactly one is confirmed per round; the 19 others get the clear
"double booked" refusal and nothing else is raised. 20 rounds, each with its
own people, made in bulk up front.

The second test mixes roles: the person is the mentor of half the sessions
and the mentee (of other mentors) in the other half, so the exclusion over
each attendee's time range, not a per-mentor rule, is what must hold.
"""

import datetime
import threading
import uuid

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone

from matching.models import Format, Mentorship
from mentorship.errors import Refusal
from profiles.models import Profile, User
from sessions import services
from sessions.models import MentoringSession, SessionAttendee

THREADS = 20
ROUNDS = 20
pytestmark = [pytest.mark.django_db(transaction=True)]


def _users(tag: str, n: int, role=Profile.Role.MENTEE, kind: str = "") -> list[User]:
    unusable = make_password(None)
    users = User.objects.bulk_create(
        User(email=f"{kind or role}-{tag}-{i}@example.org", password=unusable) for i in range(n)
    )
    Profile.objects.bulk_create(
        Profile(user=u, role=role, capacity=THREADS, timezone="UTC") for u in users
    )
    return users


def _sessions(person: User, others: list[User], *, person_is_mentor: list[bool], start) -> list:
    mentorships = []
    for i, (other, is_mentor) in enumerate(zip(others, person_is_mentor, strict=True)):
        mentor, mentee = (person, other) if is_mentor else (other, person)
        mentorships.append(
            Mentorship(
                mentor=mentor,
                mentee=mentee,
                format=Format.LONG_TERM,
                slot=i + 1 if is_mentor else 1,
            )
        )
    mentorships = Mentorship.objects.bulk_create(mentorships)
    sessions = MentoringSession.objects.bulk_create(
        MentoringSession(
            mentorship=m,
            kind=MentoringSession.Kind.LONG_TERM,
            mentor=m.mentor,
            mentee=m.mentee,
            proposed_by=m.mentee if m.mentor_id == person.pk else person,
            # All different, all overlapping: starts one minute apart, an hour long.
            starts_at=start + datetime.timedelta(minutes=i),
            ends_at=start + datetime.timedelta(minutes=60 + i),
        )
        for i, m in enumerate(mentorships)
    )
    return sessions


def _race(rounds):
    """rounds: list of (person, sessions); thread i confirms sessions[i] as its answerer."""
    barrier = threading.Barrier(THREADS)
    outcomes: list[list[object]] = [[] for _ in rounds]
    lock = threading.Lock()

    def worker(index: int) -> None:
        try:
            for number, (_, sessions) in enumerate(rounds):
                session = sessions[index]
                answerer = (
                    session.mentor
                    if session.proposed_by_id == session.mentee_id
                    else session.mentee
                )
                barrier.wait(timeout=60)
                try:
                    result: object = services.session_confirm(session=session, by=answerer)
                except Exception as exc:  # noqa: BLE001 - Refusal expected; others fail below
                    result = exc
                with lock:
                    outcomes[number].append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _assert_one_confirmed(person, results):
    assert len(results) == THREADS
    unexpected = [r for r in results if not isinstance(r, MentoringSession | Refusal)]
    assert unexpected == []
    assert sum(isinstance(r, MentoringSession) for r in results) == 1
    refusals = [r for r in results if isinstance(r, Refusal)]
    assert [r.code for r in refusals] == ["double_booked"] * (THREADS - 1)
    assert all(
        r.message.endswith("Choose another time.")
        or r.message.endswith("Choose another time or cancel that session first.")
        for r in refusals
    )
    assert SessionAttendee.objects.filter(user=person).count() == 1
    statuses = list(
        MentoringSession.objects.filter(
            attendees__isnull=True,
            mentorship__in=Mentorship.objects.filter(mentor=person)
            | Mentorship.objects.filter(mentee=person),
        ).values_list("status", flat=True)
    )
    assert statuses == ["proposed"] * (THREADS - 1)


@pytest.mark.race
@pytest.mark.postgres
def test_twenty_racing_confirms_of_one_mentor_confirm_exactly_one():
    start = (timezone.now() + datetime.timedelta(days=3)).replace(second=0, microsecond=0)
    rounds = []
    for _ in range(ROUNDS):
        tag = uuid.uuid4().hex[:8]
        mentor = _users(tag, 1, Profile.Role.MENTOR)[0]
        mentees = _users(tag, THREADS)
        rounds.append(
            (mentor, _sessions(mentor, mentees, person_is_mentor=[True] * THREADS, start=start))
        )
    for (mentor, _), results in zip(rounds, _race(rounds), strict=True):
        _assert_one_confirmed(mentor, results)
        refusals = [r for r in results if isinstance(r, Refusal)]
        assert all(
            r.message.startswith("You already have a confirmed session from ") for r in refusals
        )


@pytest.mark.race
@pytest.mark.postgres
def test_racing_confirms_of_a_mentor_who_is_also_a_mentee_confirm_exactly_one():
    start = (timezone.now() + datetime.timedelta(days=4)).replace(second=0, microsecond=0)
    rounds = []
    for _ in range(ROUNDS):
        tag = uuid.uuid4().hex[:8]
        person = _users(tag, 1, Profile.Role.BOTH)[0]
        others = _users(tag, THREADS, Profile.Role.BOTH, kind="other")
        roles = [i % 2 == 0 for i in range(THREADS)]
        rounds.append((person, _sessions(person, others, person_is_mentor=roles, start=start)))
    for (person, _), results in zip(rounds, _race(rounds), strict=True):
        _assert_one_confirmed(person, results)


@pytest.mark.race
def test_racing_confirms_on_sqlite_are_serialised_by_the_service_lock():
    """The same race on SQLite (no exclusion constraint there): the service's lock holds it."""
    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL tests above cover this with the constraint")
    for _ in range(ROUNDS):
        _sqlite_round()


def _sqlite_round():
    start = (timezone.now() + datetime.timedelta(days=3)).replace(second=0, microsecond=0)
    tag = uuid.uuid4().hex[:8]
    mentor = _users(tag, 1, Profile.Role.MENTOR)[0]
    sessions = _sessions(mentor, _users(tag, 6), person_is_mentor=[True] * 6, start=start)
    barrier = threading.Barrier(len(sessions))
    results, lock = [], threading.Lock()

    def worker(session):
        try:
            barrier.wait(timeout=60)
            try:
                result: object = services.session_confirm(session=session, by=mentor)
            except Exception as exc:  # noqa: BLE001
                result = exc
            with lock:
                results.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(s,)) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [
        type(r).__name__ for r in results if not isinstance(r, MentoringSession | Refusal)
    ] == []
    assert sum(isinstance(r, MentoringSession) for r in results) == 1
    assert [r.code for r in results if isinstance(r, Refusal)] == ["double_booked"] * 5
    assert SessionAttendee.objects.filter(user=mentor).count() == 1

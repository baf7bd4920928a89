"""50 simultaneous accepts for a mentor with one free place, on PostgreSQL.

50 threads, each with its own database connection (Django gives every
thread its own; each closes it when it finishes), accept 50 different
pending long-term requests to a mentor with exactly one free place. A
barrier releases the 50 accepts of a round at the same moment. Afterwards
exactly one mentorship exists, every other caller got the clear capacity
refusal (a MatchingError) and nothing else was raised. 20 rounds, each with
its own mentor and requests, made in bulk up front; the threads live across
rounds so the test does not spend its time opening connections.
"""

import threading
import uuid

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection

from matching import services
from matching.models import Format, MatchRequest, Mentorship
from matching.services import MatchingError
from profiles.models import Profile, User

THREADS = 50
ROUNDS = 20
REFUSAL = "You have no free places: 1 of 1 taken. Raise your capacity or end a mentorship first."


def _make_round() -> tuple[User, list[MatchRequest]]:
    tag = uuid.uuid4().hex[:10]
    unusable = make_password(None)
    mentor = User.objects.create(email=f"mentor-{tag}@example.org", password=unusable)
    Profile.objects.create(user=mentor, role=Profile.Role.MENTOR, capacity=1)
    mentees = User.objects.bulk_create(
        User(email=f"mentee-{tag}-{i}@example.org", password=unusable) for i in range(THREADS)
    )
    requests = MatchRequest.objects.bulk_create(
        MatchRequest(mentee=mentee, mentor=mentor, format=Format.LONG_TERM, message="Please")
        for mentee in mentees
    )
    return mentor, requests


@pytest.mark.race
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_accepts_for_one_free_place_make_one_mentorship():
    rounds = [_make_round() for _ in range(ROUNDS)]
    barrier = threading.Barrier(THREADS)
    outcomes: list[list[object]] = [[] for _ in range(ROUNDS)]
    lock = threading.Lock()

    def worker(index: int) -> None:
        try:
            for number, (mentor, requests) in enumerate(rounds):
                barrier.wait(timeout=60)
                try:
                    result: object = services.match_request_accept(
                        request=requests[index], mentor=mentor
                    )
                except Exception as exc:  # noqa: BLE001 - MatchingError expected; others fail below
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

    for (mentor, _), results in zip(rounds, outcomes, strict=True):
        assert len(results) == THREADS
        unexpected = [r for r in results if not isinstance(r, Mentorship | MatchingError)]
        assert unexpected == []
        assert sum(isinstance(r, Mentorship) for r in results) == 1
        assert [r.message for r in results if isinstance(r, MatchingError)] == [REFUSAL] * (
            THREADS - 1
        )
        active = Mentorship.objects.filter(mentor=mentor, status=Mentorship.Status.ACTIVE)
        assert list(active.values_list("slot", flat=True)) == [1]
        statuses = list(MatchRequest.objects.filter(mentor=mentor).values_list("status", flat=True))
        assert statuses.count(MatchRequest.Status.ACCEPTED) == 1
        assert statuses.count(MatchRequest.Status.PENDING) == THREADS - 1

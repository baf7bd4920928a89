"""A block or a suspension racing the lifecycle, on PostgreSQL: the block always wins.

Two threads, each with its own connection, released together: one blocks
(or suspends), the other accepts, requests or confirms between the same two
people. Whatever order the database runs them in, nothing may be left
between them afterwards: the lifecycle's check saw the block, or the
block's receivers saw what the lifecycle made. 20 rounds each, new people
every round. Marked ``race``.
"""

from __future__ import annotations

import datetime
import threading
from functools import partial

import pytest
from django.db import connection
from django.utils import timezone

from matching import services as matching
from matching.models import Format, MatchRequest, Mentorship
from mentorship.errors import Refusal
from safety.services.blocks import block_create
from safety.services.moderation import suspension_create
from sessions import services as sessions
from sessions.models import MentoringSession
from tests.factories import MODERATOR, MentorshipFactory, make_mentee, make_mentor, staff_user

ROUNDS = 20
pytestmark = [
    pytest.mark.race,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def _at_once(*fns) -> list[object]:
    """Each of ``fns`` in its own thread, released together; results or exceptions, in order."""
    barrier = threading.Barrier(len(fns))
    results: list[object] = [None] * len(fns)

    def body(index, fn):
        try:
            barrier.wait(timeout=30)
            try:
                results[index] = fn()
            except Exception as exc:  # noqa: BLE001 - Refusal expected; others fail below
                results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=body, args=(i, fn)) for i, fn in enumerate(fns)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _only_refusals(results) -> None:
    unexpected = [r for r in results if isinstance(r, Exception) and not isinstance(r, Refusal)]
    assert unexpected == []


def _request(*, mentee, mentor):
    return matching.match_request_create(
        mentee=mentee, mentor=mentor, format=Format.LONG_TERM, message="Hello"
    )


def _pair():
    mentor, mentee = make_mentor(capacity=3), make_mentee()
    return mentor, mentee


def test_accept_racing_a_block_leaves_no_mentorship():
    for _ in range(ROUNDS):
        mentor, mentee = _pair()
        request = _request(mentee=mentee, mentor=mentor)
        results = _at_once(
            partial(matching.match_request_accept, request=request, mentor=mentor),
            partial(block_create, blocker=mentee, blocked=mentor),
        )
        _only_refusals(results)
        assert not Mentorship.objects.filter(
            mentee=mentee, mentor=mentor, status=Mentorship.Status.ACTIVE
        ).exists()


def test_request_racing_a_block_leaves_no_pending_request():
    for _ in range(ROUNDS):
        mentor, mentee = _pair()
        results = _at_once(
            partial(_request, mentee=mentee, mentor=mentor),
            partial(block_create, blocker=mentor, blocked=mentee),
        )
        _only_refusals(results)
        assert not MatchRequest.objects.filter(
            mentee=mentee, mentor=mentor, status=MatchRequest.Status.PENDING
        ).exists()


def test_confirm_racing_a_block_leaves_no_upcoming_session():
    starts = (timezone.now() + datetime.timedelta(days=3)).replace(second=0, microsecond=0)
    for _ in range(ROUNDS):
        mentor, mentee = _pair()
        mentorship = MentorshipFactory(mentee=mentee, mentor=mentor)
        session = sessions.session_propose(
            by=mentee,
            counterpart=mentor,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=1),
            mentorship=mentorship,
        )
        results = _at_once(
            partial(sessions.session_confirm, session=session, by=mentor),
            partial(block_create, blocker=mentee, blocked=mentor),
        )
        _only_refusals(results)
        assert not MentoringSession.objects.filter(
            mentee=mentee,
            mentor=mentor,
            status__in=[MentoringSession.Status.PROPOSED, MentoringSession.Status.CONFIRMED],
        ).exists()


def test_request_racing_a_suspension_leaves_no_pending_request():
    moderator = staff_user(MODERATOR)
    for _ in range(ROUNDS):
        mentor, mentee = _pair()
        results = _at_once(
            partial(_request, mentee=mentee, mentor=mentor),
            partial(
                suspension_create, moderator=moderator, user=mentee, reason="Spam, three times."
            ),
        )
        _only_refusals(results)
        assert not MatchRequest.objects.filter(
            mentee=mentee, status=MatchRequest.Status.PENDING
        ).exists()

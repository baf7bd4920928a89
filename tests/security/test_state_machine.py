"""A Hypothesis state machine over the match lifecycle, sessions and safety.

Every rule calls a real service (matching, sessions, safety) with people and
rows Hypothesis picks: suggest, request, accept, decline, withdraw, expire,
end, block, suspend, book, confirm, cancel. A refusal
(:class:`mentorship.errors.Refusal`) is a fine outcome; any other exception
fails the run. After every step the invariants are read back from the
database:

* a mentor's active long-term mentorships never exceed their capacity;
* at most one pending request per (mentee, mentor);
* at most one active mentorship per (mentee, mentor);
* no person has two confirmed sessions that overlap;
* nothing between two people when one blocked the other: no pending
  request, no active mentorship, no upcoming proposed or confirmed session,
  no open current suggestion;
* a suspended person has no pending request and no upcoming session.

Each example runs in one transaction that is rolled back at its end, so
examples never see each other's rows. It runs on SQLite and on PostgreSQL
(where the exclusion constraint on session times is live too); CI runs it on
PostgreSQL. ``STATE_MACHINE_EXAMPLES`` changes the number of examples.
"""

from __future__ import annotations

import datetime
import itertools
import os

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from matching import services as matching
from matching.models import Format, MatchingConfig, MatchRequest, Mentorship, Suggestion
from mentorship.errors import Refusal
from profiles.models import Profile
from safety.models import Block, Suspension
from safety.services import blocks as safety_blocks
from safety.services.moderation import suspension_create
from sessions import services as sessions
from sessions.models import MentoringSession, SessionAttendee
from sessions.services.details import workspace_mentorship_end
from tests.factories import MODERATOR, make_mentee, make_mentor, staff_user

EXAMPLES = int(os.environ.get("STATE_MACHINE_EXAMPLES", "25"))
STEPS = 30

pytestmark = pytest.mark.django_db

pick = st.integers(min_value=0, max_value=12)
# Sessions start on one of a few slots, some overlapping, some not.
SLOTS = [(day, hour, minutes) for day in (3, 4) for hour in (9, 10) for minutes in (0, 30)]


def _slot_start(index: int) -> datetime.datetime:
    day, hour, minutes = SLOTS[index % len(SLOTS)]
    base = timezone.now() + datetime.timedelta(days=day)
    return base.replace(hour=hour, minute=minutes, second=0, microsecond=0)


def _choose(rows: list, index: int):
    return rows[index % len(rows)] if rows else None


def _cast() -> dict:
    """Three mentors (one also a mentee), three mentees and a moderator, made once per test."""
    MatchingConfig.objects.filter(pk=1).update(max_pending_requests=3)
    mentors = [
        make_mentor(display_name="Mentor A"),
        make_mentor(display_name="Mentor B"),
        make_mentor(display_name="Mentor C", role=Profile.Role.BOTH),
    ]
    mentees = [make_mentee(display_name=f"Mentee {n}") for n in "123"]
    Profile.objects.filter(user__in=[*mentors, *mentees]).update(
        format_flash=True, format_long_term=True
    )
    return {
        "mentors": mentors,
        "mentees": [*mentees, mentors[2]],
        "people": [*mentors, *mentees],
        "moderator": staff_user(MODERATOR),
    }


class Lifecycle(RuleBasedStateMachine):
    """Each example starts from the cast of :func:`_cast` with new capacities."""

    cast: dict = {}

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.outcomes: dict[str, int] = {}
        # What the last invariant check saw; preconditions skip rules with nothing to act on
        # (so runs go deeper instead of idling) and keep blocks and suspensions rare.
        self.seen: dict[str, bool] = {}

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    @initialize(capacities=st.lists(st.integers(1, 2), min_size=3, max_size=3))
    def people(self, capacities):
        cast = self.cast
        self.mentors, self.mentees = cast["mentors"], cast["mentees"]
        self.people_all, self.moderator = cast["people"], cast["moderator"]
        for mentor, capacity in zip(self.mentors, capacities, strict=True):
            Profile.objects.filter(user=mentor).update(capacity=capacity)

    # --- helpers ----------------------------------------------------------------------

    def _do(self, name: str, action) -> None:
        try:
            action()
        except Refusal as refusal:
            name = f"{name}:refused:{refusal.code}"
        self.outcomes[name] = self.outcomes.get(name, 0) + 1

    def _pending(self) -> list[MatchRequest]:
        return list(
            MatchRequest.objects.filter(status=MatchRequest.Status.PENDING)
            .select_related("mentee", "mentor")
            .order_by("pk")
        )

    def _active(self) -> list[Mentorship]:
        return list(
            Mentorship.objects.filter(status=Mentorship.Status.ACTIVE)
            .select_related("mentee", "mentor")
            .order_by("pk")
        )

    def _open_sessions(self, status=None) -> list[MentoringSession]:
        statuses = (
            [status]
            if status
            else [MentoringSession.Status.PROPOSED, MentoringSession.Status.CONFIRMED]
        )
        return list(
            MentoringSession.objects.filter(status__in=statuses)
            .select_related("mentee", "mentor", "proposed_by")
            .order_by("pk")
        )

    # --- rules ------------------------------------------------------------------------

    @precondition(lambda self: self.outcomes.get("suggest", 0) < 3)  # a full model fit each
    @rule(mentee=pick)
    def suggest(self, mentee):
        user = _choose(self.mentees, mentee)
        self._do("suggest", lambda: matching.match_rescore_user(user_id=user.pk))

    @rule(mentee=pick, mentor=pick, long_term=st.booleans(), from_suggestion=st.booleans())
    def request(self, mentee, mentor, long_term, from_suggestion):
        mentee_user, mentor_user = _choose(self.mentees, mentee), _choose(self.mentors, mentor)
        suggestion = None
        if from_suggestion:
            suggestion = Suggestion.objects.filter(
                mentee=mentee_user, mentor=mentor_user, is_current=True
            ).first()
        self._do(
            "request",
            lambda: matching.match_request_create(
                mentee=mentee_user,
                mentor=mentor_user,
                format=Format.LONG_TERM if long_term else Format.FLASH,
                message="Could we work together?",
                suggestion=suggestion,
            ),
        )

    @precondition(lambda self: self.seen.get("has_pending"))
    @rule(which=pick)
    def accept(self, which):
        request = _choose(self._pending(), which)
        if request is not None:
            self._do(
                "accept",
                lambda: matching.match_request_accept(request=request, mentor=request.mentor),
            )

    @precondition(lambda self: self.seen.get("has_pending"))
    @rule(which=pick)
    def decline(self, which):
        request = _choose(self._pending(), which)
        if request is not None:
            self._do(
                "decline",
                lambda: matching.match_request_decline(
                    request=request, mentor=request.mentor, reason="Not the right time."
                ),
            )

    @precondition(lambda self: self.seen.get("has_pending"))
    @rule(which=pick)
    def withdraw(self, which):
        request = _choose(self._pending(), which)
        if request is not None:
            self._do(
                "withdraw",
                lambda: matching.match_request_withdraw(request=request, mentee=request.mentee),
            )

    @precondition(lambda self: self.seen.get("has_pending"))
    @rule(days=st.integers(0, 40))
    def expire(self, days):
        self._do(
            "expire",
            lambda: matching.match_requests_expire(
                now=timezone.now() + datetime.timedelta(days=days)
            ),
        )

    @precondition(lambda self: self.seen.get("has_active"))
    @rule(which=pick, by_mentor=st.booleans(), from_workspace=st.booleans())
    def end(self, which, by_mentor, from_workspace):
        mentorship = _choose(self._active(), which)
        if mentorship is None:
            return
        service = workspace_mentorship_end if from_workspace else matching.mentorship_end
        by = mentorship.mentor if by_mentor else mentorship.mentee
        self._do(
            "end",
            lambda: service(mentorship=mentorship, by=by, reason="We are done.", completed=False),
        )

    @precondition(lambda self: self.seen.get("few_blocks"))
    @rule(blocker=pick, blocked=pick)
    def block(self, blocker, blocked):
        a = _choose(self.people_all, blocker)
        b = _choose([p for p in self.people_all if p.pk != a.pk], blocked)
        self._do("block", lambda: safety_blocks.block_create(blocker=a, blocked=b))

    @precondition(lambda self: self.seen.get("few_suspensions"))
    @rule(who=pick)
    def suspend(self, who):
        user = _choose(self.people_all, who)
        self._do(
            "suspend",
            lambda: suspension_create(
                moderator=self.moderator, user=user, reason="Reported twice for spam."
            ),
        )

    @precondition(lambda self: self.seen.get("has_active"))
    @rule(which=pick, slot=pick, minutes=st.sampled_from([30, 60, 90]), by_mentor=st.booleans())
    def book(self, which, slot, minutes, by_mentor):
        mentorship = _choose(self._active(), which)
        if mentorship is None:
            return
        starts = _slot_start(slot)
        by, counterpart = (
            (mentorship.mentor, mentorship.mentee)
            if by_mentor
            else (mentorship.mentee, mentorship.mentor)
        )
        self._do(
            "book",
            lambda: sessions.session_propose(
                by=by,
                counterpart=counterpart,
                starts_at=starts,
                ends_at=starts + datetime.timedelta(minutes=minutes),
                mentorship=mentorship,
            ),
        )

    @rule(mentee=pick, mentor=pick, slot=pick)
    def book_flash(self, mentee, mentor, slot):
        mentee_user, mentor_user = _choose(self.mentees, mentee), _choose(self.mentors, mentor)
        starts = _slot_start(slot)
        self._do(
            "book_flash",
            lambda: sessions.session_propose(
                by=mentee_user,
                counterpart=mentor_user,
                starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=1),
                topic="Career change into data engineering",
            ),
        )

    @precondition(lambda self: self.seen.get("has_proposed"))
    @rule(which=pick)
    def confirm(self, which):
        session = _choose(self._open_sessions(MentoringSession.Status.PROPOSED), which)
        if session is None:
            return
        answerer = session.mentor if session.proposed_by_id == session.mentee_id else session.mentee
        self._do("confirm", lambda: sessions.session_confirm(session=session, by=answerer))

    @precondition(lambda self: self.seen.get("has_open_session"))
    @rule(which=pick, by_mentor=st.booleans())
    def cancel(self, which, by_mentor):
        session = _choose(self._open_sessions(), which)
        if session is None:
            return
        by = session.mentor if by_mentor else session.mentee
        self._do(
            "cancel",
            lambda: sessions.session_cancel(session=session, by=by, reason="Something came up."),
        )

    # --- invariants -------------------------------------------------------------------
    # One read of the few rows after each step (a handful of queries), then every check.

    @invariant()
    def invariants_hold(self):
        if not getattr(self, "mentors", None):
            return
        now = timezone.now()
        pending = list(
            MatchRequest.objects.filter(status=MatchRequest.Status.PENDING).values_list(
                "mentee_id", "mentor_id"
            )
        )
        active = list(
            Mentorship.objects.filter(status=Mentorship.Status.ACTIVE).values_list(
                "mentee_id", "mentor_id", "format"
            )
        )
        sessions_open = list(
            MentoringSession.objects.filter(
                status__in=[MentoringSession.Status.PROPOSED, MentoringSession.Status.CONFIRMED]
            ).values_list("pk", "mentee_id", "mentor_id", "status", "starts_at", "ends_at")
        )
        attendees = set(SessionAttendee.objects.values_list("session_id", "user_id"))
        suggested = set(
            Suggestion.objects.filter(is_current=True, status=Suggestion.Status.OPEN).values_list(
                "mentee_id", "mentor_id"
            )
        )
        capacity = dict(
            Profile.objects.filter(user__in=self.mentors).values_list("user_id", "capacity")
        )
        blocks = {frozenset(pair) for pair in Block.objects.values_list("blocker_id", "blocked_id")}
        suspended = set(Suspension.objects.active(now=now).values_list("user_id", flat=True))

        # Capacity: active long-term mentorships per mentor.
        taken: dict[int, int] = {}
        for _, mentor, format_ in active:
            if format_ == Format.LONG_TERM:
                taken[mentor] = taken.get(mentor, 0) + 1
        assert {m: n for m, n in taken.items() if n > capacity.get(m, 0)} == {}

        # One pending request and one active mentorship per pair.
        assert len(pending) == len(set(pending)), pending
        pairs_active = [(mentee, mentor) for mentee, mentor, _ in active]
        assert len(pairs_active) == len(set(pairs_active)), pairs_active

        # No overlapping confirmed sessions per person, and the calendar rows agree.
        confirmed = [row for row in sessions_open if row[3] == MentoringSession.Status.CONFIRMED]
        spans: dict[int, list[tuple]] = {}
        for pk, mentee, mentor, _, starts, ends in confirmed:
            for person in (mentee, mentor):
                spans.setdefault(person, []).append((starts, ends, pk))
        for person, rows in spans.items():
            rows.sort()
            for (_, end, first), (start, _, second) in itertools.pairwise(rows):
                assert start >= end, f"person {person}: sessions {first} and {second} overlap"
        assert attendees == {
            (pk, person) for pk, mentee, mentor, *_ in confirmed for person in (mentee, mentor)
        }

        # Nothing between blocked people; nothing waiting on a suspended person.
        upcoming = [
            (mentee, mentor) for _, mentee, mentor, _, starts, _ in sessions_open if starts > now
        ]
        between = {
            "pending request": pending,
            "active mentorship": pairs_active,
            "upcoming session": upcoming,
            "open suggestion": list(suggested),
        }
        for what, rows in between.items():
            assert [pair for pair in rows if frozenset(pair) in blocks] == [], what
        for what in ("pending request", "upcoming session"):
            stuck = [pair for pair in between[what] if suspended & set(pair)]
            assert stuck == [], f"{what} of a suspended person: {stuck}"

        self.seen = {
            "has_pending": bool(pending),
            "has_active": bool(active),
            "has_proposed": any(
                row[3] == MentoringSession.Status.PROPOSED for row in sessions_open
            ),
            "has_open_session": bool(sessions_open),
            "few_blocks": len(blocks) < 2,
            "few_suspensions": len(suspended) < 1,
        }


Lifecycle.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    derandomize=os.environ.get("STATE_MACHINE_RANDOM") != "1",
)


def test_the_lifecycle_keeps_its_invariants_under_any_sequence_of_actions():
    from hypothesis.stateful import run_state_machine_as_test

    Lifecycle.cast = _cast()
    run_state_machine_as_test(Lifecycle, settings=Lifecycle.TestCase.settings)

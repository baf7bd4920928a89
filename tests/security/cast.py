"""One rich fixture for the security tests: a cast of people and every kind of object.

Every private text carries a unique marker (``MARK-<what>-<hex>``) and the
fixture records who may read it (``Cast.markers``: marker → actor names).
The access matrix asserts that no response (pages, CSV, .ics, the JSON
account export) and no email carries a marker to someone outside its set.

Actors (``Cast.actors``):

* ``mentee`` and ``mentor``: the two people of an active mentorship, with a
  pending request between them, a confirmed session, a held one, notes
  (shared and private), messages, a goal with a milestone, a question and
  its answer, a report (by the mentee, about the mentor's request message);
  a flash session (no mentorship) with its own thread, a hidden question,
  an API token (its raw secret is a marker of the mentee's);
* ``stranger``: a member with no tie to either;
* ``blocked``: a member the mentor blocked;
* ``suspended``: a suspended member (signed out at their next request);
* ``staff_plain``: ``is_staff`` without any role; ``moderator`` and
  ``manager``: the two staff roles (second factor passed in their session);
  the manager holds a SCIM token (``Cast.secrets["scim"]``, also a marker of
  theirs) and registered a webhook endpoint (its signing secret: theirs).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from django.utils import timezone

from tests.factories import (
    MODERATOR,
    PROGRAMME_MANAGER,
    AnswerFactory,
    CalendarFeedFactory,
    MatchRequestFactory,
    MatchRunFactory,
    MentoringSessionFactory,
    MentorshipFactory,
    MilestoneFactory,
    NotificationFactory,
    QuestionFactory,
    RequestMessageFactory,
    SessionFeedbackFactory,
    SessionNoteFactory,
    StaffFlagFactory,
    SuggestionFactory,
    WebhookEndpointFactory,
    make_mentee,
    make_mentor,
    staff_user,
    verify_email,
)

MENTEE, MENTOR, STRANGER, BLOCKED, SUSPENDED = (
    "mentee",
    "mentor",
    "stranger",
    "blocked",
    "suspended",
)
STAFF_PLAIN, MODERATOR_ACTOR, MANAGER = "staff_plain", "moderator", "manager"
ANONYMOUS = "anonymous"
PARTIES = frozenset({MENTEE, MENTOR})
STAFF_ACTORS = (STAFF_PLAIN, MODERATOR_ACTOR, MANAGER)
ACTORS = (ANONYMOUS, MENTEE, MENTOR, STRANGER, BLOCKED, SUSPENDED, *STAFF_ACTORS)


def marker(what: str) -> str:
    return f"MARK-{what}-{secrets.token_hex(3)}"


@dataclass
class Cast:
    users: dict = field(default_factory=dict)
    markers: dict[str, frozenset[str]] = field(default_factory=dict)
    objects: dict = field(default_factory=dict)
    #: Raw secrets the matrix needs to act with (``"scim"``: the manager's SCIM token).
    secrets: dict[str, str] = field(default_factory=dict)

    def mark(self, what: str, *readers: str) -> str:
        value = marker(what)
        self.markers[value] = frozenset(readers)
        return value

    def __getattr__(self, name):
        objects = self.__dict__.get("objects", {})
        if name in objects:
            return objects[name]
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)

    def actor_of(self, user) -> str | None:
        for name, candidate in self.users.items():
            if candidate.pk == user.pk:
                return name
        return None


def _onboard(user):
    user.profile.onboarded_at = timezone.now()
    user.profile.save(update_fields=["onboarded_at"])
    verify_email(user)
    return user


def build_cast() -> Cast:
    from matching.models import MatchRequest, MatchRun
    from mentorship.services.tokens import api_token_create
    from safety.models import ReportReason
    from safety.services.blocks import block_create
    from safety.services.moderation import suspension_create
    from safety.services.reports import report_create
    from sessions import services as session_services
    from sessions.models import MentoringSession
    from sessions.services.workspace import message_send, note_add
    from tests.sessions.helpers import at, past_session

    cast = Cast()
    mentee = _onboard(make_mentee(email="mentee@sec.example.org", display_name="Mina Mentee"))
    mentor = _onboard(make_mentor(email="mentor@sec.example.org", display_name="Otto Mentor"))
    stranger = _onboard(make_mentee(email="stranger@sec.example.org"))
    blocked = _onboard(make_mentee(email="blocked@sec.example.org"))
    suspended = _onboard(make_mentee(email="suspended@sec.example.org"))
    staff_plain = staff_user(email="staff@sec.example.org")
    moderator = staff_user(MODERATOR, email="moderator@sec.example.org")
    manager = staff_user(PROGRAMME_MANAGER, email="manager@sec.example.org")
    cast.users = {
        MENTEE: mentee,
        MENTOR: mentor,
        STRANGER: stranger,
        BLOCKED: blocked,
        SUSPENDED: suspended,
        STAFF_PLAIN: staff_plain,
        MODERATOR_ACTOR: moderator,
        MANAGER: manager,
    }
    o = cast.objects

    # The mentee's goal and milestone: the mentor of an active mentorship works on them too.
    goal = mentee.goals.first()
    goal.description = cast.mark("goal", MENTEE, MENTOR)
    goal.save()
    o["goal"] = goal
    o["milestone"] = MilestoneFactory(goal=goal, title=cast.mark("milestone", MENTEE, MENTOR))

    o["mentorship"] = mentorship = MentorshipFactory(mentee=mentee, mentor=mentor)
    o["run"] = run = MatchRunFactory(status=MatchRun.Status.SUCCEEDED)
    o["suggestion"] = SuggestionFactory(run=run, mentee=mentee, mentor=mentor)
    o["cohort_run"] = MatchRunFactory(
        kind=MatchRun.Kind.COHORT, status=MatchRun.Status.SUCCEEDED, mode="stable"
    )
    o["request"] = request = MatchRequestFactory(
        mentee=mentee,
        mentor=mentor,
        format="flash",
        message=cast.mark("request-message", MENTEE, MENTOR, MODERATOR_ACTOR),
        status=MatchRequest.Status.PENDING,
    )
    o["request_question"] = RequestMessageFactory(
        request=request,
        author=mentor,
        body=cast.mark("request-question", MENTEE, MENTOR, MODERATOR_ACTOR),
    )
    # The reported message: its moderator reads it in the case, with the report.
    o["reported_message"] = reported = RequestMessageFactory(
        request=request,
        author=mentor,
        body=cast.mark("reported-message", MENTEE, MENTOR, MODERATOR_ACTOR),
    )
    o["report"] = report_create(
        reporter=mentee,
        target=reported,
        reason=ReportReason.HARASSMENT,
        details=cast.mark("report-details", MENTEE, MODERATOR_ACTOR),
    )

    session = session_services.session_propose(
        by=mentee,
        counterpart=mentor,
        starts_at=at(days=4, hour=10),
        ends_at=at(days=4, hour=11),
        mentorship=mentorship,
        topic=cast.mark("session-topic", MENTEE, MENTOR),
        agenda=cast.mark("session-agenda", MENTEE, MENTOR),
    )
    o["session"] = session_services.session_confirm(session=session, by=mentor)
    o["shared_note"] = note_add(
        session=session, by=mentee, body=cast.mark("shared-note", MENTEE, MENTOR), private=False
    )
    o["private_note"] = note_add(
        session=session, by=mentee, body=cast.mark("private-note-mentee", MENTEE), private=True
    )
    o["mentor_private_note"] = note_add(
        session=session, by=mentor, body=cast.mark("private-note-mentor", MENTOR), private=True
    )
    o["message"] = message_send(
        by=mentee, mentorship=mentorship, body=cast.mark("workspace-message", MENTEE, MENTOR)
    )
    o["past_session"] = held = past_session(
        mentorship, days_ago=3, status=MentoringSession.Status.HELD
    )
    o["feedback"] = SessionFeedbackFactory(
        session=held, author=mentee, subject=mentor, rating=2, comment=cast.mark("feedback", MENTEE)
    )
    o["past_private_note"] = SessionNoteFactory(
        session=held, author=mentor, is_private=True, body=cast.mark("past-note-mentor", MENTOR)
    )
    o["staff_flag"] = StaffFlagFactory(
        session=held,
        reported_by=mentee,
        about=mentor,
        detail=cast.mark("staff-flag", MENTEE, MODERATOR_ACTOR),
    )

    # A flash session (no mentorship): its thread is the session's own.
    o["flash_session"] = flash = MentoringSessionFactory(
        mentor=mentor,
        mentee=mentee,
        proposed_by=mentee,
        topic=cast.mark("flash-topic", MENTEE, MENTOR),
        agenda=cast.mark("flash-agenda", MENTEE, MENTOR),
    )
    o["flash_message"] = message_send(
        by=mentor, session=flash, body=cast.mark("flash-message", MENTEE, MENTOR)
    )

    o["question"] = question = QuestionFactory(author=mentee, title="How do I plan a first talk?")
    # Hidden by a moderator: its author still sees it, nobody else does.
    o["hidden_question"] = QuestionFactory(
        author=mentee,
        title="A question taken down",
        body=cast.mark("hidden-question", MENTEE),
        is_hidden=True,
        hidden_reason="Off topic",
    )
    o["answer"] = AnswerFactory(question=question, author=mentor, body="Start with one story.")
    o["notification"] = NotificationFactory(
        user=mentee, title="A private notice", body=cast.mark("notification", MENTEE)
    )
    o["calendar_feed"] = feed = CalendarFeedFactory(user=mentee)
    cast.markers[feed.token] = frozenset({MENTEE})

    # Secrets shown once to their owner: an API token, a SCIM token, a webhook's signing key.
    o["api_token"], raw = api_token_create(user=mentee, name="matrix script", scope="write")
    cast.markers[raw] = frozenset({MENTEE})
    o["scim_token"], raw = api_token_create(user=manager, name="matrix idp", scope="scim")
    cast.secrets["scim"] = raw
    cast.markers[raw] = frozenset({MANAGER})
    o["webhook"] = hook = WebhookEndpointFactory(created_by=manager)
    cast.markers[hook.secret] = frozenset({MANAGER})

    o["block"] = block_create(blocker=mentor, blocked=blocked)
    o["suspension"] = suspension_create(
        moderator=moderator,
        user=suspended,
        reason=cast.mark("suspension-reason", SUSPENDED, MODERATOR_ACTOR),
    )
    return cast

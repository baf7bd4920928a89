"""Notes, messages, feedback, no-shows and the mentee's goals in a workspace.

Private notes are only ever read by their author: selectors filter them by
author, and the "your data" export (profiles.account_data) leaves a row out
of a person's export when it points at another person and not at them.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from matching.models import Mentorship
from mentorship.notifications import notify
from profiles import services as profile_services
from profiles.models import Goal, Milestone
from sessions import conf
from sessions.errors import SessionRefusal
from sessions.models import (
    COMMENT_MAX,
    MESSAGE_MAX,
    NOTE_MAX,
    MentoringSession,
    Message,
    SessionFeedback,
    SessionNote,
    StaffFlag,
)

from .booking import _refuse_if_cannot_meet, name_of, session_url, when_for

Status = MentoringSession.Status
User = get_user_model()


def _text(value: str, limit: int, what: str, field: str = "body") -> str:
    value = (value or "").strip()
    if not value:
        raise SessionRefusal(
            f"Write something first: the {what} is empty.", code="empty", field=field
        )
    if len(value) > limit:
        raise SessionRefusal(
            f"The {what} is {len(value)} characters long; keep it under {limit:,}.",
            code="too_long",
            field=field,
        )
    return value


def _refuse_unless_party(session: MentoringSession, by) -> None:
    if not session.is_party(by):
        raise SessionRefusal("Only the two people of a session can do this.", code="not_party")


# --- notes -----------------------------------------------------------------------


@transaction.atomic
def note_add(*, session: MentoringSession, by, body: str, private: bool) -> SessionNote:
    """Add a shared note, or write (replace) your private note on the session."""
    _refuse_unless_party(session, by)
    body = _text(body, NOTE_MAX, "note")
    if private:
        note = SessionNote.objects.select_for_update().filter(
            session=session, author=by, is_private=True
        ).first() or SessionNote(session=session, author=by, is_private=True)
        note.body = body
    else:
        note = SessionNote(session=session, author=by, is_private=False, body=body)
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def note_delete(*, note: SessionNote, by) -> None:
    if note.author_id != by.pk:
        raise SessionRefusal("Only the author of a note can delete it.", code="not_author")
    note.delete()


# --- messages --------------------------------------------------------------------


def _thread_parties(*, mentorship: Mentorship | None, session: MentoringSession | None):
    if (mentorship is None) == (session is None):
        raise ValueError("a message belongs to exactly one thread: a mentorship or a flash session")
    if mentorship is not None:
        return mentorship.mentor, mentorship.mentee
    if session.mentorship_id is not None:
        raise ValueError("a mentorship session's messages go to the mentorship's thread")
    return session.mentor, session.mentee


def thread_url(*, mentorship=None, session=None) -> str:
    if mentorship is not None:
        return reverse("matching:mentorship_detail", args=[mentorship.pk]) + "#messages"
    return session_url(session) + "#messages"


@transaction.atomic
def message_send(
    *, by, body: str, mentorship: Mentorship | None = None, session: MentoringSession | None = None
) -> Message:
    """Post to a mentorship's thread, or to a flash session's.

    No email here: ``sessions.tasks.send_message_digests`` mails each
    recipient one digest per burst (see :mod:`sessions.services.digests`).
    """
    mentor, mentee = _thread_parties(mentorship=mentorship, session=session)
    if by.pk not in (mentor.pk, mentee.pk):
        raise SessionRefusal(
            "Only the two people of this thread can write in it.", code="not_party"
        )
    recipient = mentee if by.pk == mentor.pk else mentor
    _refuse_if_cannot_meet(by, recipient)
    message = Message(
        mentorship=mentorship,
        session=session,
        author=by,
        recipient=recipient,
        body=_text(body, MESSAGE_MAX, "message"),
    )
    message.full_clean()
    message.save()
    return message


@transaction.atomic
def messages_mark_read(*, user, mentorship=None, session=None) -> int:
    qs = Message.objects.filter(recipient=user, read_at__isnull=True)
    qs = qs.filter(mentorship=mentorship) if mentorship is not None else qs.filter(session=session)
    return qs.update(read_at=timezone.now())


# --- after the session: feedback and no-shows ----------------------------------------


def _refuse_unless_ended(session: MentoringSession, *, now) -> None:
    if session.ends_at > now:
        raise SessionRefusal(
            f"Feedback opens when the session ends ({when_for(session.mentor, session.ends_at)}).",
            code="not_ended",
        )
    if session.ends_at < now - datetime.timedelta(days=conf.get("SESSIONS_FEEDBACK_DAYS")):
        raise SessionRefusal(
            f"Feedback is taken for {conf.get('SESSIONS_FEEDBACK_DAYS')} days after a session; "
            "this one ended earlier.",
            code="feedback_closed",
        )


def _staff_flag(*, session, kind, reported_by, about, detail: str) -> None:
    try:
        with transaction.atomic():
            StaffFlag.objects.create(
                session=session,
                kind=kind,
                reported_by=reported_by,
                about=about,
                detail=detail[:300],
            )
    except IntegrityError:
        return  # already reported
    for staff in User.objects.filter(is_staff=True, is_active=True):
        notify(
            user=staff,
            kind=f"staff_{kind}",
            title=f"{StaffFlag.Kind(kind).label}: {name_of(reported_by)} about {name_of(about)}",
            body=detail[:300],
            url=reverse("sessions:staff_flags"),
            email=False,
        )


@transaction.atomic
def feedback_leave(
    *, session: MentoringSession, by, rating: int, comment: str = ""
) -> SessionFeedback:
    """Rate a session after its end (1–5). The first rating marks a confirmed session held."""
    _refuse_unless_party(session, by)
    session = MentoringSession.objects.select_for_update().get(pk=session.pk)
    now = timezone.now()
    if session.status not in (Status.CONFIRMED, Status.HELD):
        raise SessionRefusal(
            f"This session is {session.get_status_display().lower()}: only sessions that took "
            "place can be rated.",
            code="not_held",
        )
    _refuse_unless_ended(session, now=now)
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise SessionRefusal("Choose a rating from 1 to 5.", code="bad_rating", field="rating")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise SessionRefusal(
            f"The comment is {len(comment)} characters long; keep it under {COMMENT_MAX:,}.",
            code="too_long",
            field="comment",
        )
    if SessionFeedback.objects.filter(session=session, author=by).exists():
        raise SessionRefusal("You already rated this session. Thank you!", code="already_rated")
    other = session.other(by)
    feedback = SessionFeedback(
        session=session, author=by, subject=other, rating=rating, comment=comment
    )
    feedback.full_clean()
    try:
        with transaction.atomic():
            feedback.save()
    except IntegrityError as exc:
        raise SessionRefusal(
            "You already rated this session. Thank you!", code="already_rated"
        ) from exc
    if session.status == Status.CONFIRMED:
        session.status = Status.HELD
        session.save(update_fields=["status", "updated_at"])
    if rating <= conf.get("SESSIONS_LOW_RATING"):
        _staff_flag(
            session=session,
            kind=StaffFlag.Kind.LOW_RATING,
            reported_by=by,
            about=other,
            detail=f"{rating}/5. {comment}",
        )
    notify(
        user=other,
        kind="session_feedback",
        title=f"{name_of(by)} left feedback on your session",
        url=session_url(session),
        email=False,
    )
    return feedback


@transaction.atomic
def session_report_no_show(*, session: MentoringSession, by) -> MentoringSession:
    """The other person did not come: the session becomes a no-show and staff hear of it."""
    _refuse_unless_party(session, by)
    session = MentoringSession.objects.select_for_update().get(pk=session.pk)
    now = timezone.now()
    if session.status != Status.CONFIRMED:
        raise SessionRefusal(
            f"This session is {session.get_status_display().lower()}; a no-show can only be "
            "reported for a confirmed session nobody has rated yet.",
            code="not_confirmed",
        )
    if session.starts_at > now:
        raise SessionRefusal(
            "The session has not started yet. Cancel it instead if it will not happen.",
            code="not_started",
        )
    other = session.other(by)
    session.status = Status.NO_SHOW
    session.no_show_user = other
    session.save(update_fields=["status", "no_show_user", "updated_at"])
    _staff_flag(
        session=session,
        kind=StaffFlag.Kind.NO_SHOW,
        reported_by=by,
        about=other,
        detail=f"Session on {session.starts_at:%Y-%m-%d %H:%M} UTC",
    )
    notify(
        user=other,
        kind="session_no_show",
        title=f"{name_of(by)} reported that you missed your session",
        body="If this is wrong, reply in your messages or contact the programme team.",
        url=session_url(session),
    )
    return session


@transaction.atomic
def staff_flag_resolve(*, flag: StaffFlag, by) -> StaffFlag:
    if not by.is_staff:
        raise SessionRefusal("Only staff can resolve flags.", code="not_staff")
    if flag.resolved_at is None:
        flag.resolved_at = timezone.now()
        flag.resolved_by = by
        flag.save(update_fields=["resolved_at", "resolved_by"])
    return flag


# --- the mentee's goals, from the workspace -----------------------------------------


def _refuse_unless_goal_of(mentorship: Mentorship, by, goal: Goal) -> None:
    if by.pk not in (mentorship.mentor_id, mentorship.mentee_id):
        raise SessionRefusal(
            "Only the two people of this mentorship can do this.", code="not_party"
        )
    if goal.owner_id != mentorship.mentee_id:
        raise SessionRefusal("This goal does not belong to this mentorship.", code="not_goal")
    if mentorship.status != Mentorship.Status.ACTIVE:
        raise SessionRefusal(
            "This mentorship has ended; its goals stay with the mentee, who can update them "
            "from their own goals page.",
            code="mentorship_ended",
        )


@transaction.atomic
def workspace_milestone_add(
    *, mentorship: Mentorship, by, goal: Goal, title: str, due_date=None
) -> Milestone:
    _refuse_unless_goal_of(mentorship, by, goal)
    return profile_services.milestone_add(
        goal=goal, title=_text(title, 160, "milestone", "title"), due_date=due_date
    )


@transaction.atomic
def workspace_milestone_toggle(*, mentorship: Mentorship, by, milestone: Milestone) -> Milestone:
    _refuse_unless_goal_of(mentorship, by, milestone.goal)
    return profile_services.milestone_toggle(milestone=milestone)


@transaction.atomic
def workspace_goal_status(*, mentorship: Mentorship, by, goal: Goal, status: str) -> Goal:
    _refuse_unless_goal_of(mentorship, by, goal)
    if status not in Goal.Status.values:
        raise SessionRefusal(
            "Choose one of the goal states offered.", code="bad_status", field="status"
        )
    return profile_services.goal_update(goal=goal, status=status)

"""Changes around a booking: agenda and link, a mentor's session settings, finishing a mentorship."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from matching.models import Mentorship
from sessions.errors import SessionRefusal
from sessions.models import AGENDA_MAX, MentoringSession, MentorSessionSettings, SessionAttendee

from .booking import _clean_text, _full_clean, _locked, _refuse_unless_party

Status = MentoringSession.Status


@transaction.atomic
def session_update_details(
    *, session: MentoringSession, by, agenda: str, meeting_link: str
) -> MentoringSession:
    """Change the agenda and meeting link of an upcoming session (either side)."""
    _refuse_unless_party(session, by)
    session = _locked(session)
    if (
        session.status not in (Status.PROPOSED, Status.CONFIRMED)
        or session.ends_at <= timezone.now()
    ):
        raise SessionRefusal(
            "Only upcoming sessions can be changed; add a note to a past one instead.",
            code="not_upcoming",
        )
    session.agenda = _clean_text(agenda, AGENDA_MAX, "agenda", "agenda")
    session.meeting_link = (meeting_link or "").strip()
    session.sequence += 1
    _full_clean(session)
    session.save(update_fields=["agenda", "meeting_link", "sequence", "updated_at"])
    return session


@transaction.atomic
def mentor_settings_update(
    *, mentor, meeting_link: str, flash_monthly_limit: int
) -> MentorSessionSettings:
    row = MentorSessionSettings.objects.select_for_update().filter(mentor=mentor).first()
    row = row or MentorSessionSettings(mentor=mentor)
    row.meeting_link = (meeting_link or "").strip()
    row.flash_monthly_limit = flash_monthly_limit
    try:
        row.full_clean()
    except ValidationError as exc:
        raise SessionRefusal(errors=exc.message_dict, code="invalid") from exc
    row.save()
    return row


@transaction.atomic
def workspace_mentorship_end(
    *, mentorship: Mentorship, by, reason: str, completed: bool
) -> Mentorship:
    """End a mentorship from its workspace: its upcoming sessions are cancelled with it.

    Matching's ``mentorship_end`` ends the relationship; the sessions still
    ahead would otherwise stay in both calendars. They are cancelled (not
    "late": ending is not a missed appointment) and the calendars update.
    """
    from matching import services as matching_services

    ended = matching_services.mentorship_end(
        mentorship=mentorship, by=by, reason=reason, completed=completed
    )
    now = timezone.now()
    upcoming = list(
        MentoringSession.objects.select_for_update().filter(
            mentorship=mentorship, status__in=[Status.PROPOSED, Status.CONFIRMED], starts_at__gt=now
        )
    )
    for session in upcoming:
        session.status = Status.CANCELLED
        session.cancelled_by = by
        session.cancelled_at = now
        session.cancel_reason = "The mentorship ended."
        session.cancelled_late = False
        session.sequence += 1
        session.save()
    SessionAttendee.objects.filter(session__in=upcoming).delete()
    return ended

"""What a block or a suspension does to sessions (``safety`` calls these through its hooks).

Upcoming proposed and confirmed sessions between the two people (a block),
or of the suspended person, are cancelled and leave both calendars; the
blocked person is told only that the session was cancelled.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from mentorship.notifications import notify
from sessions.models import MentoringSession, SessionAttendee
from sessions.selectors import session_url

from .rules import name_of

_OPEN = (MentoringSession.Status.PROPOSED, MentoringSession.Status.CONFIRMED)


@transaction.atomic
def _cancel_upcoming(condition: Q, *, reason: str, tell) -> int:
    now = timezone.now()
    sessions = list(
        MentoringSession.objects.select_for_update()
        .filter(condition, status__in=_OPEN, starts_at__gt=now)
        .select_related("mentor", "mentee")
    )
    for session in sessions:
        SessionAttendee.objects.filter(session=session).delete()
        MentoringSession.objects.filter(pk=session.pk).update(
            status=MentoringSession.Status.CANCELLED,
            cancelled_at=now,
            cancel_reason=reason,
            cancelled_late=False,
            sequence=F("sequence") + 1,
        )
        for person in tell(session):
            notify(
                user=person,
                kind="session_cancelled",
                title=f"Your session with {name_of(session.other(person))} was cancelled",
                url=session_url(session),
            )
    return len(sessions)


def sessions_end_on_block(*, blocker, blocked) -> None:
    pair = Q(mentor=blocker, mentee=blocked) | Q(mentor=blocked, mentee=blocker)
    _cancel_upcoming(pair, reason="Cancelled", tell=lambda session: [blocked])


def sessions_end_on_suspension(*, user) -> None:
    _cancel_upcoming(
        Q(mentor=user) | Q(mentee=user),
        reason="Cancelled by the programme team",
        tell=lambda session: [session.other(user)],
    )

"""The workspace's webhook events: registered in ``MentoringSessionsConfig.ready()``,
emitted by the booking services inside their transactions (the outbox row commits
with the change; sending starts after commit).

``session.booked`` is a confirmed session (the time is in both calendars), not a
proposal; ``session.cancelled`` is a proposed or confirmed session that a party
cancelled (sessions ended by a block or a suspension are not announced: that
would tell an outside system about a safety decision).
"""

from __future__ import annotations

from mentorship.events import register_event_kind
from mentorship.services.webhooks import webhook_emit
from sessions.models import MentoringSession

SESSION_BOOKED = "session.booked"
SESSION_CANCELLED = "session.cancelled"


def register_event_kinds() -> None:
    register_event_kind(SESSION_BOOKED, "Session booked", "A session was confirmed by both people.")
    register_event_kind(
        SESSION_CANCELLED, "Session cancelled", "A proposed or confirmed session was cancelled."
    )


def _person(user) -> dict:
    profile = getattr(user, "profile", None)
    return {
        "id": str(profile.public_id) if profile else None,
        "email": user.email,
        "name": profile.name if profile else (user.name or user.email),
    }


def _session(session: MentoringSession) -> dict:
    return {
        "id": session.pk,
        "kind": session.kind,
        "status": session.status,
        "mentorship_id": session.mentorship_id,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "mentor": _person(session.mentor),
        "mentee": _person(session.mentee),
    }


def emit_session_booked(session: MentoringSession) -> None:
    webhook_emit(kind=SESSION_BOOKED, data={"session": _session(session)})


def emit_session_cancelled(session: MentoringSession, *, by) -> None:
    webhook_emit(
        kind=SESSION_CANCELLED,
        data={
            "session": _session(session),
            "cancelled_by": _person(by),
            "late": session.cancelled_late,
        },
    )

"""Matching's webhook events: registered in ``MatchingAppConfig.ready()``, emitted by
the request and mentorship services inside their transactions (the outbox row
commits with the change; sending starts after commit)."""

from __future__ import annotations

from matching.models import Mentorship
from mentorship.events import register_event_kind
from mentorship.services.webhooks import webhook_emit

MATCH_ACCEPTED = "match.accepted"
MENTORSHIP_ENDED = "mentorship.ended"


def register_event_kinds() -> None:
    register_event_kind(
        MATCH_ACCEPTED, "Match accepted", "A mentor accepted a request: a mentorship started."
    )
    register_event_kind(
        MENTORSHIP_ENDED,
        "Mentorship ended",
        "A mentorship was completed or ended (by a party or by the programme).",
    )


def _person(user) -> dict:
    """A person as every event names them: their profile's public id, never a row id."""
    profile = getattr(user, "profile", None)
    return {
        "id": str(profile.public_id) if profile else None,
        "email": user.email,
        "name": profile.name if profile else (user.name or user.email),
    }


def _mentorship(mentorship: Mentorship) -> dict:
    return {
        "id": mentorship.pk,
        "format": mentorship.format,
        "status": mentorship.status,
        "started_at": mentorship.started_at,
        "ended_at": mentorship.ended_at,
        "mentee": _person(mentorship.mentee),
        "mentor": _person(mentorship.mentor),
    }


def emit_match_accepted(mentorship: Mentorship) -> None:
    webhook_emit(
        kind=MATCH_ACCEPTED,
        data={"mentorship": _mentorship(mentorship), "request_id": mentorship.request_id},
    )


def emit_mentorship_ended(mentorship: Mentorship, *, by=None) -> None:
    webhook_emit(
        kind=MENTORSHIP_ENDED,
        data={
            "mentorship": _mentorship(mentorship),
            "ended_by": "programme" if by is None else _person(by),
            "reason": mentorship.end_reason,
        },
    )

"""What matching tells ``safety`` (which sits below it and cannot import it).

* Request messages and requests are reportable content: safety snapshots
  them with their thread; a request message can be hidden by a moderator
  (``RequestMessage.hidden_at`` / ``hidden_reason``), which its author sees
  with the reason and the other side sees as "hidden by a moderator".
* A block ends what connects the two people here: a pending request
  between them is withdrawn, an active mentorship ends, current
  suggestions between them are retired. The *blocked* person is told only
  that the request or mentorship ended, never that they were blocked.
* A suspension withdraws the person's pending requests (both directions)
  and retires their current suggestions; the other side is told the
  request was closed.
* The "review new mentors" switch of the matching settings.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from mentorship.notifications import notify
from profiles.selectors import person_name
from safety import hooks
from safety.registry import ReportableContent, register_content

from .models import MatchingConfig, MatchRequest, Mentorship, RequestMessage, Suggestion


def _pair(a, b) -> Q:
    return Q(mentee=a, mentor=b) | Q(mentee=b, mentor=a)


# --- content -------------------------------------------------------------------


def _message_visible_to(message: RequestMessage, user) -> bool:
    request = message.request
    return user.pk in (request.mentee_id, request.mentor_id)


def _thread(request: MatchRequest, *, reported_pk=None, reported_request=False) -> list[dict]:
    items = [
        {
            "author_id": request.mentee_id,
            "author": person_name(request.mentee),
            "text": request.message,
            "at": request.created_at.isoformat(),
            "is_reported": reported_request,
        }
    ]
    for message in request.messages.select_related("author", "author__profile"):
        items.append(
            {
                "author_id": message.author_id,
                "author": person_name(message.author),
                "text": message.body,
                "at": message.created_at.isoformat(),
                "is_reported": message.pk == reported_pk,
                "hidden": message.hidden_at is not None,
            }
        )
    return items


def _hide(message: RequestMessage, reason: str) -> None:
    message.hidden_at = timezone.now()
    message.hidden_reason = reason[:1000]
    message.save(update_fields=["hidden_at", "hidden_reason"])


def _restore(message: RequestMessage) -> None:
    message.hidden_at = None
    message.hidden_reason = ""
    message.save(update_fields=["hidden_at", "hidden_reason"])


REQUEST_MESSAGE = ReportableContent(
    model=RequestMessage,
    kind="request message",
    author=lambda message: message.author,
    snapshot=lambda message: {
        "text": message.body,
        "author": person_name(message.author),
        "at": message.created_at.isoformat(),
        "request_id": message.request_id,
    },
    context=lambda message: _thread(message.request, reported_pk=message.pk),
    visible_to=_message_visible_to,
    hide=_hide,
    restore=_restore,
    is_hidden=lambda message: message.hidden_at is not None,
    block_source="message",
)

MATCH_REQUEST = ReportableContent(
    model=MatchRequest,
    kind="request",
    # Reported from the mentor's side, so the person is the mentee who wrote it.
    author=lambda request: request.mentee,
    snapshot=lambda request: {
        "text": request.message,
        "author": person_name(request.mentee),
        "format": request.get_format_display(),
        "at": request.created_at.isoformat(),
    },
    context=lambda request: _thread(request, reported_request=True),
    visible_to=lambda request, user: user.pk == request.mentor_id,
    block_source="request",
)


# --- blocks and suspensions ------------------------------------------------------


def _close_pending(requests, *, told) -> None:
    """Withdraw pending requests; ``told(request)`` names who hears that it closed."""
    now = timezone.now()
    for request in requests.filter(status=MatchRequest.Status.PENDING).select_related(
        "mentee__profile", "mentor__profile"
    ):
        updated = MatchRequest.objects.filter(
            pk=request.pk, status=MatchRequest.Status.PENDING
        ).update(status=MatchRequest.Status.WITHDRAWN, responded_at=now)
        person = told(request)
        if updated and person is not None:
            other = request.mentor if person.pk == request.mentee_id else request.mentee
            notify(
                user=person,
                kind="request_closed",
                title=f"Your request with {person_name(other)} has ended",
                url=reverse("matching:requests_sent")
                if person.pk == request.mentee_id
                else reverse("matching:request_inbox"),
                email=False,
            )


def on_block(*, blocker, blocked) -> None:
    _close_pending(MatchRequest.objects.filter(_pair(blocker, blocked)), told=lambda r: blocked)
    now = timezone.now()
    active = Mentorship.objects.filter(_pair(blocker, blocked), status=Mentorship.Status.ACTIVE)
    for mentorship in active:
        updated = Mentorship.objects.filter(
            pk=mentorship.pk, status=Mentorship.Status.ACTIVE
        ).update(status=Mentorship.Status.ENDED, ended_at=now, end_reason="Ended")
        if updated:
            notify(
                user=blocked,
                kind="mentorship_ended",
                title=f"Your mentorship with {person_name(blocker)} has ended",
                url=reverse("matching:mentorships"),
            )
    Suggestion.objects.filter(_pair(blocker, blocked), is_current=True).update(is_current=False)


def on_suspension(*, user) -> None:
    _close_pending(
        MatchRequest.objects.filter(Q(mentee=user) | Q(mentor=user)),
        told=lambda r: r.mentor if r.mentee_id == user.pk else r.mentee,
    )
    Suggestion.objects.filter(Q(mentee=user) | Q(mentor=user), is_current=True).update(
        is_current=False
    )


def mentor_review_on() -> bool:
    return MatchingConfig.load().review_new_mentors


def register() -> None:
    register_content(REQUEST_MESSAGE)
    register_content(MATCH_REQUEST)
    hooks.register_block_receiver(on_block)
    hooks.register_suspension_receiver(on_suspension)
    hooks.register_mentor_approval_setting(mentor_review_on)

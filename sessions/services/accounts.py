"""Before an account is deleted (``profiles.account_data`` handler).

Sessions, messages and ratings shared with someone else stay for them and
point at the "Deleted user" tombstone (``on_delete=SET(deleted_user)``). First:

* the deleted person's upcoming sessions are cancelled, so the other
  person's calendar drops them and they hear why;
* rows whose other side is already the tombstone (both people gone) are
  deleted: nobody is left to keep them, and they would pair the tombstone
  with itself.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mentorship.notifications import notify
from profiles.account_data import TOMBSTONE_EMAIL
from sessions.models import MentoringSession, Message, SessionAttendee

from .booking import name_of, session_url, when_for

Status = MentoringSession.Status


@transaction.atomic
def sessions_before_account_deleted(*, user, email: str, name: str) -> None:
    now = timezone.now()
    MentoringSession.objects.filter(
        Q(mentor=user, mentee__email=TOMBSTONE_EMAIL)
        | Q(mentee=user, mentor__email=TOMBSTONE_EMAIL)
    ).delete()
    Message.objects.filter(
        Q(author=user, recipient__email=TOMBSTONE_EMAIL)
        | Q(recipient=user, author__email=TOMBSTONE_EMAIL)
    ).delete()
    upcoming = list(
        MentoringSession.objects.for_user(user)
        .filter(status__in=[Status.PROPOSED, Status.CONFIRMED], starts_at__gt=now)
        .select_related("mentor", "mentee")
    )
    for session in upcoming:
        was_confirmed = session.status == Status.CONFIRMED
        session.status = Status.CANCELLED
        session.cancelled_at = now
        session.cancel_reason = "The other person deleted their account."
        session.sequence += 1
        session.save(
            update_fields=["status", "cancelled_at", "cancel_reason", "sequence", "updated_at"]
        )
        other = session.other(user)
        notify(
            user=other,
            kind="session_cancelled",
            title=f"The session on {when_for(other, session.starts_at)} is cancelled",
            body=f"{name or name_of(user)} deleted their account.",
            url=session_url(session),
            email=was_confirmed,
        )
    SessionAttendee.objects.filter(session__in=upcoming).delete()

"""Row builders shared by the safety tests (on top of tests/factories.py and
matching's lifecycle helpers)."""

from django.utils import timezone

from matching.models import RequestMessage
from tests.factories import (
    MODERATOR,
    MatchRequestFactory,
    make_mentee,
    make_mentor,
    staff_login,
    staff_user,
)

__all__ = [
    "make_mentee",
    "make_mentor",
    "MatchRequestFactory",
    "message_on",
    "moderator",
    "onboarded",
]


def onboarded(user):
    user.profile.onboarded_at = timezone.now()
    user.profile.save(update_fields=["onboarded_at"])
    return user


def message_on(request, *, author, body="Can you tell me more about your goals?"):
    return RequestMessage.objects.create(request=request, author=author, body=body)


def moderator(client=None, **kwargs):
    user = staff_user(MODERATOR, **kwargs)
    if client is not None:
        staff_login(client, user)
    return user

"""Row builders shared by the safety tests (on top of tests/factories.py and
matching's lifecycle helpers)."""

from django.utils import timezone

from matching.models import RequestMessage
from tests.factories import MODERATOR, staff_login, staff_user
from tests.matching.lifecycle_helpers import make_mentee, make_mentor, make_request

__all__ = [
    "make_mentee",
    "make_mentor",
    "make_request",
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

"""The private calendar feed: create it, revoke it (a new secret replaces the old one)."""

from django.db import transaction

from sessions.models import CalendarFeed, new_feed_token


@transaction.atomic
def calendar_feed_get_or_create(*, user) -> CalendarFeed:
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def calendar_feed_revoke(*, user, renew: bool = True) -> CalendarFeed | None:
    """Stop the current feed URL working. ``renew``: give a new URL at once."""
    CalendarFeed.objects.filter(user=user).delete()
    if not renew:
        return None
    return CalendarFeed.objects.create(user=user, token=new_feed_token())

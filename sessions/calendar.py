"""iCalendar files: one session's ``.ics`` and a person's private feed (``icalendar``).

The feed of a person is cached under a fingerprint of everything it shows
(how many sessions, when the last one changed, when the last name changed,
the reader's zone): a calendar app polling an unchanged feed costs one
aggregate query and a cache read instead of rendering every event again
(``icalendar`` needs about a millisecond per event; benchmark
``sessions_feed`` in docs/sessions.md).

Times are written in the reader's own time zone with its ``VTIMEZONE``
(so a calendar shows 09:00 Berlin as 09:00 Berlin on both sides of a
daylight-saving change). Each session keeps one ``UID`` for life and a
``SEQUENCE`` bumped by every change, so a calendar app updates the event it
already has; a cancelled session stays in the feed with ``STATUS:CANCELLED``
and disappears from the reader's calendar instead of lingering.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable

from django.contrib.sites.models import Site
from django.core.cache import cache
from django.db.models import Count, Max
from django.urls import reverse
from icalendar import Calendar, Event

from sessions.models import MentoringSession
from sessions.services.booking import name_of, zone_of

PRODID = "-//Mentorship//Sessions//EN"

_STATUS = {
    MentoringSession.Status.PROPOSED: "TENTATIVE",
    MentoringSession.Status.CONFIRMED: "CONFIRMED",
    MentoringSession.Status.HELD: "CONFIRMED",
    MentoringSession.Status.NO_SHOW: "CONFIRMED",
    MentoringSession.Status.CANCELLED: "CANCELLED",
    MentoringSession.Status.DECLINED: "CANCELLED",
}


def _display_name(user) -> str:
    try:
        return user.profile.name  # selected with the sessions: no query per person
    except AttributeError:
        return name_of(user)
    except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist: no profile yet
        return str(user)


def _domain() -> str:
    """The site's host name (without a port), which makes event UIDs globally unique."""
    return Site.objects.get_current().domain.split(":")[0]


def _event(session: MentoringSession, *, viewer, zone, domain: str, names: dict) -> Event:
    other = session.mentee if viewer.pk == session.mentor_id else session.mentor
    event = Event()
    event.add("uid", f"session-{session.pk}@{domain}")
    event.add("dtstamp", session.updated_at.astimezone(datetime.UTC))
    event.add("dtstart", session.starts_at.astimezone(zone))
    event.add("dtend", session.ends_at.astimezone(zone))
    event.add("sequence", session.sequence)
    kind = "Flash session" if session.kind == MentoringSession.Kind.FLASH else "Mentoring session"
    title = f"{kind} with {names[other.pk]}"
    if session.status == MentoringSession.Status.CANCELLED:
        title = f"Cancelled: {title}"
    event.add("summary", title)
    event.add("status", _STATUS[session.status])
    description = [session.topic, session.agenda]
    if session.cancel_reason and session.status == MentoringSession.Status.CANCELLED:
        description.append(f"Cancelled: {session.cancel_reason}")
    path = reverse("sessions:session_detail", args=[session.pk])
    description.append(f"https://{domain}{path}")
    event.add("description", "\n\n".join(part for part in description if part))
    event.add("url", f"https://{domain}{path}")
    if session.meeting_link:
        event.add("location", session.meeting_link)
    # No ATTENDEE/ORGANIZER: a subscribed feed is read-only, and calendar apps
    # offer to send invitations or RSVPs for events that carry them.
    return event


def calendar_for(sessions: Iterable[MentoringSession], *, viewer, name: str) -> bytes:
    """An ``.ics`` document of ``sessions`` as ``viewer`` should see them."""
    zone = zone_of(viewer)
    domain = _domain()
    sessions = list(sessions)
    people = {s.mentor for s in sessions} | {s.mentee for s in sessions}
    names = {p.pk: _display_name(p) for p in people}
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", zone.key)
    for session in sessions:
        cal.add_component(_event(session, viewer=viewer, zone=zone, domain=domain, names=names))
    cal.add_missing_timezones()
    return cal.to_ical()


FEED_CACHE_SECONDS = 24 * 3600


def feed_calendar(user, sessions) -> bytes:
    """The feed document for ``user`` (``sessions``: what it shows), cached by fingerprint."""
    zone = zone_of(user)
    figures = sessions.order_by().aggregate(
        n=Count("id"),
        changed=Max("updated_at"),
        mentor_named=Max("mentor__profile__updated_at"),
        mentee_named=Max("mentee__profile__updated_at"),
    )
    fingerprint = "|".join(
        str(part)
        for part in (
            figures["n"],
            figures["changed"],
            figures["mentor_named"],
            figures["mentee_named"],
            zone.key,
            _domain(),
        )
    )
    key = f"sessions:feed:{user.pk}:{hashlib.sha256(fingerprint.encode()).hexdigest()[:32]}"
    body = cache.get(key)
    if body is None:
        body = calendar_for(sessions, viewer=user, name="Mentoring sessions")
        cache.set(key, body, FEED_CACHE_SECONDS)
    return body

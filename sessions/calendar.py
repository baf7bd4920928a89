"""iCalendar files: one session's ``.ics`` and a person's private feed (``icalendar``).

Times are written in the reader's own time zone with its ``VTIMEZONE``
(so a calendar shows 09:00 Berlin as 09:00 Berlin on both sides of a
daylight-saving change). Each session keeps one ``UID`` for life and a
``SEQUENCE`` bumped by every change, so a calendar app updates the event it
already has; a cancelled session stays in the feed with ``STATUS:CANCELLED``
and disappears from the reader's calendar instead of lingering.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.sites.models import Site
from django.urls import reverse
from icalendar import Calendar, Event, vCalAddress, vText

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
    return Site.objects.get_current().domain


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
    for person in (session.mentor, session.mentee):
        attendee = vCalAddress(f"mailto:{person.email}")
        attendee.params["cn"] = vText(names[person.pk])
        event.add("attendee", attendee, encode=0)
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

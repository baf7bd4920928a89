"""Workspace benchmarks on SQLite in a temporary directory (created and migrated, not timed).

* ``sessions_availability``: the free slots of a mentor for the next four
  weeks (``sessions.selectors.free_slots``, one-hour sessions, slots every
  30 minutes), with 200 confirmed sessions booked in those weeks and the
  viewer's own sessions taken into account. Target: p95 under 20 ms.
* ``sessions_feed``: a person's private calendar feed with 500 sessions
  (confirmed, held and cancelled), fetched through the real URL with
  Django's test client, so routing, the token lookup and the fingerprint
  query are in the figure. ``p95_ms`` is the repeated poll of an unchanged
  feed (served from the fingerprinted cache); ``cold_*`` empties the cache
  before each fetch, so it includes rendering all 500 events with
  ``icalendar``. Target: p95 under 50 ms.
"""

from __future__ import annotations

import datetime
import os
import statistics
import tempfile
import time

from .registry import bench

RUNS = {"full": 200, "small": 30}


def _django_on_temp_sqlite(directory: str) -> None:
    os.environ.pop("DATABASE_URL", None)
    os.environ["VAR_DIR"] = directory
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings.base")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _p(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _people(n_mentees: int):
    from django.contrib.auth.hashers import make_password

    from profiles.models import AvailabilitySlot, Profile, User

    unusable = make_password(None)
    mentor = User.objects.create(email="bench-mentor@example.org", password=unusable)
    mentor_profile = Profile.objects.create(
        user=mentor,
        role=Profile.Role.MENTOR,
        capacity=10,
        timezone="Europe/Berlin",
        display_name="Bench Mentor",
    )
    AvailabilitySlot.objects.bulk_create(
        AvailabilitySlot(
            profile=mentor_profile,
            weekday=d,
            start_time=datetime.time(8),
            end_time=datetime.time(20),
        )
        for d in range(7)
    )
    mentees = User.objects.bulk_create(
        User(email=f"bench-mentee-{i}@example.org", password=unusable) for i in range(n_mentees)
    )
    Profile.objects.bulk_create(
        Profile(
            user=u,
            role=Profile.Role.MENTEE,
            timezone="America/New_York",
            display_name=f"Mentee {i}",
        )
        for i, u in enumerate(mentees)
    )
    return mentor, mentees


def _book(mentor, mentees, starts, *, statuses):
    from sessions.models import MentoringSession, SessionAttendee

    sessions = MentoringSession.objects.bulk_create(
        MentoringSession(
            kind=MentoringSession.Kind.FLASH,
            mentor=mentor,
            mentee=mentees[i % len(mentees)],
            proposed_by=mentees[i % len(mentees)],
            starts_at=start,
            ends_at=start + datetime.timedelta(minutes=45),
            status=statuses[i % len(statuses)],
            topic="Benchmark topic",
            agenda="Go through the plan; agree next steps.",
            meeting_link="https://meet.example.org/bench",
            responded_at=start - datetime.timedelta(days=1),
            sequence=1,
        )
        for i, start in enumerate(starts)
    )
    SessionAttendee.objects.bulk_create(
        SessionAttendee(session=s, user_id=uid, starts_at=s.starts_at, ends_at=s.ends_at)
        for s in sessions
        if s.status in MentoringSession.BLOCKING_STATUSES
        for uid in (s.mentor_id, s.mentee_id)
    )
    return sessions


@bench("sessions_availability")
def sessions_availability(scale: str) -> dict:
    runs = RUNS[scale]
    with tempfile.TemporaryDirectory(prefix="bench-sessions-") as directory:
        _django_on_temp_sqlite(directory)
        from django.utils import timezone

        from sessions.selectors import free_slots

        mentor, mentees = _people(40)
        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        # 200 sessions in the next four weeks: about seven a day inside 08:00–20:00 Berlin.
        starts, day, hour = [], 0, 0
        while len(starts) < 200:
            local = (now + datetime.timedelta(days=day + 1)).astimezone(datetime.UTC)
            starts.append(local.replace(hour=7 + (hour * 2) % 12))
            hour += 1
            if hour % 7 == 0:
                day += 1
        _book(mentor, mentees, starts, statuses=["confirmed"])
        viewer = mentees[0]
        times, slots = [], []
        for _ in range(runs):
            t0 = time.perf_counter()
            slots = free_slots(mentor=mentor, viewer=viewer, minutes=60)
            times.append(time.perf_counter() - t0)
        return {
            "params": {"sessions_booked": 200, "days": 28, "minutes": 60, "database": "sqlite"},
            "seconds": round(statistics.median(times), 5),
            "runs": runs,
            "p50_ms": round(_p(times, 0.5) * 1000, 2),
            "p95_ms": round(_p(times, 0.95) * 1000, 2),
            "target_p95_ms": 20,
            "free_slots": len(slots),
        }


@bench("sessions_feed")
def sessions_feed(scale: str) -> dict:
    runs = RUNS[scale]
    with tempfile.TemporaryDirectory(prefix="bench-sessions-") as directory:
        _django_on_temp_sqlite(directory)
        from django.test import Client
        from django.urls import reverse
        from django.utils import timezone

        from sessions import services

        mentor, mentees = _people(60)
        start = timezone.now().replace(minute=0, second=0, microsecond=0) - datetime.timedelta(
            days=120
        )
        starts = [start + datetime.timedelta(hours=7 * i) for i in range(500)]
        _book(mentor, mentees, starts, statuses=["held", "held", "confirmed", "cancelled"])
        feed = services.calendar_feed_get_or_create(user=mentor)
        url = reverse("sessions:calendar_feed", args=[feed.token])
        client = Client(HTTP_HOST="localhost")
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        events = response.content.count(b"BEGIN:VEVENT")
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - t0)
        # Cold: the cache emptied before each fetch (what the first poll after a change costs).
        from django.core.cache import cache

        cold = []
        for _ in range(max(5, runs // 20)):
            cache.clear()
            t0 = time.perf_counter()
            client.get(url)
            cold.append(time.perf_counter() - t0)
        return {
            "params": {"sessions": 500, "database": "sqlite", "via": "test client"},
            "seconds": round(statistics.median(times), 5),
            "runs": runs,
            "p50_ms": round(_p(times, 0.5) * 1000, 2),
            "p95_ms": round(_p(times, 0.95) * 1000, 2),
            "target_p95_ms": 50,
            "cold_p50_ms": round(_p(cold, 0.5) * 1000, 2),
            "cold_p95_ms": round(_p(cold, 0.95) * 1000, 2),
            "cold_runs": len(cold),
            "events": events,
            "bytes": len(response.content),
        }

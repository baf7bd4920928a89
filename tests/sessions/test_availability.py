"""Free slots from weekly availability: the owner's wall clock, across daylight-saving changes."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from profiles.models import AvailabilitySlot
from sessions.selectors import free_slots, slots_by_day

from .helpers import MentorshipFactory, book_confirmed, make_mentee, pair

pytestmark = pytest.mark.django_db
BERLIN, NEW_YORK, UTC = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York"), datetime.UTC


def _march(year: int):
    """(US switch Sunday, EU switch Sunday) of March ``year``."""
    sundays = [
        datetime.date(year, 3, d) for d in range(1, 32) if datetime.date(year, 3, d).weekday() == 6
    ]
    return sundays[1], sundays[-1]


def test_monday_nine_in_berlin_stays_nine_in_berlin_across_both_dst_changes():
    mentor, mentee, _ = pair(timezone="Europe/Berlin")
    mentee.profile.timezone = "America/New_York"
    mentee.profile.save()
    AvailabilitySlot.objects.create(
        profile=mentor.profile, weekday=0, start_time=datetime.time(9), end_time=datetime.time(10)
    )
    year = datetime.date.today().year + 1
    now = datetime.datetime(year, 3, 1, 12, tzinfo=UTC)
    slots = free_slots(mentor=mentor, viewer=mentee, minutes=60, now=now, days=35)
    us, eu = _march(year)
    assert [s.starts_at.astimezone(BERLIN).hour for s in slots] == [9] * len(slots)
    assert all(s.starts_at.astimezone(BERLIN).weekday() == 0 for s in slots)
    by_phase = {}
    for s in slots:
        day = s.starts_at.astimezone(BERLIN).date()
        phase = "winter" if day < us else "us_summer" if day < eu else "summer"
        by_phase.setdefault(phase, set()).add(
            (s.starts_at.astimezone(UTC).hour, s.starts_at.astimezone(NEW_YORK).hour)
        )
    # Winter: 08:00 UTC, 03:00 New York; between the two changes the gap is 5 hours (04:00);
    # after Europe changes too: 07:00 UTC, 03:00 New York again.
    assert by_phase == {"winter": {(8, 3)}, "us_summer": {(8, 4)}, "summer": {(7, 3)}}


def test_a_window_on_the_autumn_night_keeps_its_wall_clock_length():
    mentor, mentee, _ = pair(timezone="Europe/Berlin")
    AvailabilitySlot.objects.create(
        profile=mentor.profile, weekday=6, start_time=datetime.time(1), end_time=datetime.time(4)
    )
    year = datetime.date.today().year + 1
    last_sunday = max(
        datetime.date(year, 10, d)
        for d in range(1, 32)
        if datetime.date(year, 10, d).weekday() == 6
    )
    now = datetime.datetime.combine(
        last_sunday - datetime.timedelta(days=2), datetime.time(12), UTC
    )
    slots = [
        s
        for s in free_slots(mentor=mentor, minutes=60, now=now, days=3)
        if s.starts_at.astimezone(BERLIN).date() == last_sunday
    ]
    # 01:00–04:00 wall clock is four real hours that night (02:00–03:00 happens twice).
    assert slots[0].starts_at.astimezone(BERLIN).hour == 1
    assert slots[-1].ends_at.astimezone(BERLIN).hour == 4
    assert (slots[-1].ends_at - slots[0].starts_at) == datetime.timedelta(hours=4)


def test_confirmed_sessions_of_the_mentor_and_of_the_viewer_are_not_offered():
    mentor, mentee, mentorship = pair(timezone="UTC")
    for weekday in range(7):
        AvailabilitySlot.objects.create(
            profile=mentor.profile,
            weekday=weekday,
            start_time=datetime.time(9),
            end_time=datetime.time(12),
        )
    # A fixed "now" (midnight, two days ahead): the first free slot opens its window,
    # so the slot back to back with it fits too. With the clock's own now, a run late
    # in the evening put the first slot at 10:30, whose successor would end past 12:00.
    midnight = datetime.datetime.combine(
        datetime.date.today() + datetime.timedelta(days=2), datetime.time(0), UTC
    )
    slots = free_slots(mentor=mentor, viewer=mentee, minutes=60, now=midnight)
    first = slots[0]
    assert first.starts_at.time() == datetime.time(9)
    book_confirmed(mentorship, first.starts_at)
    other_viewer = make_mentee()
    busy_elsewhere = MentorshipFactory(mentee=other_viewer, mentor=pair()[0])
    book_confirmed(busy_elsewhere, slots[5].starts_at)
    after = free_slots(mentor=mentor, viewer=other_viewer, minutes=60, now=midnight)
    starts = {s.starts_at for s in after}
    assert first.starts_at not in starts
    assert first.starts_at + datetime.timedelta(minutes=30) not in starts  # would overlap
    assert first.starts_at + datetime.timedelta(hours=1) in starts  # back to back is free
    assert slots[5].starts_at not in starts  # the viewer is busy then
    grouped = slots_by_day(after, viewer_zone=NEW_YORK, owner_zone=UTC)
    assert grouped and all(
        item["viewer"].tzinfo == NEW_YORK for day in grouped for item in day["slots"]
    )


def test_no_availability_no_slots():
    mentor, mentee, _ = pair()
    assert free_slots(mentor=mentor, viewer=mentee) == []

"""A stored time zone that has become invalid degrades to UTC everywhere.

tzdata updates remove and rename zones, and an old row, an import or the
admin may hold anything; ``profiles.timezones.zone_or_utc`` is the one place a
stored name becomes a zone. Here the names are written straight to the
database and both people's pages, calendars and mails are visited.
"""

import datetime

import pytest
from django.urls import reverse

from profiles.models import Profile
from profiles.timezones import UTC, zone_or_utc
from sessions.services import reminders
from sessions.services.calendar_feed import calendar_feed_get_or_create
from tests.factories import GoalFactory, verify_email
from tests.sessions.helpers import at, book_confirmed, pair

pytestmark = pytest.mark.django_db

BROKEN = ["Mars/Olympus_Mons", "America/Godthab_Removed", "../../etc/passwd", "", "Europe/"]


@pytest.mark.parametrize("name", BROKEN)
def test_zone_or_utc_falls_back(name):
    assert zone_or_utc(name) is UTC


def test_zone_or_utc_reads_a_valid_zone():
    assert zone_or_utc("Asia/Kolkata").key == "Asia/Kolkata"


def _asks_mentor(url: str, mentor) -> bool:
    return url in {
        reverse("sessions:flash_book", args=[mentor.profile.public_id]),
        reverse("matching:mentor_request", args=[mentor.profile.public_id]),
    }


@pytest.mark.parametrize("broken", ["Mars/Olympus_Mons", "../../etc/passwd"])
def test_every_page_of_both_people_works_with_a_broken_zone(client, broken):
    mentor, mentee, mentorship = pair()
    verify_email(mentor)
    verify_email(mentee)
    GoalFactory(owner=mentee, title="Lead a team", description="x")
    session = book_confirmed(mentorship, at(days=3, hour=10))
    Profile.objects.filter(user__in=[mentor, mentee]).update(timezone=broken)
    feed = calendar_feed_get_or_create(user=mentee)

    pages = [
        reverse("dashboard"),
        reverse("profiles:profile"),
        reverse("profiles:profile_edit"),
        reverse("profiles:profile_availability"),
        reverse("profiles:goal_list"),
        reverse("profiles:directory"),
        reverse("profiles:directory") + "?overlap=4",
        reverse("profiles:profile_detail", args=[mentor.profile.public_id]),
        reverse("sessions:flash_book", args=[mentor.profile.public_id]),
        reverse("matching:mentor_request", args=[mentor.profile.public_id]),
        reverse("matching:suggestions"),
        reverse("matching:mentorship_detail", args=[mentorship.pk]),
        reverse("sessions:session_list"),
        reverse("sessions:session_detail", args=[session.pk]),
        reverse("sessions:session_ics", args=[session.pk]),
        reverse("notifications"),
        reverse("profiles:data_download"),
    ]
    wrong = []
    for user in (mentee, mentor):
        client.force_login(user)
        # Booking or asking oneself is a 404 by design: those two are the mentee's.
        for url in pages if user == mentee else [u for u in pages if not _asks_mentor(u, mentor)]:
            response = client.get(url)
            if response.status_code not in (200, 302):
                wrong.append(f"{user.email} {url}: {response.status_code}")
    client.logout()
    response = client.get(reverse("sessions:calendar_feed", args=[feed.token]))
    assert response.status_code == 200
    assert b"BEGIN:VEVENT" in response.content
    assert wrong == []


def test_a_reminder_is_mailed_in_utc_when_the_zone_is_broken(
    django_capture_on_commit_callbacks, mailoutbox
):
    mentor, mentee, mentorship = pair()
    session = book_confirmed(mentorship, at(days=3, hour=10))
    Profile.objects.filter(user__in=[mentor, mentee]).update(timezone="Mars/Olympus_Mons")
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        sent = reminders.reminders_send(now=session.starts_at - datetime.timedelta(hours=20))
    assert sent == 2
    assert len(mailoutbox) == 2
    assert all("10:00 UTC" in m.subject for m in mailoutbox), [m.subject for m in mailoutbox]

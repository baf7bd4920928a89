"""In a real browser: availability → booking across time zones → confirm → calendar → feedback.

Screenshots go to test-results/screenshots/ (sessions-*.png).
"""

import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sessions.models import MentoringSession, SessionAttendee
from tests.factories import GoalFactory, MilestoneFactory
from tests.matching.test_browser_flow import log_in, log_out

from .helpers import MentorshipFactory, make_mentee, make_mentor, past_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BERLIN, NEW_YORK = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _people():
    done = {"onboarded_at": timezone.now()}
    mentor = make_mentor(
        slots=(),
        verified=True,
        display_name="Amara Rossi",
        headline="Staff data engineer",
        timezone="Europe/Berlin",
        **done,
    )
    mentee = make_mentee(
        verified=True,
        display_name="Maya Mentee",
        headline="Junior analyst",
        timezone="America/New_York",
        **done,
    )
    return mentor, mentee


def _fmt(moment, zone):
    local = moment.astimezone(zone)
    return f"{local:%H:%M}", local.tzname()


def test_mentee_in_another_zone_books_mentor_confirms_calendar_and_feedback(
    page, live_server, artifacts_dir
):
    mentor, mentee = _people()
    mentorship = MentorshipFactory(mentee=mentee, mentor=mentor)
    goal = GoalFactory(owner=mentee, title="Lead my first analytics project")
    MilestoneFactory(goal=goal, title="Write the project brief")
    # Two earlier rated sessions with other mentees, so a third rating shows on the profile.
    from sessions import services

    for days_ago, name in ((10, "A"), (11, "B")):
        other = make_mentee(display_name=f"Earlier mentee {name}")
        earlier = MentorshipFactory(mentee=other, mentor=mentor)
        services.feedback_leave(
            session=past_session(earlier, days_ago=days_ago), by=other, rating=5
        )

    # 1. The mentor sets weekly availability (their own zone: Berlin).
    day = (timezone.now().astimezone(BERLIN) + datetime.timedelta(days=3)).date()
    log_in(page, live_server, mentor)
    page.goto(f"{live_server.url}/profile/availability/")
    page.get_by_label("Day (slot 1)").select_option(label=DAYS[day.weekday()])
    page.get_by_label("From (slot 1)").fill("09:00")
    page.get_by_label("To (slot 1)").fill("12:00")
    page.get_by_role("button", name="Save availability").click()
    expect(page.locator(".alert-success")).to_be_visible()
    log_out(page)

    # 2. The mentee (New York) books a slot from the workspace; slots show both zones.
    log_in(page, live_server, mentee)
    page.goto(f"{live_server.url}/matches/mentorships/{mentorship.pk}/")
    expect(page.get_by_role("heading", name="Amara Rossi")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "sessions-workspace-empty.png"), full_page=True)
    page.get_by_role("link", name="Propose a time").click()
    expect(page.get_by_text("Times are shown in your time zone, America/New_York")).to_be_visible()
    first = page.get_by_test_id("slot").first
    berlin_nine = datetime.datetime.combine(day, datetime.time(9), BERLIN)
    expect(first).to_contain_text(f"{berlin_nine.astimezone(NEW_YORK):%H:%M}")
    expect(first).to_contain_text(f"{berlin_nine:%a} 09:00 theirs")
    page.screenshot(path=str(artifacts_dir / "sessions-book.png"), full_page=True)
    first.click()
    page.get_by_label("Agenda (optional)").fill("Review my project brief")
    page.get_by_role("button", name="Propose this session").click()
    expect(page.get_by_text("Waiting for Amara Rossi to confirm.")).to_be_visible()
    session = MentoringSession.objects.get(mentorship=mentorship, status="proposed")
    assert session.starts_at.astimezone(BERLIN).hour == 9  # the first free slot of the window
    ny_time, ny_zone = _fmt(session.starts_at, NEW_YORK)
    expect(page.get_by_test_id("session-when").first).to_contain_text(f"{ny_time}")
    expect(page.get_by_test_id("session-when").first).to_contain_text(ny_zone)
    log_out(page)

    # 3. The mentor confirms and sees it in Berlin time, with the mentee's time beside it.
    log_in(page, live_server, mentor)
    page.goto(f"{live_server.url}/matches/mentorships/{mentorship.pk}/")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Session confirmed.")).to_be_visible()
    page.goto(f"{live_server.url}/matches/mentorships/{mentorship.pk}/")
    next_session = page.get_by_test_id("next-session")
    berlin_time, berlin_zone = _fmt(session.starts_at, BERLIN)
    expect(next_session.get_by_test_id("session-when")).to_contain_text(f"{berlin_time}")
    expect(next_session.get_by_test_id("session-when")).to_contain_text(berlin_zone)
    expect(next_session.get_by_test_id("session-when-other")).to_contain_text(
        f"{ny_time} {ny_zone} for Maya Mentee"
    )
    expect(page.get_by_text("Review my project brief")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "sessions-workspace-confirmed.png"), full_page=True)

    # 4. The .ics downloads and parses, in the reader's zone.
    with page.expect_download() as download_info:
        next_session.get_by_role("link", name="Add to calendar").click()
    body = Path(download_info.value.path()).read_bytes()
    (event,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert event.decoded("dtstart") == session.starts_at
    assert str(event.decoded("dtstart").tzinfo) == "Europe/Berlin"
    assert str(event["status"]) == "CONFIRMED"
    # The mentor ticks the mentee's milestone (no 404 on the mentee's goal any more).
    page.get_by_role("button", name="Mark “Write the project brief” as done").click()
    expect(
        page.get_by_role("button", name="Mark “Write the project brief” as not done")
    ).to_be_visible()
    log_out(page)

    # 5. Time passes: the session is over (moved into the past in the database).
    start = timezone.now() - datetime.timedelta(hours=2)
    MentoringSession.objects.filter(pk=session.pk).update(
        starts_at=start, ends_at=start + datetime.timedelta(hours=1)
    )
    SessionAttendee.objects.filter(session=session).update(
        starts_at=start, ends_at=start + datetime.timedelta(hours=1)
    )

    log_in(page, live_server, mentee)
    page.goto(f"{live_server.url}/sessions/{session.pk}/")
    page.get_by_label("5 – excellent").check()
    page.get_by_label("Comment (optional)").fill("Clear, practical advice.")
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_test_id("my-feedback")).to_contain_text("You rated this session 5/5")
    page.screenshot(path=str(artifacts_dir / "sessions-feedback.png"), full_page=True)
    page.goto(f"{live_server.url}/people/{mentor.profile.public_id}/")
    expect(page.get_by_test_id("mentor-rating")).to_contain_text("5.0 / 5 from 3 session ratings")
    page.screenshot(path=str(artifacts_dir / "sessions-profile-rating.png"), full_page=True)
    log_out(page)

    log_in(page, live_server, mentor)
    page.goto(f"{live_server.url}/sessions/{session.pk}/")
    page.get_by_label("4 – good").check()
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_test_id("my-feedback")).to_contain_text("You rated this session 4/5")
    session.refresh_from_db()
    assert session.status == "held"


def test_mentee_books_a_flash_session_from_a_mentors_profile(page, live_server, artifacts_dir):
    mentor, mentee = _people()
    from profiles.models import AvailabilitySlot

    for weekday in range(7):
        AvailabilitySlot.objects.create(
            profile=mentor.profile,
            weekday=weekday,
            start_time=datetime.time(14),
            end_time=datetime.time(16),
        )
    log_in(page, live_server, mentee)
    page.goto(f"{live_server.url}/people/{mentor.profile.public_id}/")
    page.get_by_role("link", name="Book a flash session").click()
    expect(
        page.get_by_role("heading", name="Book a one-hour flash session with Amara Rossi")
    ).to_be_visible()
    page.get_by_test_id("slot").nth(2).click()
    page.get_by_role("button", name="Request this flash session").click()
    expect(page.get_by_text("Say in a sentence what you would like to talk about")).to_be_visible()
    page.get_by_test_id("slot").nth(2).click()
    page.get_by_label("What would you like to talk about?").fill(
        "Moving from analytics into data engineering"
    )
    page.get_by_role("button", name="Request this flash session").click()
    expect(page.get_by_text("Topic: Moving from analytics into data engineering")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "sessions-flash-booked.png"), full_page=True)
    session = MentoringSession.objects.get(kind="flash")
    assert (session.mentor, session.mentee, session.mentorship, session.status) == (
        mentor,
        mentee,
        None,
        "proposed",
    )
    assert session.minutes == 60
    # The flash booking has its own thread.
    page.get_by_role("textbox", name="Message", exact=True).fill("Looking forward to it!")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_test_id("thread")).to_contain_text("Looking forward to it!")


def test_calendar_link_from_the_profile_and_revoking_it(page, live_server, artifacts_dir):
    mentor, mentee = _people()
    mentorship = MentorshipFactory(mentee=mentee, mentor=mentor)
    from .helpers import at, book_confirmed

    book_confirmed(mentorship, at(3, 9))
    log_in(page, live_server, mentor)
    page.goto(f"{live_server.url}/profile/")
    page.get_by_role("button", name="Create my calendar link").click()
    feed_url = page.get_by_test_id("feed-url").input_value()
    page.screenshot(path=str(artifacts_dir / "sessions-profile-calendar.png"), full_page=True)
    response = page.request.get(feed_url)
    assert response.status == 200
    (event,) = icalendar.Calendar.from_ical(response.body()).walk("VEVENT")
    assert str(event["summary"]) == "Mentoring session with Maya Mentee"
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Replace with a new link").click()
    expect(page.get_by_text("The old calendar link no longer works.")).to_be_visible()
    assert page.request.get(feed_url).status == 404
    assert page.request.get(page.get_by_test_id("feed-url").input_value()).status == 200


def test_notes_and_messages_in_the_workspace(page, live_server, artifacts_dir):
    mentor, mentee = _people()
    mentorship = MentorshipFactory(mentee=mentee, mentor=mentor)
    done = past_session(mentorship, days_ago=3)
    log_in(page, live_server, mentor)
    page.goto(f"{live_server.url}/sessions/{done.pk}/")
    page.get_by_role("textbox", name="Note").fill("Agreed: draft the brief by Friday.")
    page.get_by_role("button", name="Save note").click()
    page.get_by_role("textbox", name="Note").fill("She seemed unsure about the deadline.")
    page.get_by_label("Private: only I will ever see this note").check()
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_test_id("private-note")).to_contain_text("unsure about the deadline")
    page.goto(f"{live_server.url}/matches/mentorships/{mentorship.pk}/")
    page.get_by_role("textbox", name="Message", exact=True).fill(
        "Great session! The **brief** template is attached."
    )
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_test_id("thread")).to_contain_text("Great session!")
    page.screenshot(path=str(artifacts_dir / "sessions-workspace-mentor-notes.png"), full_page=True)
    log_out(page)
    log_in(page, live_server, mentee)
    page.goto(f"{live_server.url}/matches/mentorships/{mentorship.pk}/")
    expect(page.get_by_text("Agreed: draft the brief by Friday.")).to_be_visible()
    expect(page.get_by_text("unsure about the deadline")).to_have_count(0)
    expect(page.get_by_test_id("thread").locator("strong", has_text="brief")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "sessions-workspace-mentee-notes.png"), full_page=True)

"""Workspace and session pages: the access ladder, and what each side sees."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import RequestMessage
from sessions import services
from sessions.models import CalendarFeed, MentoringSession, Message, SessionNote
from tests.factories import GoalFactory, MilestoneFactory

from .helpers import at, book_confirmed, make_mentee, make_mentor, pair, past_session

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def world():
    mentor, mentee, mentorship = pair(display_name="Amara Rossi", timezone="Europe/Berlin")
    mentee.profile.display_name = "Maya Mentee"
    mentee.profile.timezone = "America/New_York"
    mentee.profile.save()
    upcoming = book_confirmed(mentorship, at(3, 14))
    done = past_session(mentorship, days_ago=2)
    note = services.note_add(
        session=done, by=mentor, body="Shared: next steps agreed", private=False
    )
    secret = services.note_add(session=done, by=mentor, body="PRIVATE-MENTOR-THOUGHT", private=True)
    flash = services.session_propose(
        by=mentee,
        counterpart=make_mentor(format_flash=True),
        starts_at=at(4),
        ends_at=at(4) + HOUR,
        topic="Salary talk",
    )
    msg = services.message_send(by=mentee, body="Hello **there**", mentorship=mentorship)
    return {
        "mentor": mentor,
        "mentee": mentee,
        "mentorship": mentorship,
        "upcoming": upcoming,
        "done": done,
        "note": note,
        "secret": secret,
        "flash": flash,
        "message": msg,
    }


def _session_urls(w):
    s, done = w["upcoming"], w["done"]
    return [
        ("get", reverse("sessions:session_detail", args=[s.pk])),
        ("get", reverse("sessions:session_ics", args=[s.pk])),
        ("get", reverse("sessions:session_propose_another", args=[s.pk])),
        ("post", reverse("sessions:session_confirm", args=[s.pk])),
        ("post", reverse("sessions:session_decline", args=[s.pk])),
        ("post", reverse("sessions:session_cancel", args=[s.pk])),
        ("post", reverse("sessions:session_details", args=[s.pk])),
        ("post", reverse("sessions:note_add", args=[done.pk])),
        ("post", reverse("sessions:note_delete", args=[done.pk, w["note"].pk])),
        ("post", reverse("sessions:note_delete", args=[done.pk, w["secret"].pk])),
        ("post", reverse("sessions:feedback_leave", args=[done.pk])),
        ("post", reverse("sessions:report_no_show", args=[done.pk])),
        ("post", reverse("sessions:session_message", args=[w["flash"].pk])),
        ("get", reverse("sessions:session_detail", args=[w["flash"].pk])),
        ("get", reverse("matching:mentorship_detail", args=[w["mentorship"].pk])),
        ("get", reverse("sessions:workspace_book", args=[w["mentorship"].pk])),
        ("post", reverse("sessions:workspace_message", args=[w["mentorship"].pk])),
        ("post", reverse("sessions:workspace_end", args=[w["mentorship"].pk])),
    ]


def test_anonymous_is_sent_to_log_in(client, world):
    for method, url in _session_urls(world):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url


def test_a_stranger_gets_404_on_every_session_note_message_and_workspace_url(client, world):
    client.force_login(make_mentee())
    for method, url in _session_urls(world):
        response = getattr(client, method)(url, {"body": "x", "reason": "x", "rating": "5"})
        assert response.status_code == 404, url
    assert MentoringSession.objects.get(pk=world["upcoming"].pk).status == "confirmed"
    assert SessionNote.objects.count() == 2
    assert Message.objects.count() == 1


def test_the_counterpart_cannot_delete_someone_elses_note(client, world):
    client.force_login(world["mentee"])
    url = reverse("sessions:note_delete", args=[world["done"].pk, world["note"].pk])
    assert client.post(url).status_code == 404
    assert SessionNote.objects.filter(pk=world["note"].pk).exists()


def test_workspace_shows_next_session_goals_past_notes_and_thread(client, world):
    mentee, mentor, mentorship = world["mentee"], world["mentor"], world["mentorship"]
    goal = GoalFactory(owner=mentee, title="Lead my first analytics project")
    MilestoneFactory(goal=goal, title="Write the project brief")
    RequestMessage.objects.create(
        request=_request_for(mentorship), author=mentor, body="What is your timeline?"
    )
    client.force_login(mentor)
    response = client.get(reverse("matching:mentorship_detail", args=[mentorship.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        html.index('id="next-session"')
        < html.index('id="goals"')
        < html.index('id="past"')
        < html.index('id="messages"')
        < html.index('id="finish"')
    )
    local = world["upcoming"].starts_at.astimezone(_zone("Europe/Berlin"))
    assert f"{local:%H:%M}" in html and local.tzname() in html
    assert "Lead my first analytics project" in html and "Write the project brief" in html
    assert "Shared: next steps agreed" in html
    assert "PRIVATE-MENTOR-THOUGHT" in html  # the author sees their own private note
    assert "What is your timeline?" in html and "before the match" in html
    assert "Hello <strong>there</strong>" in html
    # Opening the workspace marks the messages to this person read (no email needed).
    assert Message.objects.get(pk=world["message"].pk).read_at is not None
    client.force_login(mentee)
    html = client.get(reverse("matching:mentorship_detail", args=[mentorship.pk])).content.decode()
    assert "PRIVATE-MENTOR-THOUGHT" not in html
    assert "Shared: next steps agreed" in html
    ny = world["upcoming"].starts_at.astimezone(_zone("America/New_York"))
    assert f"{ny:%H:%M}" in html and ny.tzname() in html


def test_private_notes_never_reach_the_other_side_on_the_session_page(client, world):
    client.force_login(world["mentee"])
    html = client.get(reverse("sessions:session_detail", args=[world["done"].pk])).content.decode()
    assert "Shared: next steps agreed" in html
    assert "PRIVATE-MENTOR-THOUGHT" not in html


def test_the_mentor_can_tick_and_add_milestones_of_the_mentees_goal(client, world):
    mentee, mentor, mentorship = world["mentee"], world["mentor"], world["mentorship"]
    goal = GoalFactory(owner=mentee)
    milestone = MilestoneFactory(goal=goal)
    client.force_login(mentor)
    url = reverse(
        "sessions:workspace_milestone_toggle", args=[mentorship.pk, goal.pk, milestone.pk]
    )
    assert client.post(url).status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_at is not None
    add = reverse("sessions:workspace_milestone_add", args=[mentorship.pk, goal.pk])
    assert client.post(add, {f"goal-{goal.pk}-title": "Present to the team"}).status_code == 302
    assert goal.milestones.filter(title="Present to the team").exists()
    status = reverse("sessions:workspace_goal_status", args=[mentorship.pk, goal.pk])
    client.post(status, {"status": "in_progress"})
    goal.refresh_from_db()
    assert goal.status == "in_progress"
    # Another mentee's goal is a 404 through this mentorship.
    other_goal = GoalFactory(owner=make_mentee())
    assert (
        client.post(
            reverse("sessions:workspace_goal_status", args=[mentorship.pk, other_goal.pk]),
            {"status": "achieved"},
        ).status_code
        == 404
    )


def test_booking_from_the_workspace_proposes_a_free_slot(client, world):
    mentor, mentee, mentorship = world["mentor"], world["mentee"], world["mentorship"]
    from profiles.models import AvailabilitySlot

    for weekday in range(7):
        AvailabilitySlot.objects.create(
            profile=mentor.profile,
            weekday=weekday,
            start_time=datetime.time(9),
            end_time=datetime.time(12),
        )
    client.force_login(mentee)
    url = reverse("sessions:workspace_book", args=[mentorship.pk])
    page = client.get(url)
    assert page.status_code == 200
    slot = page.context["form"].fields["slot"].choices[0][0]
    response = client.post(url, {"minutes": "60", "slot": slot, "agenda": "Portfolio review"})
    assert response.status_code == 302
    session = MentoringSession.objects.filter(agenda="Portfolio review").get()
    assert session.starts_at.astimezone(_zone("Europe/Berlin")).hour in (9, 10, 11)
    assert session.status == "proposed" and session.proposed_by == mentee


def test_booking_a_custom_time_that_does_not_exist_is_a_field_error(client, world):
    client.force_login(world["mentee"])  # New York: clocks jump 02:00 → 03:00 on 8 March 2026
    url = reverse("sessions:workspace_book", args=[world["mentorship"].pk])
    year = timezone.now().year + 1
    import calendar

    march = calendar.Calendar().itermonthdates(year, 3)
    sundays = [d for d in march if d.month == 3 and d.weekday() == 6]
    response = client.post(
        url, {"minutes": "60", "custom_date": sundays[1].isoformat(), "custom_time": "02:30"}
    )
    assert response.status_code == 400
    assert "does not exist on" in response.content.decode()


def test_revoked_feed_token_stops_working(client, world):
    mentor = world["mentor"]
    feed = services.calendar_feed_get_or_create(user=mentor)
    url = reverse("sessions:calendar_feed", args=[feed.token])
    assert client.get(url).status_code == 200
    services.calendar_feed_revoke(user=mentor)
    assert client.get(url).status_code == 404
    new = CalendarFeed.objects.get(user=mentor)
    assert client.get(reverse("sessions:calendar_feed", args=[new.token])).status_code == 200
    assert client.get(reverse("sessions:calendar_feed", args=["not-a-token"])).status_code == 404


def _zone(name):
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def _request_for(mentorship):
    from matching.models import MatchRequest

    request = MatchRequest.objects.create(
        mentee=mentorship.mentee,
        mentor=mentorship.mentor,
        status=MatchRequest.Status.ACCEPTED,
        message="I would love help with analytics leadership.",
    )
    mentorship.request = request
    mentorship.save()
    return request


def test_a_suggestion_card_offers_a_flash_session_when_the_mentor_does(client):
    from tests.factories import SuggestionFactory

    mentee = make_mentee()
    flash = make_mentor(format_flash=True, display_name="Flash Mentor")
    slow = make_mentor(format_flash=False, display_name="Long Mentor")
    SuggestionFactory(mentee=mentee, mentor=flash, rank=1)
    SuggestionFactory(mentee=mentee, mentor=slow, rank=2)
    client.force_login(mentee)
    html = client.get(reverse("matching:suggestions")).content.decode()
    assert html.count("Book a flash session") == 1
    assert reverse("sessions:flash_book", args=[flash.profile.public_id]) in html


def test_flash_booking_page_is_404_for_a_mentor_without_flash(client):
    client.force_login(make_mentee())
    assert (
        client.get(
            reverse("sessions:flash_book", args=[make_mentor(format_flash=False).profile.public_id])
        ).status_code
        == 404
    )


def test_mentor_settings_set_the_default_link_and_the_flash_limit(client):
    mentor = make_mentor()
    client.force_login(mentor)
    url = reverse("sessions:mentor_settings")
    assert client.get(url).status_code == 200
    bad = client.post(url, {"meeting_link": "not a url at all", "flash_monthly_limit": "99"})
    assert bad.status_code == 400
    assert "Ensure this value is less than or equal to 60." in bad.content.decode()
    ok = client.post(
        url, {"meeting_link": "https://meet.example.org/room", "flash_monthly_limit": "2"}
    )
    assert ok.status_code == 302
    from sessions.models import MentorSessionSettings

    row = MentorSessionSettings.objects.get(mentor=mentor)
    assert (row.meeting_link, row.flash_monthly_limit) == ("https://meet.example.org/room", 2)


def test_confirm_cancel_and_feedback_through_the_pages(client, world):
    mentor, mentee, mentorship = world["mentor"], world["mentee"], world["mentorship"]
    proposal = services.session_propose(
        by=mentee, counterpart=mentor, starts_at=at(6), ends_at=at(6) + HOUR, mentorship=mentorship
    )
    client.force_login(mentor)
    assert client.post(reverse("sessions:session_confirm", args=[proposal.pk])).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "confirmed"
    no_reason = client.post(reverse("sessions:session_cancel", args=[proposal.pk]), {"reason": ""})
    assert no_reason.status_code == 400
    assert "why you cancel" in no_reason.content.decode()
    client.post(reverse("sessions:session_cancel", args=[proposal.pk]), {"reason": "Travel"})
    proposal.refresh_from_db()
    assert proposal.status == "cancelled"
    response = client.post(
        reverse("sessions:feedback_leave", args=[world["done"].pk]), {"rating": "4"}
    )
    assert response.status_code == 302
    assert world["done"].feedback.get().rating == 4


def test_the_dashboard_shows_upcoming_sessions_and_unread_messages(client, world):
    client.force_login(world["mentor"])
    html = client.get(reverse("dashboard")).content.decode()
    assert "Your sessions" in html
    assert "1 unread message in your workspaces." in html
    assert reverse("sessions:session_detail", args=[world["upcoming"].pk]) in html


def test_session_list_shows_upcoming_and_past(client, world):
    client.force_login(world["mentee"])
    html = client.get(reverse("sessions:session_list")).content.decode()
    assert reverse("sessions:session_detail", args=[world["upcoming"].pk]) in html
    assert reverse("sessions:session_detail", args=[world["done"].pk]) in html
    assert "Salary talk" in html  # the flash proposal's topic

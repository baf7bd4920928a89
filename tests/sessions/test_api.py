"""The workspace API: sessions (propose, confirm, decline, cancel, reschedule, .ics), notes
(private ones only to their author), feedback and messages; a stranger gets 404 everywhere."""

import datetime

import pytest

from sessions.models import MentoringSession, Message, SessionNote
from tests.factories import api_client, make_mentee, make_mentor
from tests.sessions.helpers import at, pair, past_session

pytestmark = pytest.mark.django_db


def _times(days: float = 3, hour: int = 10, minutes: int = 60) -> dict:
    start = at(days=days, hour=hour)
    return {
        "starts_at": start.isoformat(),
        "ends_at": (start + datetime.timedelta(minutes=minutes)).isoformat(),
    }


def test_propose_in_a_mentorship_then_the_other_confirms():
    mentor, mentee, mentorship = pair()
    proposed = api_client(mentee).post(
        "/api/v1/sessions/",
        {"mentorship": mentorship.pk, "agenda": "Career plan", **_times()},
        format="json",
    )
    assert proposed.status_code == 201, proposed.json()
    body = proposed.json()
    assert body["status"] == "proposed"
    assert body["mentor"]["public_id"] == str(mentor.profile.public_id)
    assert body["state"]["awaiting_other"] is True
    own = api_client(mentee).post(f"/api/v1/sessions/{body['id']}/confirm/")
    assert own.status_code == 400
    assert own.json()["code"] == "own_proposal"
    confirmed = api_client(mentor).post(f"/api/v1/sessions/{body['id']}/confirm/")
    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == "confirmed"
    assert MentoringSession.objects.get(pk=body["id"]).status == "confirmed"


def test_a_refusal_is_a_400_with_the_service_code_and_message():
    _, mentee, mentorship = pair()
    past = api_client(mentee).post(
        "/api/v1/sessions/", {"mentorship": mentorship.pk, **_times(days=-1)}, format="json"
    )
    assert past.status_code == 400
    assert past.json()["code"] == "in_past"
    assert past.json()["message"] == "That time has already passed. Choose a time in the future."
    both = api_client(mentee).post(
        "/api/v1/sessions/",
        {"mentorship": mentorship.pk, "mentor": str(mentorship.mentor.profile.public_id)}
        | _times(),
        format="json",
    )
    assert both.status_code == 400
    assert both.json()["code"] == "invalid"


def test_flash_booking_by_public_id_needs_a_topic_and_a_visible_mentor():
    mentor = make_mentor(format_flash=True)
    mentee = make_mentee()
    client = api_client(mentee)
    no_topic = client.post(
        "/api/v1/sessions/", {"mentor": str(mentor.profile.public_id), **_times()}, format="json"
    )
    assert no_topic.status_code == 400
    assert no_topic.json()["code"] == "topic_required"
    booked = client.post(
        "/api/v1/sessions/",
        {"mentor": str(mentor.profile.public_id), "topic": "First data job", **_times()},
        format="json",
    )
    assert booked.status_code == 201, booked.json()
    assert booked.json()["kind"] == "flash"
    unknown = client.post(
        "/api/v1/sessions/",
        {"mentor": "00000000-0000-4000-8000-000000000000", "topic": "x", **_times()},
        format="json",
    )
    assert unknown.status_code == 404


def test_decline_cancel_and_reschedule():
    mentor, mentee, mentorship = pair()
    client = api_client(mentee)

    def propose(days):
        return client.post(
            "/api/v1/sessions/", {"mentorship": mentorship.pk, **_times(days=days)}, format="json"
        ).json()["id"]

    first = propose(3)
    declined = api_client(mentor).post(
        f"/api/v1/sessions/{first}/decline/", {"reason": "Travelling"}, format="json"
    )
    assert declined.json()["status"] == "declined"
    assert declined.json()["decline_reason"] == "Travelling"

    second = propose(4)
    moved = api_client(mentor).post(
        f"/api/v1/sessions/{second}/reschedule/", _times(days=5, hour=14), format="json"
    )
    assert moved.status_code == 201, moved.json()
    assert moved.json()["replaces"] == second
    assert moved.json()["proposed_by"]["public_id"] == str(mentor.profile.public_id)
    assert MentoringSession.objects.get(pk=second).status == "declined"

    cancelled = client.post(
        f"/api/v1/sessions/{moved.json()['id']}/cancel/", {"reason": "Sick"}, format="json"
    )
    assert cancelled.json()["status"] == "cancelled"
    again = client.post(f"/api/v1/sessions/{moved.json()['id']}/cancel/", {}, format="json")
    assert again.status_code == 400
    long_reason = client.post(
        f"/api/v1/sessions/{propose(6)}/cancel/", {"reason": "x" * 501}, format="json"
    )
    assert long_reason.status_code == 400
    assert "reason" in long_reason.json()["errors"]


def test_lists_are_cursor_paginated_and_filtered():
    _, mentee, mentorship = pair()
    client = api_client(mentee)
    for days in (3, 4, 5):
        client.post(
            "/api/v1/sessions/", {"mentorship": mentorship.pk, **_times(days=days)}, format="json"
        )
    past_session(mentorship)
    page = client.get("/api/v1/sessions/?when=upcoming&page_size=2").json()
    assert len(page["results"]) == 2
    assert page["results"][0]["starts_at"] < page["results"][1]["starts_at"]
    rest = client.get(page["next"]).json()
    assert len(rest["results"]) == 1 and rest["next"] is None
    past = client.get("/api/v1/sessions/?when=past").json()["results"]
    assert len(past) == 1
    assert client.get("/api/v1/sessions/?when=soon").status_code == 400


def test_calendar_file_is_text_calendar():
    _, mentee, mentorship = pair()
    client = api_client(mentee)
    pk = client.post(
        "/api/v1/sessions/", {"mentorship": mentorship.pk, **_times()}, format="json"
    ).json()["id"]
    ics = client.get(f"/api/v1/sessions/{pk}/calendar.ics")
    assert ics.status_code == 200
    assert ics["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VCALENDAR" in ics.content


def test_private_notes_are_seen_only_by_their_author():
    mentor, mentee, mentorship = pair()
    session = past_session(mentorship)
    url = f"/api/v1/sessions/{session.pk}/notes/"
    mine = api_client(mentee).post(url, {"body": "I felt stuck", "private": True}, format="json")
    assert mine.status_code == 201
    assert mine.json()["private"] is True
    shared = api_client(mentor).post(url, {"body": "Read chapter 3"}, format="json")
    assert shared.status_code == 201

    seen_by_mentor = [n["body"] for n in api_client(mentor).get(url).json()["results"]]
    assert seen_by_mentor == ["Read chapter 3"]
    seen_by_mentee = [n["body"] for n in api_client(mentee).get(url).json()["results"]]
    assert seen_by_mentee == ["I felt stuck", "Read chapter 3"]

    note_url = f"{url}{mine.json()['id']}/"
    assert api_client(mentor).delete(note_url).status_code == 404
    assert api_client(mentee).delete(note_url).status_code == 204
    assert not SessionNote.objects.filter(pk=mine.json()["id"]).exists()
    empty = api_client(mentee).post(url, {"body": ""}, format="json")
    assert empty.status_code == 400


def test_feedback_after_the_session_once():
    mentor, mentee, mentorship = pair()
    upcoming = api_client(mentee).post(
        "/api/v1/sessions/", {"mentorship": mentorship.pk, **_times()}, format="json"
    )
    early = api_client(mentee).post(
        f"/api/v1/sessions/{upcoming.json()['id']}/feedback/", {"rating": 5}, format="json"
    )
    assert early.status_code == 400
    session = past_session(mentorship)
    url = f"/api/v1/sessions/{session.pk}/feedback/"
    assert api_client(mentee).get(url).status_code == 404
    rated = api_client(mentee).post(url, {"rating": 4, "comment": "Helpful"}, format="json")
    assert rated.status_code == 201, rated.json()
    assert rated.json()["rating"] == 4
    assert api_client(mentee).get(url).json()["comment"] == "Helpful"
    twice = api_client(mentee).post(url, {"rating": 5}, format="json")
    assert twice.json()["code"] == "already_rated"
    assert api_client(mentee).post(url, {"rating": 9}, format="json").status_code == 400


def test_messages_of_a_mentorship_and_of_a_flash_session():
    mentor, mentee, mentorship = pair()
    url = f"/api/v1/mentorships/{mentorship.pk}/messages/"
    sent = api_client(mentee).post(url, {"body": "Hello **there**"}, format="json")
    assert sent.status_code == 201
    listed = api_client(mentor).get(url).json()["results"]
    assert [m["body"] for m in listed] == ["Hello **there**"]
    assert Message.objects.get().read_at is not None  # the recipient read the thread
    in_mentorship = past_session(mentorship)
    assert (
        api_client(mentee).get(f"/api/v1/sessions/{in_mentorship.pk}/messages/").status_code == 404
    )

    flash = past_session(None, days_ago=2, mentor=mentor, mentee=mentee, proposed_by=mentee)
    flash_url = f"/api/v1/sessions/{flash.pk}/messages/"
    assert api_client(mentor).post(flash_url, {"body": "See you"}, format="json").status_code == 201
    assert [m["body"] for m in api_client(mentee).get(flash_url).json()["results"]] == ["See you"]
    assert api_client(mentee).post(url, {"body": "x" * 5001}, format="json").status_code == 400


def test_a_read_token_cannot_write():
    _, mentee, mentorship = pair()
    client = api_client(mentee, scope="read")
    assert client.get("/api/v1/sessions/").status_code == 200
    refused = client.post(
        "/api/v1/sessions/", {"mentorship": mentorship.pk, **_times()}, format="json"
    )
    assert refused.status_code == 403


def test_a_stranger_gets_404_on_every_session_route():
    mentor, mentee, mentorship = pair()
    session = past_session(mentorship)
    upcoming = (
        api_client(mentee)
        .post("/api/v1/sessions/", {"mentorship": mentorship.pk, **_times()}, format="json")
        .json()["id"]
    )
    note = (
        api_client(mentee)
        .post(f"/api/v1/sessions/{session.pk}/notes/", {"body": "shared"}, format="json")
        .json()["id"]
    )
    flash = past_session(None, days_ago=2, mentor=mentor, mentee=mentee, proposed_by=mentee)
    stranger = api_client(make_mentee())
    s, u = session.pk, upcoming
    routes = [
        ("get", f"/api/v1/sessions/{s}/", None),
        ("post", f"/api/v1/sessions/{u}/confirm/", {}),
        ("post", f"/api/v1/sessions/{u}/decline/", {}),
        ("post", f"/api/v1/sessions/{u}/cancel/", {}),
        ("post", f"/api/v1/sessions/{u}/reschedule/", _times(days=6)),
        ("get", f"/api/v1/sessions/{s}/calendar.ics", None),
        ("get", f"/api/v1/sessions/{s}/notes/", None),
        ("post", f"/api/v1/sessions/{s}/notes/", {"body": "mine"}),
        ("delete", f"/api/v1/sessions/{s}/notes/{note}/", None),
        ("get", f"/api/v1/sessions/{s}/feedback/", None),
        ("post", f"/api/v1/sessions/{s}/feedback/", {"rating": 1}),
        ("get", f"/api/v1/sessions/{flash.pk}/messages/", None),
        ("post", f"/api/v1/sessions/{flash.pk}/messages/", {"body": "hi"}),
        ("get", f"/api/v1/mentorships/{mentorship.pk}/messages/", None),
        ("post", f"/api/v1/mentorships/{mentorship.pk}/messages/", {"body": "hi"}),
        ("post", "/api/v1/sessions/", {"mentorship": mentorship.pk, **_times(days=7)}),
    ]
    for method, path, data in routes:
        kwargs = {"format": "json", "data": data} if data is not None else {}
        response = getattr(stranger, method)(path, **kwargs)
        assert response.status_code == 404, (method, path, response.status_code)
        assert response.json() == {"code": "not_found", "message": "Not found."}
    assert api_client(None).get(f"/api/v1/sessions/{s}/").status_code == 401
    assert MentoringSession.objects.get(pk=u).status == "proposed"
    assert not Message.objects.exists()
    assert stranger.get("/api/v1/sessions/").json()["results"] == []


def test_confirming_and_cancelling_emit_session_webhook_events():
    from mentorship.models import WebhookEvent
    from mentorship.services import webhooks
    from safety.roles import PROGRAMME_MANAGER
    from tests.factories import staff_user

    webhooks.webhook_endpoint_create(
        by=staff_user(PROGRAMME_MANAGER),
        url="http://127.0.0.1:9/hook",
        events=["session.booked", "session.cancelled"],
    )
    mentor, mentee, mentorship = pair()
    pk = (
        api_client(mentee)
        .post("/api/v1/sessions/", {"mentorship": mentorship.pk, **_times()}, format="json")
        .json()["id"]
    )
    assert not WebhookEvent.objects.exists()  # a proposal is not a booking
    api_client(mentor).post(f"/api/v1/sessions/{pk}/confirm/")
    api_client(mentee).post(f"/api/v1/sessions/{pk}/cancel/", {"reason": "Ill"}, format="json")
    kinds = list(WebhookEvent.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == ["session.booked", "session.cancelled"]
    cancelled = WebhookEvent.objects.get(kind="session.cancelled").payload["data"]
    assert cancelled["session"]["id"] == pk
    assert cancelled["cancelled_by"]["id"] == str(mentee.profile.public_id)

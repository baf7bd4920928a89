"""The matching API: the same flow as the web pages, through the same services."""

import pytest

from matching.models import MatchRequest, MatchRun, Mentorship, PairExclusion
from safety.roles import PROGRAMME_MANAGER
from tests.factories import (
    MatchRequestFactory,
    MentorshipFactory,
    SuggestionFactory,
    api_client,
    make_mentee,
    make_mentor,
    staff_user,
)

pytestmark = pytest.mark.django_db


def test_suggestions_list_with_explanations_best_first():
    mentee, mentor, other = make_mentee(), make_mentor(), make_mentor()
    second = SuggestionFactory(mentee=mentee, mentor=other, rank=2, score=0.5)
    first = SuggestionFactory(mentee=mentee, mentor=mentor, rank=1, score=0.9)
    SuggestionFactory(mentee=make_mentee(), mentor=mentor)  # someone else's

    response = api_client(mentee, "read").get("/api/v1/suggestions/")

    assert response.status_code == 200
    body = response.json()
    assert [row["id"] for row in body["results"]] == [first.pk, second.pk]
    row = body["results"][0]
    assert row["reasons"] == ["Knows Python and SQL, which you want to learn"]
    assert row["components"]["skills"] == 0.9
    assert row["mentor"]["public_id"] == str(mentor.profile.public_id)
    assert row["mentor"]["languages"] == ["en"]
    assert row["places_left"] == 2
    assert set(body) == {"next", "previous", "results"}


def test_suggestion_filters_as_on_the_web():
    mentee = make_mentee()
    flash_only = make_mentor(format_long_term=False)
    long_term = make_mentor(format_flash=False)
    SuggestionFactory(mentee=mentee, mentor=flash_only, rank=1)
    kept = SuggestionFactory(mentee=mentee, mentor=long_term, rank=2)
    client = api_client(mentee, "read")

    ids = [r["id"] for r in client.get("/api/v1/suggestions/?format=long_term").json()["results"]]
    assert ids == [kept.pk]
    ids = [r["id"] for r in client.get("/api/v1/suggestions/?has_capacity=true").json()["results"]]
    assert ids == [kept.pk]
    bad = client.get("/api/v1/suggestions/?format=weekly")
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid"
    assert list(bad.json()["errors"]) == ["format"]


def test_cursor_pagination_walks_every_suggestion_once():
    mentee = make_mentee()
    made = [SuggestionFactory(mentee=mentee, mentor=make_mentor(), rank=n) for n in range(1, 6)]
    client = api_client(mentee, "read")
    seen, url = [], "/api/v1/suggestions/?page_size=2"
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert seen == [s.pk for s in made]


def test_request_from_a_suggestion_then_the_mentor_accepts():
    mentee, mentor = make_mentee(), make_mentor()
    suggestion = SuggestionFactory(mentee=mentee, mentor=mentor)

    response = api_client(mentee).post(
        f"/api/v1/suggestions/{suggestion.pk}/request/",
        {"format": "long_term", "message": "I want to learn to lead a team of five."},
        format="json",
    )
    assert response.status_code == 201, response.json()
    request_id = response.json()["id"]
    assert response.json()["status"] == "pending"

    mentor_client = api_client(mentor)
    received = mentor_client.get("/api/v1/requests/received/?status=pending").json()["results"]
    assert [r["id"] for r in received] == [request_id]
    accepted = mentor_client.post(f"/api/v1/requests/{request_id}/accept/")
    assert accepted.status_code == 201
    assert accepted.json()["status"] == "active"
    assert Mentorship.objects.filter(mentee=mentee, mentor=mentor, status="active").count() == 1


def test_form_rules_apply_a_too_short_message_is_a_field_error():
    mentee, mentor = make_mentee(), make_mentor()
    suggestion = SuggestionFactory(mentee=mentee, mentor=mentor)
    response = api_client(mentee).post(
        f"/api/v1/suggestions/{suggestion.pk}/request/",
        {"format": "long_term", "message": "hi there"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "message": ["Write at least a sentence (10 characters or more)."]
    }
    assert not MatchRequest.objects.exists()


def test_a_refusal_is_a_400_with_its_code_and_message():
    mentee, mentor = make_mentee(), make_mentor(capacity=1)
    MentorshipFactory(mentee=make_mentee(), mentor=mentor)
    match_request = MatchRequestFactory(mentee=mentee, mentor=mentor)

    response = api_client(mentor).post(f"/api/v1/requests/{match_request.pk}/accept/")

    assert response.status_code == 400
    assert response.json() == {
        "code": "match_refused",
        "message": "You have no free places: 1 of 1 taken. "
        "Raise your capacity or end a mentorship first.",
    }


def test_read_token_cannot_write():
    mentee, mentor = make_mentee(), make_mentor()
    suggestion = SuggestionFactory(mentee=mentee, mentor=mentor)
    response = api_client(mentee, "read").post(
        f"/api/v1/suggestions/{suggestion.pk}/decline/", {"reason": "skills"}, format="json"
    )
    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "message": "This token is read-only: create a write token to change things.",
    }


def test_decline_a_suggestion_never_again():
    mentee, mentor = make_mentee(), make_mentor()
    suggestion = SuggestionFactory(mentee=mentee, mentor=mentor)
    client = api_client(mentee)
    response = client.post(
        f"/api/v1/suggestions/{suggestion.pk}/decline/",
        {"reason": "schedule", "note": "Nights only"},
        format="json",
    )
    assert response.status_code == 204
    assert PairExclusion.objects.filter(mentee=mentee, mentor=mentor).exists()
    assert client.get("/api/v1/suggestions/").json()["results"] == []


def test_ask_reply_decline_and_withdraw():
    mentee, mentor = make_mentee(), make_mentor()
    match_request = MatchRequestFactory(mentee=mentee, mentor=mentor)
    mentee_client, mentor_client = api_client(mentee), api_client(mentor)
    url = f"/api/v1/requests/{match_request.pk}"

    asked = mentor_client.post(f"{url}/ask/", {"body": "Which team?"}, format="json")
    assert asked.status_code == 200
    # The mentee may not use the mentor's URL: not theirs to ask on.
    assert mentee_client.post(f"{url}/ask/", {"body": "x"}, format="json").status_code == 404
    replied = mentee_client.post(f"{url}/reply/", {"body": "Platform."}, format="json")
    assert [m["body"] for m in replied.json()["messages"]] == ["Which team?", "Platform."]
    declined = mentor_client.post(f"{url}/decline/", {"reason": "Full this term."}, format="json")
    assert declined.json()["status"] == "declined"

    other = MatchRequestFactory(mentee=mentee, mentor=make_mentor())
    withdrawn = mentee_client.post(f"/api/v1/requests/{other.pk}/withdraw/")
    assert withdrawn.json()["status"] == "withdrawn"
    sent = mentee_client.get("/api/v1/requests/sent/").json()["results"]
    assert {r["id"] for r in sent} == {match_request.pk, other.pk}


def test_end_and_renew_a_mentorship():
    mentee, mentor = make_mentee(), make_mentor()
    mentorship = MentorshipFactory(mentee=mentee, mentor=mentor)
    client = api_client(mentor)
    refused = api_client(mentee).post(
        f"/api/v1/mentorships/{mentorship.pk}/renew/", {}, format="json"
    )
    assert refused.json() == {
        "code": "match_refused",
        "message": "Only the mentor can renew a mentorship.",
    }
    renewed = client.post(f"/api/v1/mentorships/{mentorship.pk}/renew/", {}, format="json")
    assert renewed.status_code == 201, renewed.json()
    new_id = renewed.json()["id"]
    ended = client.post(
        f"/api/v1/mentorships/{new_id}/end/", {"outcome": "completed"}, format="json"
    )
    assert ended.json()["status"] == "completed"
    again = client.post(f"/api/v1/mentorships/{new_id}/end/", {"outcome": "ended"}, format="json")
    assert again.status_code == 400
    assert again.json() == {
        "code": "match_refused",
        "message": "This mentorship has already ended.",
    }


def test_staff_start_a_run_and_read_its_status(django_capture_on_commit_callbacks, monkeypatch):
    from matching import tasks

    queued = []
    monkeypatch.setattr(tasks.run_full_scoring, "delay", lambda run_id: queued.append(run_id))
    staff = staff_user(PROGRAMME_MANAGER)
    client = api_client(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/runs/")
    assert response.status_code == 202
    run_id = response.json()["id"]
    assert queued == [run_id]
    assert client.get(f"/api/v1/runs/{run_id}/").json()["status"] == "queued"
    again = client.post("/api/v1/runs/")
    assert again.status_code == 400
    assert again.json()["code"] == "run_active"


def test_staff_cohort_preview_is_queued_then_published(
    django_capture_on_commit_callbacks, monkeypatch
):
    from matching import tasks

    queued = []
    monkeypatch.setattr(tasks.cohort_preview, "delay", lambda run_id: queued.append(run_id))
    staff = staff_user(PROGRAMME_MANAGER)
    client = api_client(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/cohorts/", {"mode": "stable"}, format="json")
    assert response.status_code == 202
    run_id = response.json()["id"]
    assert queued == [run_id]
    detail = client.get(f"/api/v1/cohorts/{run_id}/").json()
    assert detail["kind"] == "cohort"
    assert detail["pairs"] == []
    bad = client.post("/api/v1/cohorts/", {"mode": "random"}, format="json")
    assert bad.status_code == 400
    assert MatchRun.objects.filter(kind="cohort").count() == 1


def test_request_a_mentor_by_profile_public_id_only_when_visible():
    mentee, mentor = make_mentee(), make_mentor()
    client = api_client(mentee)
    sent = client.post(
        f"/api/v1/mentors/{mentor.profile.public_id}/request/",
        {"message": "I would value your view on my next step.", "format": "long_term"},
        format="json",
    )
    assert sent.status_code == 201, sent.json()
    assert sent.json()["mentor"]["public_id"] == str(mentor.profile.public_id)
    assert (
        client.post(f"/api/v1/mentors/{mentor.pk}/request/", {}, format="json").status_code == 404
    )
    from safety.services import block_create

    other = make_mentor()
    block_create(blocker=other, blocked=mentee)
    hidden = client.post(
        f"/api/v1/mentors/{other.profile.public_id}/request/",
        {"message": "Hello, could you mentor me?", "format": "long_term"},
        format="json",
    )
    assert hidden.status_code == 404

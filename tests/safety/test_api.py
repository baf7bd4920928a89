"""The safety API: blocks and reports for members, the report queue and its actions for
moderators; content named as the web's menu names it; strangers and non-moderators get 404."""

import pytest

from mentorship.models import WebhookEvent
from mentorship.services import webhooks
from safety import selectors
from safety.models import Block, Report, Suspension, Warning
from safety.roles import PROGRAMME_MANAGER
from tests.factories import api_client, staff_user

from .helpers import MatchRequestFactory, make_mentee, make_mentor, message_on, moderator

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread():
    mentee, mentor = make_mentee(), make_mentor()
    request = MatchRequestFactory(mentee=mentee, mentor=mentor, message="Please mentor me.")
    rude = message_on(request, author=mentor, body="Send me money first, then we talk.")
    return mentee, mentor, rude


def _ref(message) -> dict:
    return {"content": "matching.requestmessage", "id": str(message.pk)}


def test_report_content_you_see_and_list_your_reports(thread):
    mentee, mentor, rude = thread
    client = api_client(mentee)
    filed = client.post(
        "/api/v1/reports/", {**_ref(rude), "reason": "scam", "details": "Money."}, format="json"
    )
    assert filed.status_code == 201, filed.json()
    assert filed.json()["status"] == "open"
    report = Report.objects.get()
    assert (report.reporter, report.target_user) == (mentee, mentor)
    again = client.post("/api/v1/reports/", {**_ref(rude), "reason": "spam"}, format="json")
    assert again.status_code == 400
    assert again.json() == {
        "code": "report_duplicate",
        "message": "You have already reported this; moderators will look at it.",
    }
    assert [r["id"] for r in client.get("/api/v1/reports/").json()["results"]] == [report.pk]
    bad = client.post("/api/v1/reports/", {**_ref(rude), "reason": "boring"}, format="json")
    assert bad.status_code == 400 and "reason" in bad.json()["errors"]


def test_strangers_and_authors_cannot_report_and_unknown_content_is_404(thread):
    _mentee, mentor, rude = thread
    body = {**_ref(rude), "reason": "spam"}
    assert (
        api_client(make_mentee()).post("/api/v1/reports/", body, format="json").status_code == 404
    )
    own = api_client(mentor).post("/api/v1/reports/", body, format="json")
    assert own.status_code == 400 and own.json()["code"] == "report_self"
    for ref in ({"content": "nothing.here", "id": "1"}, {"content": "profiles.profile", "id": "x"}):
        answer = api_client(mentor).post(
            "/api/v1/reports/", {**ref, "reason": "spam"}, format="json"
        )
        assert answer.status_code == 404
    assert not Report.objects.exists()


def test_block_by_profile_public_id_then_unblock(thread):
    mentee, mentor, _rude = thread
    client = api_client(mentee)
    blocked = client.post(
        "/api/v1/blocks/",
        {"content": "profiles.profile", "id": str(mentor.profile.public_id)},
        format="json",
    )
    assert blocked.status_code == 201, blocked.json()
    assert blocked.json()["person"]["public_id"] == str(mentor.profile.public_id)
    assert selectors.users_blocked(mentee, mentor)
    listed = client.get("/api/v1/blocks/").json()["results"]
    assert [b["id"] for b in listed] == [blocked.json()["id"]]
    block_url = f"/api/v1/blocks/{blocked.json()['id']}/"
    assert api_client(mentor).delete(block_url).status_code == 404  # not theirs
    assert client.delete(block_url).status_code == 204
    assert not Block.objects.exists()
    themselves = client.post(
        "/api/v1/blocks/",
        {"content": "profiles.profile", "id": str(mentee.profile.public_id)},
        format="json",
    )
    assert themselves.status_code == 404


def test_moderators_work_the_queue_through_the_same_services(thread):
    mentee, mentor, rude = thread
    api_client(mentee).post("/api/v1/reports/", {**_ref(rude), "reason": "scam"}, format="json")
    report = Report.objects.get()
    client = api_client(moderator())
    queue = client.get("/api/v1/moderation/reports/").json()["results"]
    assert [r["id"] for r in queue] == [report.pk]
    assert queue[0]["content"]["text"] == "Send me money first, then we talk."
    assert queue[0]["about"]["public_id"] == str(mentor.profile.public_id)

    base = f"/api/v1/moderation/reports/{report.pk}"
    no_reason = client.post(f"{base}/hide/", {"reason": ""}, format="json")
    assert no_reason.status_code == 400
    hidden = client.post(f"{base}/hide/", {"reason": "Scam attempt"}, format="json")
    assert hidden.status_code == 200, hidden.json()
    rude.refresh_from_db()
    assert rude.hidden_at is not None
    assert client.post(f"{base}/restore/", format="json").status_code == 200
    warned = client.post(f"{base}/warn/", {"reason": "No money requests."}, format="json")
    assert warned.status_code == 200
    assert Warning.objects.filter(user=mentor).exists()
    suspended = client.post(f"{base}/suspend/", {"reason": "Repeated scams"}, format="json")
    assert suspended.status_code == 200, suspended.json()
    assert Suspension.objects.filter(user=mentor).exists()
    twice = client.post(f"{base}/suspend/", {"reason": "Again"}, format="json")
    assert twice.json()["code"] == "already_suspended"
    dismissed = client.post(f"{base}/dismiss/", {"note": "handled"}, format="json")
    assert dismissed.status_code == 200
    assert client.get("/api/v1/moderation/reports/").json()["results"] == []
    assert client.get(f"{base}/").json()["status"] != "open"


def test_moderation_routes_do_not_exist_for_members_or_other_staff(thread):
    mentee, _mentor, rude = thread
    api_client(mentee).post("/api/v1/reports/", {**_ref(rude), "reason": "scam"}, format="json")
    pk = Report.objects.get().pk
    routes = [("get", "/api/v1/moderation/reports/"), ("get", f"/api/v1/moderation/reports/{pk}/")]
    routes += [
        ("post", f"/api/v1/moderation/reports/{pk}/{action}/")
        for action in ("hide", "restore", "dismiss", "warn", "suspend")
    ]
    for person in (mentee, staff_user(PROGRAMME_MANAGER)):
        client = api_client(person)
        for method, path in routes:
            answer = getattr(client, method)(path, {"reason": "x"}, format="json")
            assert answer.status_code == 404, (person, path)
    assert Report.objects.get().status == "open"
    assert not Suspension.objects.exists()
    missing = api_client(moderator()).get("/api/v1/moderation/reports/999999/")
    assert missing.status_code == 404


def test_a_suspended_persons_token_stops_at_once(thread):
    _mentee, mentor, _rude = thread
    client = api_client(mentor)
    assert client.get("/api/v1/sessions/").status_code == 200
    from safety.services import suspension_create

    suspension_create(moderator=moderator(), user=mentor, reason="Scams")
    assert client.get("/api/v1/sessions/").status_code == 401


def test_filing_a_report_emits_report_filed_without_who_or_what(thread):
    mentee, _mentor, rude = thread
    webhooks.webhook_endpoint_create(
        by=staff_user(PROGRAMME_MANAGER), url="http://127.0.0.1:9/hook", events=["report.filed"]
    )
    api_client(mentee).post(
        "/api/v1/reports/", {**_ref(rude), "reason": "scam", "details": "secret"}, format="json"
    )
    event = WebhookEvent.objects.get()
    data = event.payload["data"]["report"]
    assert event.kind == "report.filed"
    assert data["id"] == Report.objects.get().pk and data["reason"] == "scam"
    assert "secret" not in str(event.payload)
    assert mentee.email not in str(event.payload)

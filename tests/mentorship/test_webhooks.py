"""Webhooks: a match accepted on the web reaches a local receiver once, signed; a failing
receiver is retried with backoff and then disabled; targets are checked."""

import base64
import datetime
import hashlib
import hmac
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse
from django.utils import timezone

from mentorship import tasks
from mentorship.errors import Refusal
from mentorship.models import Notification, WebhookDelivery, WebhookEndpoint
from mentorship.services import webhook_http, webhooks
from safety.roles import MODERATOR, PROGRAMME_MANAGER
from tests.factories import (
    MatchRequestFactory,
    make_mentee,
    make_mentor,
    staff_login,
    staff_user,
    verified_user,
)

pytestmark = pytest.mark.django_db


class Receiver:
    """A tiny HTTP server on 127.0.0.1 that records requests and fails the first N."""

    def __init__(self, fail_first: int = 0):
        self.requests: list[dict] = []
        self.fail_first = fail_first
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                failing = len(receiver.requests) <= receiver.fail_first
                self.send_response(503 if failing else 204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/mentoring"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def verify(secret: str, headers: dict, body: bytes) -> bool:
    """What a receiver does (docs/api.md): recompute and compare the v1 signature."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(
        hmac.compare_digest(expected, part.removeprefix("v1,"))
        for part in headers["webhook-signature"].split()
    )


@pytest.fixture
def queued(monkeypatch):
    """Messages the code queued for the sending task (id, countdown), instead of a broker."""
    sent = []
    monkeypatch.setattr(tasks.webhook_deliver, "delay", lambda pk: sent.append((pk, None)))
    monkeypatch.setattr(
        tasks.webhook_deliver,
        "apply_async",
        lambda args, countdown=None: sent.append((args[0], countdown)),
    )
    return sent


def _endpoint(url, events=("match.accepted",)):
    return webhooks.webhook_endpoint_create(
        by=staff_user(PROGRAMME_MANAGER), url=url, events=list(events)
    )


def test_match_accepted_on_the_web_reaches_the_receiver_once_signed(
    client, queued, django_capture_on_commit_callbacks
):
    mentee, mentor = make_mentee(), make_mentor(verified=True)
    match_request = MatchRequestFactory(mentee=mentee, mentor=mentor)
    with Receiver() as receiver:
        endpoint = _endpoint(receiver.url)
        client.force_login(mentor)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("matching:request_accept", args=[match_request.pk]))
        assert response.status_code == 302
        assert len(queued) == 1
        delivery_id = queued[0][0]
        assert tasks.webhook_deliver(delivery_id) == "delivered"
        # The same message delivered twice by the broker sends nothing twice.
        assert tasks.webhook_deliver(delivery_id) == "skipped"

    assert len(receiver.requests) == 1
    received = receiver.requests[0]
    assert verify(endpoint.secret, received["headers"], received["body"])
    assert not verify(webhook_http.secret_generate(), received["headers"], received["body"])
    payload = json.loads(received["body"])
    assert payload["type"] == "match.accepted"
    assert payload["data"]["mentorship"]["mentee"]["id"] == str(mentee.profile.public_id)
    assert payload["data"]["mentorship"]["mentor"]["id"] == str(mentor.profile.public_id)
    assert payload["data"]["request_id"] == match_request.pk
    assert received["headers"]["webhook-id"].startswith("msg_")
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 204)


def test_a_receiver_failing_three_times_is_retried_with_backoff_then_disabled(
    settings, queued, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 5
    settings.WEBHOOK_RETRY_BASE_SECONDS = 10
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 3
    with Receiver(fail_first=100) as receiver:
        endpoint = _endpoint(receiver.url, events=["mentorship.ended"])
        with django_capture_on_commit_callbacks(execute=True):
            from matching.services import mentorship_end
            from tests.factories import MentorshipFactory

            mentee = make_mentee()
            mentorship = MentorshipFactory(mentee=mentee, mentor=make_mentor())
            mentorship_end(mentorship=mentorship, by=mentee, reason="Done", completed=True)
        delivery_id = queued.pop()[0]
        outcomes = []
        for _ in range(3):
            outcomes.append(tasks.webhook_deliver(delivery_id))
            # The countdown elapses.
            WebhookDelivery.objects.filter(pk=delivery_id).update(next_attempt_at=timezone.now())

    assert outcomes == ["retrying", "retrying", "failed"]
    assert [countdown for _, countdown in queued] == [10, 20]  # exponential backoff
    assert len(receiver.requests) == 3
    endpoint.refresh_from_db()
    assert endpoint.is_active is False
    assert endpoint.disabled_reason == "Disabled after 3 failed attempts in a row."
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        "failed",
        3,
        "endpoint disabled",
    )
    notice = Notification.objects.get(user=endpoint.created_by, kind="webhook_disabled")
    assert notice.title == f"Webhook disabled: {endpoint.url}"
    # A disabled endpoint receives no new events.
    assert webhooks.webhook_emit(kind="mentorship.ended", data={}) is None


def test_nothing_is_stored_when_nobody_listens_and_unknown_kinds_are_bugs():
    assert webhooks.webhook_emit(kind="match.accepted", data={"x": 1}) is None
    with pytest.raises(ValueError):
        webhooks.webhook_emit(kind="no.such.event", data={})


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "http://127.0.0.2/hook",
            "Webhooks may not target 127.0.0.2: 127.0.0.2 is not a public address.",
        ),
        (
            "http://10.1.2.3/hook",
            "Webhooks may not target 10.1.2.3: 10.1.2.3 is not a public address.",
        ),
        (
            "http://169.254.169.254/latest",
            "Webhooks may not target 169.254.169.254: 169.254.169.254 is not a public address.",
        ),
        ("http://[::1]/hook", "Webhooks may not target ::1: ::1 is not a public address."),
        ("ftp://example.org/", "Use an http:// or https:// URL."),
        ("http://user:pw@example.org/", "Put no credentials in the URL."),
    ],
)
def test_private_targets_are_refused(url, message):
    with pytest.raises(Refusal) as refused:
        webhook_http.target_check(url)
    assert refused.value.message == message


def test_every_resolved_address_is_checked(monkeypatch, settings):
    settings.WEBHOOK_ALLOWED_PRIVATE_NETWORKS = []
    answers = [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", 443)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.168.1.5", 443)),
    ]
    monkeypatch.setattr(webhook_http.socket, "getaddrinfo", lambda *a, **k: answers)
    with pytest.raises(Refusal) as refused:
        webhook_http.target_check("https://rebind.example/hook")
    assert "192.168.1.5 is not a public address" in refused.value.message


def test_loopback_needs_the_setting(settings):
    settings.WEBHOOK_ALLOWED_PRIVATE_NETWORKS = []
    with pytest.raises(Refusal):
        webhook_http.target_check("http://127.0.0.1:9/hook")
    settings.WEBHOOK_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.1/32"]
    assert webhook_http.target_check("http://127.0.0.1:9/hook").addresses == ("127.0.0.1",)


def test_redirects_are_not_followed(queued, django_capture_on_commit_callbacks):
    with Receiver() as target, Receiver() as redirector:
        redirector.server.RequestHandlerClass.do_POST = lambda self: (
            self.send_response(307),
            self.send_header("Location", target.url),
            self.send_header("Content-Length", "0"),
            self.end_headers(),
        )
        _endpoint(redirector.url)
        with django_capture_on_commit_callbacks(execute=True):
            webhooks.webhook_emit(kind="match.accepted", data={})
        assert tasks.webhook_deliver(queued[0][0]) == "retrying"
    assert target.requests == []
    assert WebhookDelivery.objects.get().last_error == "HTTP 307"


# --- staff pages --------------------------------------------------------------------


def test_staff_pages_access_ladder_and_delivery_log(client):
    list_url = reverse("matching:webhooks")
    assert client.get(list_url).status_code == 302
    client.force_login(verified_user())
    assert client.get(list_url).status_code == 404
    staff_login(client, staff_user(MODERATOR))  # staff, but not a programme manager
    assert client.get(list_url).status_code == 404
    staff_login(client, staff_user(PROGRAMME_MANAGER))
    page = client.get(list_url)
    assert page.status_code == 200
    assert "match.accepted" in page.content.decode()

    refused = client.post(list_url, {"url": "http://10.0.0.1/x", "events": ["match.accepted"]})
    assert refused.status_code == 400
    assert "10.0.0.1 is not a public address" in refused.content.decode()
    created = client.post(
        list_url, {"url": "http://127.0.0.1:9/hook", "events": ["match.accepted"]}
    )
    endpoint = WebhookEndpoint.objects.get()
    assert created["Location"] == reverse("matching:webhook_detail", args=[endpoint.pk])
    detail = client.get(created["Location"]).content.decode()
    assert endpoint.secret in detail
    assert "Nothing sent yet" in detail
    client.post(reverse("matching:webhook_action", args=[endpoint.pk, "disable"]))
    endpoint.refresh_from_db()
    assert endpoint.is_active is False
    client.force_login(verified_user())
    assert client.get(reverse("matching:webhook_detail", args=[endpoint.pk])).status_code == 404


def test_the_sweep_requeues_overdue_and_claimed_deliveries_with_their_countdown(queued):
    from django_celery_beat.models import PeriodicTask

    from mentorship.selectors import webhook_deliveries_to_requeue

    endpoint = _endpoint("http://127.0.0.1:9/hook")
    now = timezone.now()

    def delivery(**row):
        pk = webhooks.webhook_emit(kind="match.accepted", data={}).deliveries.get().pk
        WebhookDelivery.objects.filter(pk=pk).update(**row)
        return pk

    lost = delivery(next_attempt_at=now - datetime.timedelta(minutes=5))
    due_later = delivery(next_attempt_at=now + datetime.timedelta(minutes=5))  # a backoff wait
    just_due = delivery(next_attempt_at=now - datetime.timedelta(seconds=30))  # its message runs
    in_flight = delivery(
        attempts=1,
        claimed_until=now + datetime.timedelta(seconds=4),
        next_attempt_at=now + datetime.timedelta(seconds=4),
    )
    crashed = delivery(
        attempts=1,
        claimed_until=now - datetime.timedelta(seconds=30),
        next_attempt_at=now - datetime.timedelta(seconds=30),
    )
    assert endpoint.is_active

    # A claim is queued for when its lease ends, a lost message or an expired claim at once.
    assert webhook_deliveries_to_requeue(now=now) == [(lost, 0.0), (in_flight, 4.0), (crashed, 0.0)]
    assert tasks.webhook_sweep() == 3
    countdowns = dict(queued)
    assert set(countdowns) == {lost, in_flight, crashed}
    assert not {due_later, just_due} & set(countdowns)
    assert countdowns[lost] == countdowns[crashed] == 0.0
    assert 0 < countdowns[in_flight] <= 4
    assert PeriodicTask.objects.filter(task="mentorship.tasks.webhook_sweep").exists()


class Killed(BaseException):
    """A worker killed mid-attempt: nothing after this point of the attempt runs."""


def test_a_claim_is_a_lease_of_twice_the_timeout_and_its_result_clears_it(settings, monkeypatch):
    settings.WEBHOOK_TIMEOUT_SECONDS = 3
    seen = {}
    real_post = webhook_http.post

    def post(**kwargs):
        seen["row"] = WebhookDelivery.objects.values("claimed_until", "next_attempt_at").get()
        seen["timeout"] = kwargs["timeout"]
        return real_post(**kwargs)

    monkeypatch.setattr(webhook_http, "post", post)
    with Receiver(fail_first=1) as receiver:
        _endpoint(receiver.url)
        delivery = webhooks.webhook_emit(kind="match.accepted", data={}).deliveries.get()
        before = timezone.now()
        assert webhooks.webhook_delivery_attempt(delivery_id=delivery.pk) == webhooks.Attempt(
            delivered=False, retry_in=settings.WEBHOOK_RETRY_BASE_SECONDS
        )
        lease = webhooks.webhook_claim_lease()
        assert lease == datetime.timedelta(seconds=6)
        assert seen["timeout"] < lease.total_seconds()
        claimed_until = seen["row"]["claimed_until"]
        assert claimed_until == seen["row"]["next_attempt_at"]
        assert before + lease <= claimed_until <= timezone.now() + lease
        delivery.refresh_from_db()
        assert delivery.claimed_until is None  # the failure was recorded: a backoff wait
        assert delivery.next_attempt_at > timezone.now() + lease
        # A duplicate message during the backoff does nothing, as before.
        assert webhooks.webhook_delivery_attempt(delivery_id=delivery.pk) is None

        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        assert webhooks.webhook_delivery_attempt(delivery_id=delivery.pk).delivered
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.claimed_until) == ("delivered", 2, None)
    assert len(receiver.requests) == 2


def test_a_killed_attempt_is_in_flight_until_its_lease_ends_then_sent_again(
    settings, monkeypatch, queued
):
    settings.WEBHOOK_TIMEOUT_SECONDS = 3
    real_post = webhook_http.post

    def killed(**kwargs):
        raise Killed

    with Receiver() as receiver:
        endpoint = _endpoint(receiver.url)
        delivery = webhooks.webhook_emit(kind="match.accepted", data={}).deliveries.get()
        monkeypatch.setattr(webhook_http, "post", killed)
        with pytest.raises(Killed):  # claimed (committed), then killed before the POST
            tasks.webhook_deliver(delivery.pk)
        monkeypatch.setattr(webhook_http, "post", real_post)
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == ("pending", 1)
        assert delivery.claimed_until is not None

        # The message redelivered (or a duplicate) while the lease lasts: in flight, look again
        # when it ends, not dropped.
        lease = webhooks.webhook_claim_lease().total_seconds()
        attempt = webhooks.webhook_delivery_attempt(delivery_id=delivery.pk)
        assert attempt.in_flight and not attempt.delivered
        assert 0 < attempt.retry_in <= lease
        assert tasks.webhook_deliver(delivery.pk) == "in flight"
        [(queued_id, countdown)] = queued
        assert queued_id == delivery.pk and 0 < countdown <= lease
        assert receiver.requests == []
        delivery.refresh_from_db()
        assert delivery.attempts == 1

        # The lease ends without a result: the next message claims it again and sends it.
        expired = timezone.now() - datetime.timedelta(seconds=1)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            claimed_until=expired, next_attempt_at=expired
        )
        assert tasks.webhook_deliver(delivery.pk) == "delivered"
        assert tasks.webhook_deliver(delivery.pk) == "skipped"

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.claimed_until) == ("delivered", 2, None)
    [received] = receiver.requests
    assert received["headers"]["webhook-id"] == f"msg_{delivery.event.uid.hex}"
    assert verify(endpoint.secret, received["headers"], received["body"])


def test_a_late_result_after_the_delivery_was_settled_changes_nothing():
    """An attempt that outlived its lease (a receiver answering very slowly) while a
    second attempt delivered: its late failure neither reopens the delivery nor counts."""
    with Receiver() as receiver:
        endpoint = _endpoint(receiver.url)
        delivery = webhooks.webhook_emit(kind="match.accepted", data={}).deliveries.get()
        assert webhooks.webhook_delivery_attempt(delivery_id=delivery.pk).delivered
    before = WebhookDelivery.objects.values().get(pk=delivery.pk)
    late = webhooks._record(delivery_id=delivery.pk, status_code=None, error="TimeoutError")
    assert late == webhooks.Attempt(delivered=True, retry_in=None)
    assert WebhookDelivery.objects.values().get(pk=delivery.pk) == before
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0

"""Webhooks: endpoints, the outbox (one event, one delivery per endpoint) and one attempt.

``webhook_emit`` is the one way an app announces an event. It writes the
event and its deliveries in the caller's transaction (a rolled-back accept
announces nothing) and, once that commits, sends
``mentorship.signals.webhook_deliveries_created``; the receiver queues
``mentorship.tasks.webhook_deliver`` for each delivery.

``webhook_delivery_attempt`` makes one attempt and says whether to retry and
when: exponential backoff (``WEBHOOK_RETRY_BASE_SECONDS`` × 2^(attempt-1))
up to ``WEBHOOK_MAX_ATTEMPTS``. An endpoint whose attempts fail
``WEBHOOK_DISABLE_AFTER_FAILURES`` times in a row is disabled (its pending
deliveries fail) and the staff who registered it are told.

An attempt claims its delivery for a short lease (``webhook_claim_lease``,
twice the POST's timeout) before it POSTs, and its result clears the claim.
A duplicate message during the lease is told the attempt is in flight and to
look again when the lease ends; a lease that ended without a result is a
worker that died mid-attempt, and the next message (a redelivered one, or the
sweep's) claims it again at once. A POST that went out but whose result was
never recorded is therefore sent again: delivery is at least once, and
receivers drop duplicates by ``webhook-id``.
"""

from __future__ import annotations

import datetime
import json
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mentorship.errors import Refusal
from mentorship.events import event_kind_known, event_kinds
from mentorship.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from mentorship.notifications import notify
from mentorship.signals import webhook_deliveries_created

from . import webhook_http

USER_AGENT = "Mentorship-Webhooks/1"


class WebhookRefused(Refusal):
    default_code = "webhook_refused"


def _setting(name: str, default):
    return getattr(settings, name, default)


def _clean_events(events) -> list[str]:
    events = sorted(set(events or []))
    if not events:
        raise WebhookRefused("Pick at least one event.", field="events", code="webhook_events")
    unknown = [e for e in events if not event_kind_known(e)]
    if unknown:
        known = ", ".join(k.kind for k in event_kinds())
        raise WebhookRefused(
            f"Unknown event {', '.join(unknown)}. Known events: {known}.",
            field="events",
            code="webhook_events",
        )
    return events


@transaction.atomic
def webhook_endpoint_create(*, by, url: str, events, description: str = "") -> WebhookEndpoint:
    webhook_http.target_check(url)
    endpoint = WebhookEndpoint(
        url=url,
        events=_clean_events(events),
        description=(description or "").strip()[:200],
        secret=webhook_http.secret_generate(),
        created_by=by,
    )
    endpoint.full_clean()
    endpoint.save()
    return endpoint


@transaction.atomic
def webhook_endpoint_update(
    *, endpoint: WebhookEndpoint, url: str, events, description: str = ""
) -> WebhookEndpoint:
    webhook_http.target_check(url)
    endpoint.url = url
    endpoint.events = _clean_events(events)
    endpoint.description = (description or "").strip()[:200]
    endpoint.full_clean()
    endpoint.save()
    return endpoint


@transaction.atomic
def webhook_endpoint_enable(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    endpoint.is_active = True
    endpoint.disabled_reason = ""
    endpoint.consecutive_failures = 0
    endpoint.save(update_fields=["is_active", "disabled_reason", "consecutive_failures"])
    return endpoint


@transaction.atomic
def webhook_endpoint_disable(*, endpoint: WebhookEndpoint, reason: str) -> WebhookEndpoint:
    endpoint.is_active = False
    endpoint.disabled_reason = reason[:200]
    endpoint.save(update_fields=["is_active", "disabled_reason"])
    WebhookDelivery.objects.filter(endpoint=endpoint, status=WebhookDelivery.Status.PENDING).update(
        status=WebhookDelivery.Status.FAILED,
        next_attempt_at=None,
        claimed_until=None,
        last_error="endpoint disabled",
    )
    return endpoint


@transaction.atomic
def webhook_endpoint_rotate_secret(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    endpoint.secret = webhook_http.secret_generate()
    endpoint.save(update_fields=["secret"])
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    endpoint.delete()


def _json_ready(data) -> dict:
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


@transaction.atomic
def webhook_emit(*, kind: str, data: dict) -> WebhookEvent | None:
    """Announce ``kind`` with ``data`` to every active endpoint subscribed to it.

    Returns the event, or None when no endpoint listens (nothing is stored).
    """
    if not event_kind_known(kind):
        raise ValueError(f"webhook event kind {kind!r} is not registered")
    endpoints = [e for e in WebhookEndpoint.objects.filter(is_active=True) if kind in e.events]
    if not endpoints:
        return None
    now = timezone.now()
    event = WebhookEvent.objects.create(
        uid=uuid.uuid4(),
        kind=kind,
        payload={"type": kind, "timestamp": now.isoformat(), "data": _json_ready(data)},
    )
    deliveries = WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(event=event, endpoint=e, next_attempt_at=now) for e in endpoints]
    )
    ids = [d.pk for d in deliveries]
    transaction.on_commit(
        lambda: webhook_deliveries_created.send(sender=WebhookDelivery, delivery_ids=ids),
        robust=True,
    )
    return event


@dataclass(frozen=True)
class Attempt:
    delivered: bool
    retry_in: float | None  # seconds until the next attempt, None: no more attempts
    in_flight: bool = False  # another attempt holds the claim: look again after its lease


# How long after a live lease's end a duplicate message looks again.
IN_FLIGHT_MARGIN_SECONDS = 1.0


def _timeout_seconds() -> float:
    return float(_setting("WEBHOOK_TIMEOUT_SECONDS", 5))


def webhook_claim_lease() -> datetime.timedelta:
    """How long an attempt's claim holds: twice the POST's timeout, so a live
    attempt records its result first and a killed one is retried soon after."""
    return datetime.timedelta(seconds=2 * _timeout_seconds())


def _headers(delivery: WebhookDelivery, body: bytes) -> dict[str, str]:
    msg_id = f"msg_{delivery.event.uid.hex}"
    timestamp = int(timezone.now().timestamp())
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": webhook_http.sign(
            secret=delivery.endpoint.secret, msg_id=msg_id, timestamp=timestamp, body=body
        ),
    }


def webhook_delivery_attempt(*, delivery_id: int) -> Attempt | None:
    """One attempt at a pending delivery; None when there is nothing to do (already
    delivered, failed, endpoint disabled, or waiting out a backoff: a duplicate task).

    While another attempt's lease lasts, an ``in_flight`` result says when to
    look again; an expired lease (its worker died) is claimed again at once.
    """
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("event", "endpoint")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
            return None
        endpoint = delivery.endpoint
        if not endpoint.is_active:
            return None
        now = timezone.now()
        lease = webhook_claim_lease()
        if delivery.claimed_until is not None and delivery.claimed_until > now:
            left = (delivery.claimed_until - now).total_seconds()
            retry_in = min(left + IN_FLIGHT_MARGIN_SECONDS, lease.total_seconds())
            return Attempt(delivered=False, retry_in=retry_in, in_flight=True)
        if (
            delivery.claimed_until is None
            and delivery.next_attempt_at
            and delivery.next_attempt_at > now + datetime.timedelta(seconds=1)
        ):
            return None
        # Claim the attempt for one lease, committed before the POST: a duplicate
        # message finds it in flight; if this worker dies, the lease runs out.
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.claimed_until = delivery.next_attempt_at = now + lease
        delivery.save(
            update_fields=["attempts", "last_attempt_at", "next_attempt_at", "claimed_until"]
        )

    body = json.dumps(delivery.event.payload, separators=(",", ":")).encode()
    status_code, error = None, ""
    try:
        target = webhook_http.target_check(endpoint.url)
        status_code = webhook_http.post(
            target=target,
            headers=_headers(delivery, body),
            body=body,
            timeout=_timeout_seconds(),  # half the lease
        )
        if not 200 <= status_code < 300:
            error = f"HTTP {status_code}"
    except Refusal as refusal:
        error = refusal.message
    except OSError as exc:  # connection refused, timeout, TLS failure
        error = f"{type(exc).__name__}: {exc}"
    return _record(delivery_id=delivery.pk, status_code=status_code, error=error)


@transaction.atomic
def _record(*, delivery_id: int, status_code: int | None, error: str) -> Attempt:
    delivery = (
        WebhookDelivery.objects.select_for_update().select_related("endpoint").get(pk=delivery_id)
    )
    if delivery.status != WebhookDelivery.Status.PENDING:
        # The late result of an attempt that outlived its lease, after another attempt
        # settled the delivery: what is settled stays settled, no failure counted.
        return Attempt(delivered=delivery.status == WebhookDelivery.Status.DELIVERED, retry_in=None)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
    now = timezone.now()
    delivery.claimed_until = None
    delivery.last_status_code = status_code
    delivery.last_error = error[:300]
    if not error:
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
        delivery.save()
        if endpoint.consecutive_failures:
            endpoint.consecutive_failures = 0
            endpoint.save(update_fields=["consecutive_failures"])
        return Attempt(delivered=True, retry_in=None)

    endpoint.consecutive_failures += 1
    endpoint.save(update_fields=["consecutive_failures"])
    retry_in = None
    if delivery.attempts < _setting("WEBHOOK_MAX_ATTEMPTS", 6):
        retry_in = _setting("WEBHOOK_RETRY_BASE_SECONDS", 30) * 2 ** (delivery.attempts - 1)
        delivery.next_attempt_at = now + datetime.timedelta(seconds=retry_in)
    else:
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.next_attempt_at = None
    delivery.save()
    if endpoint.is_active and endpoint.consecutive_failures >= _setting(
        "WEBHOOK_DISABLE_AFTER_FAILURES", 10
    ):
        reason = f"Disabled after {endpoint.consecutive_failures} failed attempts in a row."
        webhook_endpoint_disable(endpoint=endpoint, reason=reason)
        if endpoint.created_by_id and endpoint.created_by.is_active:
            notify(
                user=endpoint.created_by,
                kind="webhook_disabled",
                title=f"Webhook disabled: {endpoint.url}"[:200],
                body=f"{reason} Last error: {error}",
                url=reverse("matching:webhook_detail", args=[endpoint.pk]),
            )
        retry_in = None
    return Attempt(delivered=False, retry_in=retry_in)

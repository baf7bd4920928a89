"""A real Celery worker sends a webhook: it fails twice at the receiver, the worker
retries with backoff (new messages with a countdown on its own queue), and the third
attempt is delivered, signed. The worker is a separate process on the test database."""

import pytest

from mentorship.models import WebhookDelivery
from mentorship.services import webhooks
from safety.roles import PROGRAMME_MANAGER
from tests.factories import staff_user
from tests.matching.test_worker_kill import Broker
from tests.mentorship.test_webhooks import Receiver, verify
from tests.workers import stop_worker, wait_for


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["filesystem", pytest.param("redis", marks=pytest.mark.redis)])
def test_a_worker_retries_with_backoff_until_delivered(kind, tmp_path):
    broker = Broker(kind, tmp_path / "worker")
    broker.env.update(
        WEBHOOK_RETRY_BASE_SECONDS="1", WEBHOOK_MAX_ATTEMPTS="5", WEBHOOK_DISABLE_AFTER_FAILURES="5"
    )
    log = tmp_path / "worker.log"
    with Receiver(fail_first=2) as receiver:
        endpoint = webhooks.webhook_endpoint_create(
            by=staff_user(PROGRAMME_MANAGER), url=receiver.url, events=["match.accepted"]
        )
        event = webhooks.webhook_emit(kind="match.accepted", data={"mentorship": {"id": 1}})
        delivery = event.deliveries.get()
        worker = broker.start_worker("hooks", log)
        try:
            broker.client.send_task(
                "mentorship.tasks.webhook_deliver", args=[delivery.pk], queue=broker.queue
            )
            wait_for(
                lambda: WebhookDelivery.objects.get(pk=delivery.pk).status == "delivered",
                timeout=90,
                what="the delivery",
                workers=[worker],
                logs=[log],
            )
        finally:
            stop_worker(worker)

    delivery.refresh_from_db()
    assert delivery.attempts == 3
    assert len(receiver.requests) == 3
    # (The backoff schedule itself is asserted without a clock in test_webhooks.py.)
    ids = {r["headers"]["webhook-id"] for r in receiver.requests}
    assert ids == {f"msg_{event.uid.hex}"}  # the same message id on every retry
    last = receiver.requests[-1]
    assert verify(endpoint.secret, last["headers"], last["body"])
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.consecutive_failures == 0

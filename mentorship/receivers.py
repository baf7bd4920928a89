"""Core receivers: they only schedule work."""

from __future__ import annotations

import logging

from kombu.exceptions import OperationalError as BrokerUnavailable

logger = logging.getLogger(__name__)


def on_webhook_deliveries_created(sender, delivery_ids: list[int], **kwargs) -> None:
    from mentorship.tasks import webhook_deliver

    for delivery_id in delivery_ids:
        try:
            webhook_deliver.delay(delivery_id)
        except BrokerUnavailable:
            # The delivery row stays pending; the sweep (webhook_sweep) sends it later.
            logger.warning("broker unavailable: webhook delivery %s not queued", delivery_id)

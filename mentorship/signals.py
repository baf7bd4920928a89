"""Core signals. A signal only schedules work (receivers queue tasks)."""

from django.dispatch import Signal

# Sent once the transaction that created webhook deliveries commits;
# ``delivery_ids`` is a list of WebhookDelivery ids to send.
webhook_deliveries_created = Signal()

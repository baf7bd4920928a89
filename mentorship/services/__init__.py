"""Core writes: API tokens and the webhook outbox.

Notifications (``mentorship.notifications``) predate this package and stay
where they are. Services never import Celery or tasks: creating deliveries
sends ``webhook_deliveries_created`` on commit, and ``mentorship.receivers``
queues the sending task.
"""

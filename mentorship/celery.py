"""The Celery application.

Configuration lives in Django settings under the ``CELERY_`` namespace
(see ``mentorship/settings/base.py``), so the broker is Redis when
``REDIS_URL`` is set and kombu's filesystem transport under ``var/``
otherwise. Tasks are discovered from each app's ``tasks.py``.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings.base")

# DjangoTask gives every task ``delay_on_commit``: callers queue after their
# transaction commits, so a worker never reads rows that are not there yet.
app = Celery("mentorship", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="mentorship.ping")
def ping(value: str = "pong") -> str:
    """A trivial task used by health checks and the worker integration tests."""
    return value

"""The Celery application.

Configuration lives in Django settings under the ``CELERY_`` namespace
(see ``mentorship/settings/base.py``), so the broker is Redis when
``REDIS_URL`` is set and kombu's filesystem transport under ``var/``
otherwise. Tasks are discovered from each app's ``tasks.py``.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings.base")

app = Celery("mentorship")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="mentorship.ping")
def ping(value: str = "pong") -> str:
    """A trivial task used by health checks and the worker integration tests."""
    return value

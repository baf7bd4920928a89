"""The project's Celery app for a worker that stops at a chosen point so a test can kill it there.

``tests/security/test_crashes.py`` starts it as ``celery -A tests.crash_worker worker``
with, in the environment:

* ``OUTBOX_DIR``: every email is written there as one JSON file per message
  (:class:`OutboxBackend`), so the test counts what was really sent;
* ``HOLD_MARKER``: where to say "I am held" (JSON: task, pid, what, count,
  whether a transaction is open); the worker holds once, the first time the
  point is reached, and never again once the marker exists (a pool child
  that replaces a killed one runs on);
* ``HOLD_TASK``: the task (by name) in which to hold;
* ``HOLD_AT``: ``sql:<text>``: right after the (N+1)th statement containing
  ``<text>`` (inside its transaction, nothing committed), ``mail``: right
  before the (N+1)th email leaves (its claim committed, the mail not sent), or
  ``webhook``: right before the (N+1)th webhook POST (its delivery's claim
  committed, nothing sent), counted across the pool child's tasks;
* ``HOLD_AFTER``: N.

So a kill lands at a known point, read back from the rows, not where a timer
fires. Adding a crash case for another task is an environment:
``HOLD_TASK=<its name>``, ``HOLD_AT=sql:<its claim table>`` or a hold in its
sender like the mail and webhook ones here.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path

from celery.signals import task_postrun, task_prerun, worker_init
from django.core.mail.backends.base import BaseEmailBackend

from mentorship.celery import app

__all__ = ["OutboxBackend", "app"]

MARKER = os.environ.get("HOLD_MARKER", "")
HOLD_TASK = os.environ.get("HOLD_TASK", "")
HOLD_AT = os.environ.get("HOLD_AT", "")
HOLD_AFTER = int(os.environ.get("HOLD_AFTER", "0"))
_state = {"count": 0, "task": None}


def _hold(what: str) -> None:
    """Write the marker (once, atomically) and wait to be killed."""
    from django.db import connection

    try:
        fd = os.open(f"{MARKER}.claim", os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return  # held once already (by this process or a killed one): run on
    os.close(fd)
    state = {
        "task": _state["task"],
        "pid": os.getpid(),
        "what": what,
        "count": _state["count"],
        "in_transaction": connection.in_atomic_block,
    }
    partial = Path(f"{MARKER}.partial")
    partial.write_text(json.dumps(state))
    partial.replace(MARKER)  # the test never reads half a marker
    while True:  # until the test kills this process
        time.sleep(1)


def _reached(what: str) -> None:
    if not MARKER or _state["task"] != HOLD_TASK:
        return
    _state["count"] += 1
    if _state["count"] > HOLD_AFTER:
        _hold(what)


class OutboxBackend(BaseEmailBackend):
    """One JSON file per message in ``OUTBOX_DIR``, written atomically (a kill leaves none)."""

    def send_messages(self, email_messages):
        folder = Path(os.environ["OUTBOX_DIR"])
        for message in email_messages:
            if HOLD_AT == "mail":
                _reached("mail")
            record = {
                "to": message.to,
                "subject": message.subject,
                "message_id": message.extra_headers.get("Message-ID", ""),
                "pid": os.getpid(),
            }
            name = uuid.uuid4().hex
            partial = folder / f"{name}.partial"
            partial.write_text(json.dumps(record))
            partial.replace(folder / f"{name}.json")
        return len(email_messages)


@worker_init.connect
def _mail_to_the_outbox(**kwargs):
    from django.conf import settings

    settings.EMAIL_BACKEND = "tests.crash_worker.OutboxBackend"


@worker_init.connect
def _hold_before_webhook_posts(**kwargs):
    """Wrap the webhook sender in the main process; the pool child forks with it."""
    if HOLD_AT != "webhook":
        return
    from mentorship.services import webhook_http

    post = webhook_http.post

    def held_post(**post_kwargs):
        _reached("webhook")
        return post(**post_kwargs)

    webhook_http.post = held_post


def _hold_after_statement(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if HOLD_AT.startswith("sql:") and HOLD_AT[4:] in sql:
        _reached(f"after {HOLD_AT[4:]}")
    return result


@task_prerun.connect
def _enter_task(sender=None, **kwargs):
    if sender is None:
        return
    _state["task"] = sender.name
    if MARKER and sender.name == HOLD_TASK and HOLD_AT.startswith("sql:"):
        from django.db import connection

        connection.execute_wrappers.append(_hold_after_statement)


@task_postrun.connect
def _leave_task(sender=None, **kwargs):
    from django.db import connection

    _state["task"] = None
    if _hold_after_statement in connection.execute_wrappers:
        connection.execute_wrappers.remove(_hold_after_statement)

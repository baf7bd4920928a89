"""Crashes: a real worker on Redis is SIGKILLed in the middle of a task; nothing is lost or doubled.

Each case runs a task on a prefork worker (one pool child, as in production)
started from ``tests/crash_worker.py``, which holds at a chosen point of the
task and says so in a marker file; the test checks from the rows that the
kill lands mid-task, then kills

* ``worker``: the whole worker, main process and pool child (``kill_worker``:
  the process group, as a container stop or a cgroup's OOM killer does). A
  new worker is started and the task dispatched again, as its beat entry (or
  ``match_run_resume`` for a run) does next; Redis itself hands the lost
  message back only after the visibility timeout (an hour);
* ``pool_child``: only the pool child running the task. The main process
  sees it die and, with ``task_acks_late`` + ``task_reject_on_worker_lost``,
  puts the message back; a new child runs it again with nothing dispatched.

Then all the work must be done within ``FINISH_SECONDS`` of the restart (of
the new worker being ready, or of the child's death; a liveness bound, not a
speed claim), exactly once: the suggestions of a clean
run, one reminder and one email per person and session, one digest row and
one email per person, one POST per webhook delivery. Emails are counted in
the worker's file outbox, one file per message. Each case prints a ``CRASH {...}`` line with its figures
(``-s`` shows them; docs/security.md "Crashes" records them).

The points held:

* full run: inside the fourth chunk's transaction, right after its
  suggestions are inserted (nothing of the chunk committed);
* reminders, digest: right before the fifth / fourth email leaves, its claim
  (``SessionReminder`` + notification, ``EmailDigest``) already committed:
  the window in which a mail used to be lost (the claim said "sent", the
  mail never went). The outbox (``Notification.email_pending``,
  ``EmailDigest.sent_at`` set in the transaction that mails) closes it.

* webhooks: right before the third delivery's POST (three
  ``mentorship.tasks.webhook_deliver`` messages, as ``webhook_emit``'s signal
  queues them), its claim committed. After a whole-worker kill the next beat
  tick is ``webhook_sweep``, which queues the claimed delivery for when its
  lease (twice ``WEBHOOK_TIMEOUT_SECONDS``, 2 s for this worker) ends; after a
  pool-child kill the redelivered message finds the claim, waits out the
  lease and sends it. POSTs are counted by a receiver on 127.0.0.1 in this
  process, by ``webhook-id``.
"""

from __future__ import annotations

import datetime
import json
import os
import signal
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from matching import services as matching_services
from matching.models import MatchRun, MatchRunChunk, Suggestion
from mentorship import tasks
from mentorship.models import EmailDigest, Notification, WebhookDelivery
from mentorship.notifications import notify
from mentorship.services import webhooks
from safety.roles import PROGRAMME_MANAGER
from sessions.models import SessionReminder
from tests.factories import EmailPreferenceFactory, UserFactory, community, staff_user
from tests.mentorship.test_webhooks import Receiver, verify
from tests.sessions.helpers import book_confirmed, pair
from tests.workers import Broker, kill_worker, stop_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

FINISH_SECONDS = 15
HOLD_SECONDS = 180  # the held worker may be slow to start on a loaded machine
CHUNK = 3
SESSIONS = 6
DIGEST_PEOPLE = 8
WEBHOOKS = 3


def _outbox(folder: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]


@dataclass
class Case:
    """One task to crash: how to set it up, start it, where to hold, and what "done" is."""

    task: str
    hold_at: str
    hold_after: int
    arrange: Callable[[], Any]
    dispatch: Callable[[Broker, Any], None]
    mid_task: Callable[[Any, Path], None]  # asserts the kill lands mid-task
    done: Callable[[Any, Path], bool]
    exactly_once: Callable[[Any, Path], None]
    # What the next beat tick sends after a whole-worker kill (default: dispatch again).
    redispatch: Callable[[Broker, Any], None] | None = None
    # What left the worker (figures): emails in the outbox, unless the case says otherwise.
    sent: Callable[[Any, Path], int] = lambda state, outbox: len(_outbox(outbox))
    env: dict[str, str] = field(default_factory=dict)  # for the worker
    teardown: Callable[[Any], None] = lambda state: None


# --- full scoring run --------------------------------------------------------------


def _run_pairs(run):
    return sorted(Suggestion.objects.filter(run=run).values_list("mentee_id", "mentor_id", "rank"))


def _arrange_run():
    community(mentors=12, mentees=90, seed=5)
    clean = matching_services.match_run_execute_inline(
        run=matching_services.match_run_start(chunk_size=CHUNK)
    )
    assert clean.status == MatchRun.Status.SUCCEEDED, clean.error
    expected = _run_pairs(clean)
    assert expected
    return {"run": matching_services.match_run_start(chunk_size=CHUNK), "expected": expected}


def _run_mid_task(state, outbox):
    run = MatchRun.objects.get(pk=state["run"].pk)
    done = MatchRunChunk.objects.filter(run=run, done_at__isnull=False).count()
    assert run.status == MatchRun.Status.RUNNING
    assert 0 < done < run.chunks_total, "the worker must die mid-run"


def _run_done(state, outbox):
    return MatchRun.objects.filter(pk=state["run"].pk, status__in=["succeeded", "failed"]).exists()


def _run_exactly_once(state, outbox):
    run = MatchRun.objects.get(pk=state["run"].pk)
    assert run.status == MatchRun.Status.SUCCEEDED, run.error
    assert run.chunks_done == run.chunks_total
    assert _run_pairs(run) == state["expected"]  # none missing, none extra, same ranks
    current = Counter(
        Suggestion.objects.filter(is_current=True).values_list("mentee_id", "mentor_id")
    )
    assert max(current.values()) == 1


# --- session reminders -------------------------------------------------------------


def _arrange_reminders():
    soon = timezone.now() + datetime.timedelta(hours=3)
    sessions = []
    for n in range(SESSIONS):
        _, _, mentorship = pair()
        sessions.append(book_confirmed(mentorship, soon + datetime.timedelta(hours=2 * n)))
    return {"sessions": sessions}


def _reminder_recipients(state):
    return sorted((s.pk, user.email) for s in state["sessions"] for user in (s.mentor, s.mentee))


def _reminders_mid_task(state, outbox):
    claimed = SessionReminder.objects.count()
    assert 0 < len(_outbox(outbox)) < claimed <= 2 * SESSIONS


def _reminders_done(state, outbox):
    return SessionReminder.objects.count() == 2 * SESSIONS and len(_outbox(outbox)) >= 2 * SESSIONS


def _reminders_exactly_once(state, outbox):
    rows = sorted(
        SessionReminder.objects.values_list("session_id", "user__email", "kind").order_by()
    )
    assert [(s, e) for s, e, _ in rows] == _reminder_recipients(state)
    assert {kind for _, _, kind in rows} == {"day"}
    mails = [
        m for m in _outbox(outbox) if "is tomorrow" in m["subject"] or "in an hour" in m["subject"]
    ]
    assert len(mails) == 2 * SESSIONS, mails
    assert Counter((m["to"][0], m["subject"]) for m in mails).most_common(1)[0][1] == 1
    assert len({m["message_id"] for m in mails}) == 2 * SESSIONS
    assert not Notification.objects.filter(email_pending=True).exists()


# --- daily digest ------------------------------------------------------------------


def _arrange_digests():
    people = []
    for n in range(DIGEST_PEOPLE):
        user = UserFactory(name=f"Digest Reader {n}")
        EmailPreferenceFactory(user=user, kind="request_received", delivery="digest")
        for item in range(2):
            notify(user=user, kind="request_received", title=f"Request {item} for {n}", url="/")
        people.append(user)
    return {"emails": sorted(u.email for u in people)}


def _digests_mid_task(state, outbox):
    claimed = EmailDigest.objects.count()
    assert 0 < len(_outbox(outbox)) < claimed <= DIGEST_PEOPLE


def _digests_done(state, outbox):
    return EmailDigest.objects.filter(sent_at__isnull=False).count() == DIGEST_PEOPLE


def _digests_exactly_once(state, outbox):
    assert sorted(EmailDigest.objects.values_list("user__email", flat=True)) == state["emails"]
    assert not EmailDigest.objects.filter(sent_at__isnull=True).exists()
    mails = _outbox(outbox)
    assert sorted(m["to"][0] for m in mails) == state["emails"]  # one each, nobody twice
    assert all(m["subject"].endswith("Your daily digest: 2 updates") for m in mails)
    assert not Notification.objects.filter(awaiting_digest=True).exists()


# --- webhook deliveries -------------------------------------------------------------


def _arrange_webhooks():
    receiver = Receiver().__enter__()
    try:
        endpoint = webhooks.webhook_endpoint_create(
            by=staff_user(PROGRAMME_MANAGER), url=receiver.url, events=["match.accepted"]
        )
        queued = []  # what webhook_emit's signal queues, sent to the worker's queue by dispatch
        with mock.patch.object(tasks.webhook_deliver, "delay", queued.append):
            events = [
                webhooks.webhook_emit(kind="match.accepted", data={"n": n}) for n in range(WEBHOOKS)
            ]
    except BaseException:
        receiver.__exit__(None, None, None)
        raise
    assert len(queued) == WEBHOOKS
    return {
        "receiver": receiver,
        "secret": endpoint.secret,
        "deliveries": queued,
        "webhook_ids": sorted(f"msg_{e.uid.hex}" for e in events),
    }


def _webhooks_dispatch(broker, state):
    for delivery_id in state["deliveries"]:
        broker.send("mentorship.tasks.webhook_deliver", delivery_id)


def _webhook_rows(state):
    return list(WebhookDelivery.objects.filter(pk__in=state["deliveries"]))


def _webhooks_mid_task(state, outbox):
    rows = _webhook_rows(state)
    delivered = [d for d in rows if d.status == "delivered"]
    claimed = [d for d in rows if d.status == "pending" and d.claimed_until is not None]
    assert len(delivered) == WEBHOOKS - 1
    assert len(claimed) == 1 and claimed[0].attempts == 1
    assert len(state["receiver"].requests) == WEBHOOKS - 1
    state["held"] = claimed[0].pk


def _webhooks_done(state, outbox):
    return all(d.status == "delivered" for d in _webhook_rows(state))


def _webhooks_exactly_once(state, outbox):
    requests = state["receiver"].requests
    assert sorted(r["headers"]["webhook-id"] for r in requests) == state["webhook_ids"]
    assert all(verify(state["secret"], r["headers"], r["body"]) for r in requests)
    attempts = {d.pk: (d.status, d.attempts, d.claimed_until) for d in _webhook_rows(state)}
    assert attempts == {
        pk: ("delivered", 2 if pk == state["held"] else 1, None) for pk in state["deliveries"]
    }


CASES = {
    "full_run": Case(
        task="matching.tasks.score_chunk",
        # right after a chunk's rows went in (one COPY, outside Django's statement hooks),
        # before its transaction commits
        hold_at='sql:UPDATE "matching_matchrunchunk" SET "suggestions_count"',
        hold_after=3,
        arrange=_arrange_run,
        dispatch=lambda broker, state: broker.start_run(state["run"].pk),
        mid_task=_run_mid_task,
        done=_run_done,
        exactly_once=_run_exactly_once,
    ),
    "reminders": Case(
        task="sessions.tasks.send_reminders",
        hold_at="mail",
        hold_after=4,
        arrange=_arrange_reminders,
        dispatch=lambda broker, state: broker.send("sessions.tasks.send_reminders"),
        mid_task=_reminders_mid_task,
        done=_reminders_done,
        exactly_once=_reminders_exactly_once,
    ),
    "digest": Case(
        task="mentorship.tasks.send_daily_digests",
        hold_at="mail",
        hold_after=3,
        arrange=_arrange_digests,
        dispatch=lambda broker, state: broker.send("mentorship.tasks.send_daily_digests"),
        mid_task=_digests_mid_task,
        done=_digests_done,
        exactly_once=_digests_exactly_once,
    ),
    "webhooks": Case(
        task="mentorship.tasks.webhook_deliver",
        hold_at="webhook",
        hold_after=WEBHOOKS - 1,
        arrange=_arrange_webhooks,
        dispatch=_webhooks_dispatch,
        redispatch=lambda broker, state: broker.send("mentorship.tasks.webhook_sweep"),
        mid_task=_webhooks_mid_task,
        done=_webhooks_done,
        exactly_once=_webhooks_exactly_once,
        sent=lambda state, outbox: len(state["receiver"].requests),
        env={"WEBHOOK_TIMEOUT_SECONDS": "2"},  # claims' lease: 4 s
        teardown=lambda state: state["receiver"].__exit__(None, None, None),
    ),
}


@pytest.mark.parametrize("kill", ["worker", "pool_child"])
@pytest.mark.parametrize("name", list(CASES))
def test_a_killed_worker_loses_and_doubles_nothing(name, kill, tmp_path, settings, request):
    case = CASES[name]
    settings.VAR_DIR = tmp_path / "inline"
    state = case.arrange()
    request.addfinalizer(lambda: case.teardown(state))
    broker = Broker("redis", tmp_path / "worker", prefix=f"test-crash-{name}")
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    marker = tmp_path / "held.json"
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    env = {"OUTBOX_DIR": str(outbox), "HOLD_MARKER": str(marker), "HOLD_TASK": case.task}
    env |= {"HOLD_AT": case.hold_at, "HOLD_AFTER": str(case.hold_after), **case.env}
    first = broker.start_worker("first", logs[0], app="tests.crash_worker", pool="prefork", **env)
    second = None
    try:
        case.dispatch(broker, state)
        wait_for(
            marker.exists,
            timeout=HOLD_SECONDS,
            what=f"the worker to hold in {case.task} at {case.hold_at}",
            workers=[first],
            logs=logs,
        )
        held = json.loads(marker.read_text())
        assert held["task"] == case.task
        assert held["pid"] != first.pid, "prefork: the task runs in the pool child"
        case.mid_task(state, outbox)
        sent_before = case.sent(state, outbox)

        if kill == "worker":
            kill_worker(first)
            assert first.returncode == -signal.SIGKILL
            restarted = time.monotonic()
            second = broker.start_worker(
                "second", logs[1], app="tests.crash_worker", pool="prefork", **env
            )
            # The bound runs from the new worker being up: its start (Python, Django,
            # Celery) is the machine's, not the application's, and varies with load.
            wait_for(
                lambda: " ready." in logs[1].read_text(),
                timeout=HOLD_SECONDS,
                what="the new worker to be ready",
                workers=[second],
                logs=logs,
            )
            startup = time.monotonic() - restarted
            started = time.monotonic()
            (case.redispatch or case.dispatch)(broker, state)  # next beat tick / run's resume
            alive = [second]
        else:
            os.kill(held["pid"], signal.SIGKILL)
            started, startup = time.monotonic(), 0.0
            alive = [first]  # the main process lives on and replaces its child

        wait_for(
            lambda: case.done(state, outbox),
            timeout=FINISH_SECONDS,
            what=f"{name} to finish after the {kill} was killed",
            workers=alive,
            logs=logs,
        )
        seconds = time.monotonic() - started
    finally:
        stop_worker(first)
        if second is not None:
            stop_worker(second)

    case.exactly_once(state, outbox)
    figures = {
        "case": name,
        "killed": kill,
        "processes_killed": 2 if kill == "worker" else 1,
        "sent_before_kill": sent_before,  # emails, or webhook POSTs
        "sent_total": case.sent(state, outbox),
        "worker_start_seconds": round(startup, 2),
        "seconds_to_finish": round(seconds, 2),
    }
    print("CRASH " + json.dumps(figures))

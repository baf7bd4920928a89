"""Reminders, nudges and message digests: what the beat tasks call.

Exactly once, also when a task runs twice or two workers run it at once, or
its worker is killed (the emails go through the notification outbox,
``Notification.email_pending``, and the reminder run first sends what a killed
run still owed):

* a reminder is claimed by inserting its unique ``SessionReminder`` row in
  its own transaction, together with the notification; a second caller's
  insert waits for the first and then fails on the unique constraint, so it
  sends nothing;
* a nudge is claimed the same way with ``MentorshipNudge`` (one per quiet
  period);
* a message digest claims its messages with a conditional ``UPDATE … SET
  notified_at WHERE notified_at IS NULL``: only the caller that changed the
  rows mails them.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, Min, OuterRef, Q
from django.utils import timezone

from matching.models import Format, Mentorship
from mentorship.notifications import notification_emails_send, notify
from sessions import conf
from sessions.models import (
    MentoringSession,
    MentorshipNudge,
    Message,
    MessageMailState,
    SessionReminder,
)

from .booking import name_of, session_url, when_for
from .workspace import thread_url

Status = MentoringSession.Status
DAY = datetime.timedelta(hours=24)
HOUR = datetime.timedelta(hours=1)


def _remind(session: MentoringSession, user, kind: str) -> bool:
    """Claim and send one reminder; False if somebody already did."""
    other = session.other(user)
    lead = "tomorrow" if kind == SessionReminder.Kind.DAY else "in an hour"
    try:
        with transaction.atomic():
            SessionReminder.objects.create(session=session, user=user, kind=kind)
            body = session.agenda or session.topic
            if session.meeting_link:
                body = f"{body}\n\nJoin: {session.meeting_link}".strip()
            notify(
                user=user,
                kind=f"session_reminder_{kind}",
                title=f"Your session with {name_of(other)} is {lead}: {when_for(user, session.starts_at)}",
                body=body[:1000],
                url=session_url(session),
            )
    except IntegrityError:
        return False
    return True


def reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Send the day-before and hour-before reminders that are due; returns how many were sent.

    Due: a confirmed session starting within 24 hours gets the day reminder
    (unless it is less than an hour away: then only the hour reminder), and
    within one hour the hour reminder.
    """
    now = now or timezone.now()
    # A run killed after a claim committed but before its email left owes that email:
    # this run sends it first (the row is the claim, the email follows it).
    notification_emails_send(kinds=[f"session_reminder_{k}" for k in SessionReminder.Kind.values])
    sent = 0
    due = (
        MentoringSession.objects.filter(
            status=Status.CONFIRMED, starts_at__gt=now, starts_at__lte=now + DAY
        )
        .select_related("mentor", "mentee")
        .order_by("starts_at")
    )
    claimed = set(
        SessionReminder.objects.filter(session__in=due).values_list("session_id", "user_id", "kind")
    )
    for session in due:
        kind = (
            SessionReminder.Kind.HOUR
            if session.starts_at - now <= HOUR
            else SessionReminder.Kind.DAY
        )
        for user in (session.mentor, session.mentee):
            if (session.pk, user.pk, kind) in claimed:
                continue
            sent += _remind(session, user, kind)
    return sent


def nudges_send(*, now: datetime.datetime | None = None) -> int:
    """Nudge both sides of active long-term mentorships that have not met for N weeks.

    Quiet: started more than N weeks ago, no session (other than declined or
    cancelled) since N weeks ago and none upcoming. One nudge per mentorship
    per period: the period starts at the later of the last session and the
    last nudge, so a pair that stays quiet hears again after another N weeks.
    """
    now = now or timezone.now()
    weeks = conf.get("SESSIONS_NUDGE_WEEKS")
    quiet = datetime.timedelta(weeks=weeks)
    live = [Status.PROPOSED, Status.CONFIRMED, Status.HELD, Status.NO_SHOW]
    candidates = (
        Mentorship.objects.filter(
            status=Mentorship.Status.ACTIVE, format=Format.LONG_TERM, started_at__lte=now - quiet
        )
        .exclude(
            Exists(
                MentoringSession.objects.filter(
                    mentorship=OuterRef("pk"), status__in=live, starts_at__gte=now - quiet
                )
            )
        )
        .annotate(
            last_session=Max("sessions__starts_at", filter=Q(sessions__status__in=live)),
            last_nudge=Max("session_nudges__sent_at"),
        )
        .select_related("mentor", "mentee")
    )
    sent = 0
    for mentorship in candidates:
        marks = [m for m in (mentorship.last_session, mentorship.last_nudge) if m]
        if mentorship.last_nudge and now - mentorship.last_nudge < quiet:
            continue
        period = (max(marks) if marks else mentorship.started_at).date()
        try:
            with transaction.atomic():
                MentorshipNudge.objects.create(mentorship=mentorship, period=period)
                for user, other in (
                    (mentorship.mentor, mentorship.mentee),
                    (mentorship.mentee, mentorship.mentor),
                ):
                    notify(
                        user=user,
                        kind="mentorship_nudge",
                        title=f"You and {name_of(other)} have not met for {weeks} weeks",
                        body="Propose a time in your workspace: a short check-in keeps a mentorship alive.",
                        url=thread_url(mentorship=mentorship).replace("#messages", "#book"),
                    )
        except IntegrityError:
            continue
        sent += 1
    return sent


def message_digests_send(*, now: datetime.datetime | None = None) -> int:
    """Mail each recipient one digest of their unread, un-mailed messages; returns mails sent.

    Batched: a recipient's burst is mailed once it has been quiet for
    ``SESSIONS_MESSAGE_QUIET_MINUTES`` or its oldest message waited
    ``SESSIONS_MESSAGE_MAX_WAIT_MINUTES``. Rate-limited: at most one mail per
    ``SESSIONS_MESSAGE_MAIL_MINUTES`` per recipient; later messages wait for
    the next digest. Messages read in the meantime are never mailed.
    """
    now = now or timezone.now()
    quiet = datetime.timedelta(minutes=conf.get("SESSIONS_MESSAGE_QUIET_MINUTES"))
    max_wait = datetime.timedelta(minutes=conf.get("SESSIONS_MESSAGE_MAX_WAIT_MINUTES"))
    gap = datetime.timedelta(minutes=conf.get("SESSIONS_MESSAGE_MAIL_MINUTES"))
    pending = (
        Message.objects.filter(notified_at__isnull=True, read_at__isnull=True)
        .values("recipient_id")
        .annotate(oldest=Min("created_at"), newest=Max("created_at"))
        .order_by("recipient_id")
    )
    last_mail = dict(MessageMailState.objects.values_list("user_id", "last_sent_at"))
    sent = 0
    for row in pending:
        recipient_id = row["recipient_id"]
        if not (row["newest"] <= now - quiet or row["oldest"] <= now - max_wait):
            continue
        if (last := last_mail.get(recipient_id)) and now - last < gap:
            continue
        sent += _digest(recipient_id, now=now, gap=gap)
    return sent


def _digest(recipient_id: int, *, now, gap) -> int:
    with transaction.atomic():
        state = MessageMailState.objects.select_for_update().filter(user_id=recipient_id).first()
        if state and now - state.last_sent_at < gap:
            return 0
        ids = list(
            Message.objects.filter(
                recipient_id=recipient_id, notified_at__isnull=True, read_at__isnull=True
            ).values_list("pk", flat=True)
        )
        # The claim: a concurrent digest that got here first has set notified_at.
        if not ids or not Message.objects.filter(pk__in=ids, notified_at__isnull=True).update(
            notified_at=now
        ):
            return 0
        messages = list(
            Message.objects.filter(pk__in=ids, notified_at=now)
            .select_related("author", "mentorship", "session", "recipient")
            .order_by("created_at")
        )
        if not messages:
            return 0
        MessageMailState.objects.update_or_create(
            user_id=recipient_id, defaults={"last_sent_at": now}
        )
        authors = list(dict.fromkeys(name_of(m.author) for m in messages))
        count = len(messages)
        first = messages[0]
        lines = [f"{name_of(m.author)}: {m.body[:200]}" for m in messages[-5:]]
        notify(
            user=first.recipient,
            kind="workspace_messages",
            title=f"{count} new message{'s' if count != 1 else ''} from {', '.join(authors)}",
            body="\n\n".join(lines),
            url=thread_url(mentorship=first.mentorship, session=first.session),
        )
    return 1

"""The daily digest: one email a day with the notifications a person chose to batch.

Exactly once: for each person with notifications awaiting a digest, a unique
``EmailDigest(user, day)`` row is claimed first (an insert that fails when the
row exists), and the waiting notifications are attached to it in the same
transaction. A second run the same day, or a concurrent one, finds the row
and skips that person; notifications arriving after a claim wait for the next
day's digest. The mail goes out after the claim commits, in a transaction that
locks the row and sets ``sent_at``: a run killed before the mail left leaves the
digest unsent, and the next run sends it before claiming new ones.
"""

from __future__ import annotations

import datetime
import logging

from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .email_preferences import ALL_KINDS, kind_label, unsubscribe_path
from .models import EmailDigest, Notification
from .notifications import absolute_url, list_unsubscribe_headers, mail_subject, message_id

logger = logging.getLogger(__name__)

MAX_ITEMS_LISTED = 30


def digest_day(at: datetime.datetime | None = None) -> datetime.date:
    return (at or timezone.now()).astimezone(datetime.UTC).date()


def _claim(*, user_id: int, day: datetime.date) -> EmailDigest | None:
    """Claim today's digest of one person with their waiting notifications, or None."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                digest = EmailDigest.objects.create(user_id=user_id, day=day)
        except IntegrityError:
            return None  # already claimed today (a second or concurrent run)
        items = Notification.objects.filter(
            user_id=user_id, awaiting_digest=True, digest__isnull=True
        ).update(digest=digest, awaiting_digest=False)
        if not items:
            digest.delete()
            return None
        digest.items = items
        digest.save(update_fields=["items"])
        return digest


def _send(digest_id: int) -> bool:
    """Mail one claimed digest unless it was sent; True if this call sent it.

    Like a notification email (:func:`mentorship.notifications._send_email`): the row is
    locked and ``sent_at`` set in the transaction that mails it, so a sender killed
    before the mail leaves rolls back and the next run sends it.
    """
    with transaction.atomic():
        digest = (
            EmailDigest.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(pk=digest_id, sent_at__isnull=True)
            .first()
        )
        if digest is None:
            return False
        try:
            _message(digest).send()
        except Exception:  # logged; the notifications stay on the dashboard, retried next run
            logger.exception("could not email digest %s", digest.pk)
            return False
        EmailDigest.objects.filter(pk=digest.pk).update(sent_at=timezone.now())
    return True


def _message(digest: EmailDigest) -> EmailMultiAlternatives:
    user = digest.user
    notifications = list(digest.notifications.order_by("created_at")[:MAX_ITEMS_LISTED])
    unsubscribe_url = absolute_url(unsubscribe_path(user=user, kind=ALL_KINDS))
    context = {
        "user": user,
        "digest": digest,
        "items": [
            {"n": n, "label": kind_label(n.kind), "link": absolute_url(n.url)}
            for n in notifications
        ],
        "more": max(digest.items - len(notifications), 0),
        "site_name": "Mentorship",
        "dashboard_url": absolute_url(reverse("notifications")),
        "preferences_url": absolute_url(reverse("notification_preferences")),
        "unsubscribe_url": unsubscribe_url,
    }
    message = EmailMultiAlternatives(
        subject=mail_subject(
            f"Your daily digest: {digest.items} update{'s' if digest.items != 1 else ''}"
        ),
        body=render_to_string("email/digest_message.txt", context),
        to=[user.email],
        headers={
            **list_unsubscribe_headers(unsubscribe_url),
            "Message-ID": message_id(f"digest-{digest.pk}"),
        },
    )
    message.attach_alternative(render_to_string("email/digest_message.html", context), "text/html")
    return message


def digests_send(*, at: datetime.datetime | None = None) -> int:
    """Send today's digest to everyone with waiting notifications; returns how many were sent."""
    day = digest_day(at)
    user_ids = list(
        Notification.objects.filter(awaiting_digest=True, digest__isnull=True, user__is_active=True)
        .exclude(user__email="")
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )
    # First the digests claimed but never mailed: their sender died (or the mail
    # server was down) after the claim committed.
    unsent = list(
        EmailDigest.objects.filter(sent_at__isnull=True, day__gte=day - datetime.timedelta(days=1))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sent = sum(_send(pk) for pk in unsent)
    for user_id in user_ids:
        digest = _claim(user_id=user_id, day=day)
        if digest is not None and _send(digest.pk):
            sent += 1
    return sent

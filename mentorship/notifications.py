"""Notifications: a row for the dashboard and, as the person chose, an email.

``notify`` is the one way to tell someone that something happened. The row
is written in the caller's transaction; the email goes out only once that
transaction commits (a rolled-back accept must not email "accepted"). A
failing mail server is logged, never raised: the state change already
happened and the dashboard shows it. Sending runs in the committing process
rather than a Celery task on purpose: mail is a single SMTP call here, and
the notification row, not the email, is the record of truth.

Each kind's email follows the person's preference
(:mod:`mentorship.email_preferences`): at once, in the daily digest
(:mod:`mentorship.digests`), or not at all. Every notification email carries
the one-click unsubscribe headers.
"""

import datetime
import logging
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .email_preferences import (
    delivery_for,
    kind_label,
    register_notification_kind,
    unsubscribe_path,
)
from .models import NOTIFICATION_BODY_MAX, Delivery, Notification
from .site import absolute_url
from .text import header_text

__all__ = [
    "absolute_url",
    "list_unsubscribe_headers",
    "mail_subject",
    "message_id",
    "notification_emails_send",
    "notification_mark_read",
    "notifications_mark_all_read",
    "notifications_unread_count",
    "request_unread_count",
    "notify",
    "register_notification_kind",
]

logger = logging.getLogger(__name__)


#: An owed email older than this is given up (a mailbox that refuses it for a day).
EMAIL_RETRY_WINDOW = datetime.timedelta(hours=24)


def _send_email(notification_id: int) -> bool:
    """Send one owed email, exactly once among concurrent senders; True if this call sent it.

    The outbox claim: the row is locked (``skip_locked``: another sender holds it, so it is
    theirs) and ``email_pending`` cleared in the transaction that sends the mail. A process
    killed before the mail leaves rolls back and the email stays owed for
    :func:`notification_emails_send`; only a kill between the SMTP call returning and the
    commit can send it twice, and the stable ``Message-ID`` lets mail systems drop that copy.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(pk=notification_id, email_pending=True)
            .first()
        )
        if notification is None:
            return False
        if notification.user.email:
            try:
                _email(notification).send()
            except Exception:  # a mail outage must not undo the state change; retried later
                logger.exception("could not email notification %s", notification_id)
                return False
        Notification.objects.filter(pk=notification.pk).update(email_pending=False)
    return True


def _email(notification: Notification) -> EmailMultiAlternatives:
    context = {
        "notification": notification,
        "user": notification.user,
        "link": absolute_url(notification.url),
        "site_name": settings.SITE_NAME,
        "unsubscribe_url": absolute_url(
            unsubscribe_path(user=notification.user, kind=notification.kind)
        ),
        "kind_label": kind_label(notification.kind),
        "preferences_url": absolute_url(reverse("notification_preferences")),
    }
    subject = render_to_string("email/notification_subject.txt", context)
    message = EmailMultiAlternatives(
        subject=mail_subject(subject),
        body=render_to_string("email/notification_message.txt", context),
        to=[notification.user.email],
        headers={
            **list_unsubscribe_headers(context["unsubscribe_url"]),
            "Message-ID": message_id(f"notification-{notification.pk}"),
        },
    )
    message.attach_alternative(
        render_to_string("email/notification_message.html", context), "text/html"
    )
    return message


def message_id(key: str) -> str:
    """A Message-ID that is the same each time one record is mailed (duplicates are spotted)."""
    host = urlsplit(settings.SITE_URL).hostname or "mentorship.local"
    return f"<{key}@{host}>"


def notification_emails_send(*, kinds: Iterable[str] | None = None) -> int:
    """Send the emails still owed (their sender died, or the mail server was down).

    ``kinds``: only those kinds (a beat task finishing its own work). Returns how
    many were sent. Called by the ``mentorship.tasks.send_pending_emails`` beat task.
    """
    owed = Notification.objects.filter(
        email_pending=True, created_at__gte=timezone.now() - EMAIL_RETRY_WINDOW
    )
    if kinds is not None:
        owed = owed.filter(kind__in=list(kinds))
    ids = list(owed.order_by("created_at").values_list("pk", flat=True)[:1000])
    return sum(_send_email(pk) for pk in ids)


def mail_subject(text: str) -> str:
    """The site's prefix and ``text`` on one line: the one way a subject is made.

    Subjects name people ("Ann Lee accepted your request"); a name holding a
    line break would make Django refuse the header and the mail would be lost,
    or, unchecked, add headers. ``mentorship.text.header_text`` flattens it.
    """
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    return header_text(f"{prefix}{text}", max_length=250)


def list_unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe headers for a non-essential mail."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def notify(
    *, user, kind: str, title: str, body: str = "", url: str = "", email: bool = True
) -> Notification:
    """Record a notification for ``user``; email it as they chose for ``kind``.

    ``email=False``: the in-app row only, whatever the preference.
    """
    delivery = (
        delivery_for(user=user, kind=kind)
        if email and user.is_active and user.email
        else Delivery.OFF
    )
    notification = Notification.objects.create(
        user=user,
        kind=kind,
        title=title[:200],
        body=body[:NOTIFICATION_BODY_MAX],
        url=url[:300],
        awaiting_digest=delivery == Delivery.DIGEST,
        email_pending=delivery == Delivery.IMMEDIATE,
    )
    if delivery == Delivery.IMMEDIATE:
        transaction.on_commit(lambda: _send_email(notification.pk))
    return notification


@transaction.atomic
def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notifications_mark_seen(*, user, path: str) -> int:
    """Mark read the notifications that point at ``path``: the person is looking at it.

    A notification is about something (a request, a mentorship, one's
    suggestions); once the person has opened that page, by whatever link, it
    is no longer news. Returns how many were marked.
    """
    return Notification.objects.filter(user=user, read_at__isnull=True, url=path).update(
        read_at=timezone.now()
    )


def notifications_unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def request_unread_count(request) -> int:
    """The signed-in person's unread count, counted once per request (navigation,
    dashboard panel and notification list all show it)."""
    if not hasattr(request, "_unread_notifications"):
        request._unread_notifications = notifications_unread_count(user=request.user)
    return request._unread_notifications

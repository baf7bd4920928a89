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

import logging

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
from .models import Delivery, Notification
from .site import absolute_url

__all__ = [
    "absolute_url",
    "list_unsubscribe_headers",
    "notification_mark_read",
    "notifications_mark_all_read",
    "notifications_unread_count",
    "notify",
    "register_notification_kind",
]

logger = logging.getLogger(__name__)


def _send_email(notification_id: int) -> None:
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None or not notification.user.email:
        return
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
    # One line whatever the title holds: a newline in a person's name must not stop the mail.
    subject = " ".join(render_to_string("email/notification_subject.txt", context).split())
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    message = EmailMultiAlternatives(
        subject=f"{prefix}{subject}",
        body=render_to_string("email/notification_message.txt", context),
        to=[notification.user.email],
        headers=list_unsubscribe_headers(context["unsubscribe_url"]),
    )
    message.attach_alternative(
        render_to_string("email/notification_message.html", context), "text/html"
    )
    try:
        message.send()
    except Exception:  # a mail outage must not undo the state change
        logger.exception("could not email notification %s", notification_id)


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
        body=body,
        url=url[:300],
        awaiting_digest=delivery == Delivery.DIGEST,
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

"""Notifications: a row for the dashboard and, when it matters, an email.

``notify`` is the one way to tell someone that something happened. The row
is written in the caller's transaction; the email goes out only once that
transaction commits (a rolled-back accept must not email "accepted"). A
failing mail server is logged, never raised: the state change already
happened and the dashboard shows it. Sending runs in the committing process
rather than a Celery task on purpose: mail is a single SMTP call here, and
the notification row, not the email, is the record of truth.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Notification
from .site import absolute_url

logger = logging.getLogger(__name__)


def _absolute_url(path: str) -> str:
    return absolute_url(path)


def _send_email(notification_id: int) -> None:
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None or not notification.user.email:
        return
    context = {
        "notification": notification,
        "user": notification.user,
        "link": _absolute_url(notification.url),
        "site_name": settings.SITE_NAME,
    }
    subject = render_to_string("email/notification_subject.txt", context).strip()
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    message = EmailMultiAlternatives(
        subject=f"{prefix}{subject}",
        body=render_to_string("email/notification_message.txt", context),
        to=[notification.user.email],
    )
    message.attach_alternative(
        render_to_string("email/notification_message.html", context), "text/html"
    )
    try:
        message.send()
    except Exception:  # a mail outage must not undo the state change
        logger.exception("could not email notification %s", notification_id)


def notify(
    *, user, kind: str, title: str, body: str = "", url: str = "", email: bool = True
) -> Notification:
    """Record a notification for ``user`` and email it after the transaction commits."""
    notification = Notification.objects.create(
        user=user, kind=kind, title=title[:200], body=body, url=url[:300]
    )
    if email and user.is_active and user.email:
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

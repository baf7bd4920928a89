"""Which notifications a person gets by email, and how: at once, in a daily digest, or not.

Every kind of message the platform sends through :func:`mentorship.notifications.notify`
is registered here by the app that sends it (``register_notification_kind`` from its
``AppConfig.ready()``), with a label people understand. A person's choice per kind is
an ``EmailPreference`` row; without one the kind's default applies (at once).

Account emails (address verification, password reset, cohort invitations) are
*essential*: they are not notifications, carry no unsubscribe link and ignore these
preferences. Every notification email, and the digest, is non-essential: it carries
a signed one-click unsubscribe link (``List-Unsubscribe`` and
``List-Unsubscribe-Post: List-Unsubscribe=One-Click``, RFC 8058) that works without
logging in.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing
from django.db import transaction
from django.urls import reverse

from .models import Delivery, EmailPreference

ALL_KINDS = "*"
_SALT = "mentorship.unsubscribe"


@dataclass(frozen=True)
class NotificationKind:
    kind: str
    label: str
    group: str = "Other"
    default: str = Delivery.IMMEDIATE


_KINDS: dict[str, NotificationKind] = {}


def register_notification_kind(
    kind: str, label: str, *, group: str = "Other", default: str = Delivery.IMMEDIATE
) -> NotificationKind:
    entry = NotificationKind(kind=kind, label=label, group=group, default=default)
    _KINDS[kind] = entry
    return entry


def notification_kinds() -> list[NotificationKind]:
    """Every registered kind, grouped (group, then label)."""
    return sorted(_KINDS.values(), key=lambda k: (k.group, k.label))


def kind_label(kind: str) -> str:
    entry = _KINDS.get(kind)
    return entry.label if entry else kind.replace("_", " ").capitalize()


def delivery_for(*, user, kind: str) -> str:
    """How ``user`` wants ``kind`` emailed."""
    chosen = (
        EmailPreference.objects.filter(user=user, kind__in=[kind, ALL_KINDS])
        .order_by("kind")  # "*" sorts first: a per-kind choice made later wins below
        .values_list("kind", "delivery")
    )
    found = dict(chosen)
    if kind in found:
        return found[kind]
    if ALL_KINDS in found:
        return found[ALL_KINDS]
    entry = _KINDS.get(kind)
    return entry.default if entry else Delivery.IMMEDIATE


def deliveries_for(*, user) -> dict[str, str]:
    """Every registered kind -> the person's delivery (one query)."""
    chosen = dict(EmailPreference.objects.filter(user=user).values_list("kind", "delivery"))
    fallback = chosen.get(ALL_KINDS)
    return {k.kind: chosen.get(k.kind) or fallback or k.default for k in notification_kinds()}


@transaction.atomic
def email_preferences_set(*, user, deliveries: dict[str, str]) -> None:
    """Save the person's choice for each kind (unknown kinds or values are refused)."""
    known = {k.kind for k in notification_kinds()}
    for kind, delivery in deliveries.items():
        if kind not in known or delivery not in Delivery.values:
            raise ValueError(f"unknown kind or delivery: {kind}={delivery}")
    EmailPreference.objects.filter(user=user, kind=ALL_KINDS).delete()
    for kind, delivery in deliveries.items():
        EmailPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"delivery": delivery}
        )


@transaction.atomic
def email_unsubscribe(*, user, kind: str) -> None:
    """Stop emails of ``kind`` (``"*"``: every notification email and the digest)."""
    if kind == ALL_KINDS:
        EmailPreference.objects.filter(user=user).exclude(kind=ALL_KINDS).update(
            delivery=Delivery.OFF
        )
    EmailPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"delivery": Delivery.OFF}
    )


# --- One-click unsubscribe --------------------------------------------------------


def unsubscribe_token(*, user, kind: str) -> str:
    """A signed token naming the person and the kind (no expiry: old mails keep working)."""
    return signing.dumps({"u": user.pk, "k": kind}, salt=_SALT, compress=True)


def unsubscribe_token_read(token: str) -> tuple[int, str] | None:
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    return data["u"], str(data.get("k") or ALL_KINDS)


def unsubscribe_path(*, user, kind: str) -> str:
    return reverse("email_unsubscribe", args=[unsubscribe_token(user=user, kind=kind)])

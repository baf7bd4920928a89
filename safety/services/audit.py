"""The audit log: one append-only row per security-relevant event.

``audit_record`` is the only writer. It never raises for bad text: the
summary is flattened to one line (newlines, tabs and every other control or
format character become spaces, so a crafted name cannot forge a second log
line or hide text with bidi overrides) and cut to the column's length. The
address comes from allauth's client-IP logic, which honours
``ALLAUTH_TRUSTED_PROXY_COUNT``: behind N trusted proxies the N-th address
from the right of X-Forwarded-For, otherwise REMOTE_ADDR.
"""

from __future__ import annotations

import ipaddress
import unicodedata

from django.db import models

from ..models import AuditLog

SUMMARY_MAX = 500


def clean_text(value, *, limit: int = SUMMARY_MAX) -> str:
    """One safe line: control/format characters to spaces, runs of space collapsed."""
    text = "" if value is None else str(value)
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    text = " ".join(text.split())
    return text[:limit]


def client_ip(request) -> str | None:
    if request is None:
        return None
    from allauth.core.internal.httpkit import get_client_ip
    from django.core.exceptions import ImproperlyConfigured

    try:
        ip = get_client_ip(request)
    except ImproperlyConfigured:  # fewer hops than the proxy count: keep the row anyway
        ip = request.META.get("REMOTE_ADDR")
    try:
        return str(ipaddress.ip_address(ip)) if ip else None
    except ValueError:
        return None


def _target_fields(target) -> dict:
    if target is None:
        return {}
    if isinstance(target, models.Model):
        from django.contrib.auth import get_user_model

        fields = {"target_type": target._meta.label_lower, "target_id": str(target.pk)}
        if isinstance(target, get_user_model()):
            fields["target_user_id"] = target.pk
        return fields
    return {"target_type": clean_text(target, limit=60)}


def audit_record(
    *,
    action: str,
    actor=None,
    target=None,
    target_user=None,
    summary: str = "",
    request=None,
) -> AuditLog:
    """Append one audit row. ``target`` is a model row (any app) or a short label.

    ``actor`` defaults to the signed-in user of ``request``. Call it inside
    the transaction of the change it records, so a rolled-back change leaves
    no row claiming it happened.
    """
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if getattr(user, "is_authenticated", False) else None
    fields = _target_fields(target)
    if target_user is not None:
        fields["target_user_id"] = target_user if isinstance(target_user, int) else target_user.pk
    return AuditLog.objects.create(
        action=action,
        actor_id=getattr(actor, "pk", actor),
        summary=clean_text(summary),
        ip_address=client_ip(request),
        **fields,
    )

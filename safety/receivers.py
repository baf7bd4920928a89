"""Audit receivers for events other code announces.

Sign-in success and failure (Django's ``user_logged_in`` /
``user_login_failed``, which every path sends, allauth's included), MFA
changes (allauth.mfa's signals), data exports and account deletions
(``profiles.signals``). A receiver only appends an audit row: recording,
not business logic. No email address is stored: a failed sign-in names the
account by id when one exists with that address, else "unknown account".
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from .models import AuditLog
from .services.audit import audit_record


def on_logged_in(sender, request, user, **kwargs) -> None:
    if request is None:
        return
    from allauth.account.authentication import get_authentication_records

    session = getattr(request, "session", None)
    records = get_authentication_records(request, user) if session is not None else []
    methods = sorted({r.get("method", "") for r in records})
    audit_record(
        action=AuditLog.Action.SIGN_IN,
        actor=user,
        target=user,
        summary=f"via {', '.join(methods) or 'session'}",
        request=request,
    )


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    identifier = (credentials or {}).get("email") or (credentials or {}).get("username") or ""
    user = None
    if identifier:
        user = get_user_model().objects.filter(email__iexact=str(identifier).strip()).first()
    audit_record(
        action=AuditLog.Action.SIGN_IN_FAILED,
        target=user if user is not None else "unknown account",
        summary="wrong password" if user is not None else "no such account",
        request=request,
    )


def on_mfa_failed(sender, request=None, user=None, authenticator=None, **kwargs) -> None:
    audit_record(
        action=AuditLog.Action.SIGN_IN_FAILED,
        target=user,
        summary="wrong second-factor code",
        request=request,
    )


def _mfa(action):
    def receiver(sender, request=None, user=None, authenticator=None, **kwargs):
        audit_record(
            action=action,
            actor=user,
            target=user,
            summary=getattr(authenticator, "type", ""),
            request=request,
        )

    return receiver


on_mfa_added = _mfa(AuditLog.Action.MFA_ADDED)
on_mfa_removed = _mfa(AuditLog.Action.MFA_REMOVED)
on_mfa_reset = _mfa(AuditLog.Action.MFA_RESET)


def on_data_exported(sender, user_id: int, request=None, **kwargs) -> None:
    audit_record(
        action=AuditLog.Action.DATA_EXPORT,
        actor=user_id,
        target=f"user #{user_id}",
        target_user=user_id,
        request=request,
    )


def on_account_deleted(sender, user_id: int, request=None, **kwargs) -> None:
    audit_record(
        action=AuditLog.Action.ACCOUNT_DELETED,
        actor=user_id,
        target=f"user #{user_id}",
        target_user=user_id,
        request=request,
    )

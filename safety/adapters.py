"""allauth's adapter, extended: a suspended person cannot sign in.

It builds on :class:`profiles.adapters.AccountAdapter` (onboarding
redirects, lower-case emails) and is the ``ACCOUNT_ADAPTER``. ``pre_login``
runs on every allauth sign-in path (password, social, login by code, after
email confirmation), so refusing there closes all of them.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect

from profiles.adapters import AccountAdapter as ProfilesAccountAdapter

from . import selectors
from .middleware import suspension_message
from .models import AuditLog


class AccountAdapter(ProfilesAccountAdapter):
    def pre_login(self, request, user, **kwargs):
        suspension = selectors.active_suspension(user)
        if suspension is not None:
            from allauth.account.internal.stagekit import clear_login

            from .services.audit import audit_record

            clear_login(request)
            audit_record(
                action=AuditLog.Action.SIGN_IN_FAILED,
                actor=user,
                target=user,
                summary="refused: account suspended",
                request=request,
            )
            messages.error(request, suspension_message(suspension))
            return redirect("account_login")
        return super().pre_login(request, user, **kwargs)

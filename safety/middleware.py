"""Request-time safety: suspended people are signed out; the admin needs MFA.

Place after ``AuthenticationMiddleware``, ``MessageMiddleware`` and
allauth's ``AccountMiddleware``.

* A suspended person's open session stops working on their very next
  request: they are signed out (an audit row says so) and see why on the
  sign-in page, where they cannot sign in again until the suspension ends
  (``safety.adapters.AccountAdapter.pre_login``).
* Every page under the Django admin requires that this session passed the
  second factor (see :mod:`safety.access`); the admin's own login view is
  not reachable at all (``/admin/login/`` is routed to allauth's sign-in,
  see :func:`safety.views.admin_login`).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from . import selectors
from .access import mfa_step_redirect, session_passed_mfa
from .models import AuditLog


class SignInBackendRenamedMiddleware:
    """A session signed in through a stock backend goes on through its one-query successor.

    Between ``SessionMiddleware`` and ``AuthenticationMiddleware``; Django
    signs out a session whose backend is no longer listed. Can go once every
    such session has expired (``SESSION_COOKIE_AGE`` after the change).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .auth_backends import RENAMED

        session = getattr(request, "session", None)
        if session is not None and session.session_key:
            backend = session.get(BACKEND_SESSION_KEY)
            if backend in RENAMED:
                session[BACKEND_SESSION_KEY] = RENAMED[backend]
        return self.get_response(request)


class SafetyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # The sign-in backend already asked whether one is in force (a user
            # loaded some other way has no answer: ask).
            if getattr(user, "suspension_in_force", True):
                suspension = selectors.active_suspension(user)
                if suspension is not None:
                    return self._sign_out(request, suspension)
            if user.is_staff and self._is_admin_path(request) and not session_passed_mfa(request):
                return mfa_step_redirect(request)
        return self.get_response(request)

    @staticmethod
    def _is_admin_path(request) -> bool:
        admin_root = reverse("admin:index")
        return request.path.startswith(admin_root) and request.path != reverse("admin:login")

    @staticmethod
    def _sign_out(request, suspension):
        from .services.audit import audit_record

        audit_record(
            action=AuditLog.Action.SIGN_OUT_SUSPENDED,
            request=request,
            target=request.user,
            summary=f"session ended at {request.method} {request.path}",
        )
        logout(request)
        messages.error(request, suspension_message(suspension))
        if getattr(request, "htmx", False):
            # An htmx click must leave the page, not swap the sign-in form into a fragment.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("account_login")
            return response
        return redirect(reverse("account_login"))


def suspension_message(suspension) -> str:
    from django.utils import timezone

    if suspension.ends_at:
        until = timezone.localtime(suspension.ends_at).strftime("%d %B %Y, %H:%M %Z")
        return f"Your account is suspended until {until}. You cannot sign in before then."
    return "Your account is suspended. You cannot sign in until the moderators lift it."

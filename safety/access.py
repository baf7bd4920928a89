"""Who may open a staff page: a permission, and a second factor in *this* session.

:func:`staff_permission_required` wraps every staff view (matching's
programme pages, this app's moderation pages):

* anonymous → the sign-in page (allauth, with its rate limits);
* signed in without ``is_staff`` and the permission → 404, as for any page
  a person may not see, and an audit row (``permission_denied``);
* staff with the permission whose session did not pass the second factor →
  TOTP enrolment (no authenticator yet) or allauth's MFA re-authentication
  (one exists), then back.

"Passed the second factor" is read from allauth's authentication records in
the session (``allauth.account.authentication.get_authentication_records``):
a record with ``method == "mfa"`` is written only when the person typed a
code in this session (at sign-in or re-authentication). Having an
authenticator is not enough: a stolen password alone must not open staff
pages. The decorated view carries ``staff_permission`` so a test can walk
the URL resolver and prove that no staff URL escapes.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from .models import AuditLog


def session_passed_mfa(request) -> bool:
    from allauth.account.authentication import get_authentication_records

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return any(
        record.get("method") == "mfa" for record in get_authentication_records(request, user)
    )


def mfa_step_redirect(request):
    """Send staff to enrol a TOTP authenticator or to type a code, then back here."""
    from allauth.mfa.models import Authenticator

    has_totp = Authenticator.objects.filter(
        user=request.user, type=Authenticator.Type.TOTP
    ).exists()
    target = reverse("mfa_reauthenticate" if has_totp else "mfa_activate_totp")
    return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


def record_denial(request, *, perm: str) -> None:
    from .services.audit import audit_record

    audit_record(
        action=AuditLog.Action.PERMISSION_DENIED,
        request=request,
        target=request.path[:60],
        summary=f"needs {perm}: {request.method} {request.path}",
    )


def staff_permission_required(perm: str):
    """Decorator for staff views; see the module docstring."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not (user.is_active and user.is_staff and user.has_perm(perm)):
                record_denial(request, perm=perm)
                raise Http404("Not found")
            if not session_passed_mfa(request):
                return mfa_step_redirect(request)
            return view(request, *args, **kwargs)

        wrapper.staff_permission = perm
        return wrapper

    return decorator

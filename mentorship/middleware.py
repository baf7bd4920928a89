import json
import re

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control

from mentorship.sign_in_limits import SignInThrottled, api_token_sign_in


class StaffMFARequiredMiddleware:
    """Send staff without a second factor to TOTP enrolment.

    Active only when ``MFA_REQUIRED_FOR_STAFF`` is on (the production
    default). The MFA, account and static paths stay reachable so that the
    person can enrol or log out.
    """

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.MFA_REQUIRED_FOR_STAFF and self._needs_enrolment(request):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    def _needs_enrolment(self, request) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_staff:
            return False
        if request.path.startswith(self.ALLOWED_PREFIXES):
            return False
        from allauth.mfa.models import Authenticator

        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class NotificationsSeenMiddleware:
    """A page someone opens settles the unread notifications that point at it.

    Before the view runs, so the page's own unread badge already leaves them
    out. Only full-page GETs of signed-in people (not htmx fragments).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        htmx_fragment = bool(getattr(request, "htmx", False)) and not request.htmx.boosted
        if (
            request.method == "GET"
            and user is not None
            and user.is_authenticated
            and not htmx_fragment
            and not request.path.startswith(("/static/", "/media/", "/healthz"))
        ):
            from .notifications import notifications_mark_seen

            # The sign-in backend counted the unread ones with the user row: with
            # none unread there is nothing to settle (no write on most pages), and
            # the badge is that count less the ones just marked, with no query of its own.
            unread = getattr(user, "unread_notifications_at_load", None)
            marked = notifications_mark_seen(user=user, path=request.path) if unread != 0 else 0
            if unread is not None:
                request._unread_notifications = max(unread - marked, 0)
        return self.get_response(request)


# C0 controls other than tab, line feed and carriage return, DEL, and C1.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# A JSON string escape for NUL (not itself an escaped backslash): PostgreSQL
# cannot store NUL in text, so a JSON body holding one would end in a 500.
_JSON_NUL = re.compile(r"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)
NUL_REASON = "The request contained a NUL character, which no field accepts."
CONTROL_REASON = "The address contained a control character, which no parameter accepts."


def bad_request(request, reason: str) -> HttpResponseBadRequest:
    """The site's 400 page, with a reason a person can act on; the API's error body
    (``{"code", "message"}``) under ``/api/`` and ``/scim/``."""
    if request.path.startswith(("/api/", "/scim/")):
        return HttpResponseBadRequest(
            json.dumps({"code": "bad_input", "message": reason}),
            content_type="application/json",
        )
    return HttpResponseBadRequest(render_to_string("400.html", {"reason": reason}, request=request))


class RejectControlCharactersMiddleware:
    """Answer 400 to NUL anywhere and to control characters in the address.

    PostgreSQL refuses NUL in text, so a NUL that reached a query or a write
    ended in a 500; no field has a use for one. A query parameter or the
    path has no use for any control character either. Form fields may hold
    other control characters (a pasted vertical tab); the shared form base
    (``mentorship.forms``) strips those. See docs/security.md "Bad input".
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reason = self._problem(request)
        if reason:
            return bad_request(request, reason)
        return self.get_response(request)

    def _problem(self, request) -> str:
        if _CONTROL_CHARACTERS.search(request.path):
            return NUL_REASON if "\x00" in request.path else CONTROL_REASON
        for key, values in request.GET.lists():
            for text in (key, *values):
                if _CONTROL_CHARACTERS.search(text):
                    return NUL_REASON if "\x00" in text else CONTROL_REASON
        if request.method in ("POST", "PUT", "PATCH"):
            content_type = request.content_type or ""
            if content_type.startswith(
                ("application/x-www-form-urlencoded", "multipart/form-data")
            ):
                for key, values in request.POST.lists():
                    if "\x00" in key or any("\x00" in value for value in values):
                        return NUL_REASON
                for key, files in request.FILES.lists():
                    if "\x00" in key or any("\x00" in (f.name or "") for f in files):
                        return NUL_REASON
            elif content_type.endswith("json"):
                body = request.body.decode("utf-8", errors="replace")
                if "\x00" in body or _JSON_NUL.search(body):
                    return NUL_REASON
        return ""


class PrivateResponsesNotStoredMiddleware:
    """``Cache-Control: no-store`` on every private response; a Permissions-Policy on all.

    Private: anything answered to a signed-in person, every API, SCIM and
    account page (sign-in forms, reset links), and anything a view already
    marked private. Static files are served by WhiteNoise before this runs
    and stay cacheable; public pages for anonymous visitors may be cached.
    """

    PRIVATE_PREFIXES = ("/api/", "/scim/", "/accounts/", "/admin/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        if self._private(request, response):
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response

    def _private(self, request, response) -> bool:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return True
        if request.path.startswith(self.PRIVATE_PREFIXES):
            return True
        return "private" in response.get("Cache-Control", "")


class ScimBearerTokenMiddleware:
    """Authenticate ``/scim/v2/`` requests by a ``scim``-scope bearer token, and only so.

    The browser session never counts there (no CSRF on SCIM, so a cookie must
    not be enough): without a valid SCIM token of a programme manager the
    request is anonymous and django-scim2 answers 401.
    """

    prefix = "/scim/v2/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(self.prefix):
            from django.contrib.auth.models import AnonymousUser

            from mentorship.access import is_programme_manager
            from mentorship.models import ApiToken

            request.user = AnonymousUser()
            header = request.headers.get("Authorization", "")
            keyword, _, raw = header.partition(" ")
            if keyword.lower() == "bearer":
                try:
                    token = api_token_sign_in(request, raw)
                except SignInThrottled as refusal:
                    return JsonResponse(
                        {
                            "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
                            "detail": refusal.message,
                            "status": "429",
                        },
                        status=429,
                    )
                if (
                    token is not None
                    and token.scope == ApiToken.Scope.SCIM
                    and is_programme_manager(token.user)
                ):
                    request.user = token.user
                    request.scim_token = token
        return self.get_response(request)

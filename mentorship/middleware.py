from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse


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

            notifications_mark_seen(user=user, path=request.path)
        return self.get_response(request)


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
            from mentorship.services.tokens import api_token_authenticate

            request.user = AnonymousUser()
            header = request.headers.get("Authorization", "")
            keyword, _, raw = header.partition(" ")
            if keyword.lower() == "bearer":
                token = api_token_authenticate(raw.strip())
                if (
                    token is not None
                    and token.scope == ApiToken.Scope.SCIM
                    and is_programme_manager(token.user)
                ):
                    request.user = token.user
                    request.scim_token = token
        return self.get_response(request)

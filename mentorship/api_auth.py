"""API authentication, permissions and throttles (DRF loads these from settings).

Kept apart from ``mentorship.api`` because DRF imports its default
authentication classes while ``rest_framework.views`` itself loads: this
module must not import views.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, pagination, permissions, throttling

from mentorship.access import account_usable, is_programme_manager
from mentorship.models import ApiToken
from mentorship.sign_in_limits import SignInThrottled, api_token_sign_in

# --- authentication ------------------------------------------------------------


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        keyword, _, raw = header.partition(" ")
        if keyword.lower() != self.keyword.lower():
            return None
        try:
            token = api_token_sign_in(request._request, raw)
        except SignInThrottled as refusal:
            raise exceptions.Throttled(detail=refusal.message) from None
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid, revoked or expired token.")
        if token.scope == ApiToken.Scope.SCIM:
            raise exceptions.AuthenticationFailed("A SCIM token works only at /scim/v2/.")
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser session (CSRF enforced on writes), for people whose account is usable."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None or not account_usable(result[0]):
            return None
        return result


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "mentorship.api_auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "mtk_<prefix>_<secret>",
            "description": "A personal access token from Settings › API tokens.",
        }


# --- permissions -------------------------------------------------------------


class TokenScopePermission(permissions.BasePermission):
    """A read token reads; a write token (or the session) may also write."""

    message = "This token is read-only: create a write token to change things."

    def has_permission(self, request, view):
        token = request.auth
        if isinstance(token, ApiToken) and token.scope == ApiToken.Scope.READ:
            return request.method in permissions.SAFE_METHODS
        return True


class IsProgrammeManager(permissions.BasePermission):
    """Staff endpoints: others get a 404, as on the web (the endpoint does not exist for them)."""

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        if not is_programme_manager(request.user):
            raise exceptions.NotFound("Not found.")
        return True


# --- throttles -----------------------------------------------------------------


class TokenRateThrottle(throttling.SimpleRateThrottle):
    """Requests per token (each script has its own budget)."""

    scope = "token"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class PersonRateThrottle(throttling.SimpleRateThrottle):
    """Requests per person, all tokens and the session together."""

    scope = "person"

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


# --- pagination ----------------------------------------------------------------


class CursorPagination(pagination.CursorPagination):
    """Stable pages under inserts; views with a natural order set ``ordering``."""

    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 100


class SessionAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "mentorship.api_auth.SessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": "The site's own pages: the browser session, with X-CSRFToken on writes.",
        }

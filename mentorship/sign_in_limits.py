"""One limiter for failed sign-ins, whatever the way in.

allauth limits its own forms: the password form (``login_failed``, per
address and per client address), the second-factor form (``login_failed``
keyed by the person) and the requests for a sign-in code
(``request_login_code``). Two ways in are ours and call
:func:`limited_sign_in`:

* the sign-in code form (``profiles.forms.ConfirmLoginCodeForm``): a wrong
  code spends the same ``login_failed`` budget as a wrong password for that
  address (:func:`address_key`), so switching from guessing passwords to
  guessing codes buys an attacker nothing;
* API tokens. The API's token authentication must call it like this, so a
  client guessing tokens is stopped after ``api_token_failed`` misses::

      from mentorship.sign_in_limits import SignInThrottled, limited_sign_in

      def authenticate(self, request):
          ...
          try:
              token = limited_sign_in(
                  request,
                  action="api_token_failed",
                  attempt=lambda: api_token_authenticate(raw.strip()),
              )
          except SignInThrottled as refusal:
              raise exceptions.Throttled(detail=refusal.message)
          if token is None:
              raise exceptions.AuthenticationFailed("Invalid, revoked or expired token.")

The rates are settings (``ACCOUNT_RATE_LIMITS``), kept in the shared cache
(Redis, or the file cache of the embedded mode), so every web process counts
the same attempts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from allauth.core.internal import ratelimit as _allauth_ratelimit
from django.http import HttpRequest

from .errors import Refusal

T = TypeVar("T")

TOO_MANY = "Too many failed sign-in attempts. Try again later."


class SignInThrottled(Refusal):
    default_code = "too_many_attempts"


def address_key(request: HttpRequest, email: str) -> str:
    """The key allauth's password form counts failures of ``email`` under."""
    from allauth.account.adapter import get_adapter

    return get_adapter(request)._get_login_attempts_cache_key(request, email=email or "")


def limited_sign_in(
    request: HttpRequest,
    *,
    attempt: Callable[[], T | None],
    action: str = "login_failed",
    key: str | None = None,
) -> T | None:
    """Run one sign-in ``attempt`` under the failed-attempt limit ``action``.

    ``attempt`` returns who (or what) signed in, or ``None`` when the
    credential was wrong. Every attempt spends one unit before it runs, so
    concurrent guesses cannot all slip through; a successful one gives its
    unit back (a person's own sign-ins never lock them out, and an attacker
    cannot reset the count by signing in between guesses).

    Raises :class:`SignInThrottled` without running ``attempt`` once the limit
    is spent. ``key`` names what is guessed at (an address); rates ``/ip``
    count per client address, ``/key`` per ``key``.
    """
    # limit_get: an API token arrives on GET requests too, and counts there.
    usage = _allauth_ratelimit.consume(
        request, app="allauth.account", action=action, key=key, limit_get=True
    )
    if not usage:
        raise SignInThrottled(TOO_MANY)
    result = attempt()
    if result is not None:
        usage.rollback()
    return result


def api_token_sign_in(request: HttpRequest, raw: str):
    """The API token ``raw`` names (or ``None``), under the ``api_token_failed`` limit.

    The one way a bearer token is checked: the API's authentication and the
    SCIM middleware both call it. Raises :class:`SignInThrottled` once a
    client address has spent its misses.
    """
    from .services.tokens import api_token_authenticate

    return limited_sign_in(
        request, action="api_token_failed", attempt=lambda: api_token_authenticate(raw.strip())
    )

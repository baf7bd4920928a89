"""Personal access tokens: create (the secret is returned once), revoke, authenticate.

A token reads ``mtk_<prefix>_<secret>``: the 12-character prefix finds the
row, the SHA-256 of the whole token (32 random bytes of secret) proves it.
A high-entropy secret needs no slow hash: nobody can brute-force 256 bits,
and a database leak reveals only digests.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone

from mentorship.access import account_usable, is_programme_manager
from mentorship.errors import Refusal
from mentorship.models import ApiToken

TOKEN_PREFIX = "mtk_"  # noqa: S105  # nosec B105 - a public marker, not a secret
MAX_LIVE_TOKENS = 20
# last_used_at is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


class TokenRefused(Refusal):
    default_code = "token_refused"


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user, name: str, scope: str) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns the row and the raw token (shown once)."""
    name = (name or "").strip()
    if not name:
        raise TokenRefused("Give the token a name, so you know later what uses it.", field="name")
    if scope not in ApiToken.Scope.values:
        raise TokenRefused("Choose read, write or scim.", field="scope", code="token_scope")
    if scope == ApiToken.Scope.SCIM and not is_programme_manager(user):
        raise TokenRefused(
            "Only programme managers can create SCIM provisioning tokens.",
            field="scope",
            code="token_scope",
        )
    if not account_usable(user):
        raise TokenRefused("This account is not active.", code="account_inactive")
    if ApiToken.objects.live().filter(user=user).count() >= MAX_LIVE_TOKENS:
        raise TokenRefused(
            f"You already have {MAX_LIVE_TOKENS} tokens. Revoke one you no longer use first.",
            code="token_limit",
        )
    prefix = secrets.token_hex(6)
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(user=user, name=name[:80], scope=scope, prefix=prefix, digest=_digest(raw))
    token.full_clean()
    token.save()
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(raw: str) -> ApiToken | None:
    """The live token ``raw`` names, with its user, or None (unknown, revoked, owner unusable).

    Checked on every request, so revoking a token or deactivating its owner
    takes effect on the next request.
    """
    if not raw.startswith(TOKEN_PREFIX):
        return None
    prefix, _, secret = raw[len(TOKEN_PREFIX) :].partition("_")
    if not prefix or not secret:
        return None
    token = ApiToken.objects.live().select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.digest, _digest(raw)):
        return None
    if not account_usable(token.user):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token

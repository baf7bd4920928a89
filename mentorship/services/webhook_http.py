"""Webhook targets, signatures and the one HTTP POST.

Targets: the host is resolved and *every* address must be public (no
loopback, private, link-local, multicast, reserved or unspecified address)
unless it falls in ``settings.WEBHOOK_ALLOWED_PRIVATE_NETWORKS`` (tests allow
127.0.0.1). The POST then connects to one of the vetted addresses itself, so a
DNS answer that changes between the check and the connection (rebinding)
cannot point it elsewhere. Redirects are never followed: a 3xx is a failure.

Signatures follow Standard Webhooks: ``webhook-id``, ``webhook-timestamp``
and ``webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">``
keyed with the base64-decoded part of the ``whsec_`` secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import ipaddress
import secrets
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from mentorship.errors import Refusal

SECRET_PREFIX = "whsec_"  # noqa: S105  # nosec B105 - a public marker, not a secret


class WebhookTargetRefused(Refusal):
    default_code = "webhook_target"


def secret_generate() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def sign(*, secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    content = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def _allowed_private(address) -> bool:
    for network in getattr(settings, "WEBHOOK_ALLOWED_PRIVATE_NETWORKS", []):
        if address in ipaddress.ip_network(network, strict=False):
            return True
    return False


def _address_refusal(address) -> str | None:
    if _allowed_private(address):
        return None
    if (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or (address.version == 6 and address.ipv4_mapped is not None)
    ):
        return f"{address} is not a public address"
    return None


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


def target_check(url: str) -> Target:
    """Resolve ``url``'s host and refuse it unless every address is allowed."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookTargetRefused("Use an http:// or https:// URL.", field="url")
    if parts.username or parts.password:
        raise WebhookTargetRefused("Put no credentials in the URL.", field="url")
    if parts.scheme == "http" and not getattr(settings, "WEBHOOK_ALLOW_HTTP", False):
        raise WebhookTargetRefused("Use an https:// URL.", field="url")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise WebhookTargetRefused("The port is not a number.", field="url")
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise WebhookTargetRefused(f"{parts.hostname} does not resolve.", field="url")
    addresses = []
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        reason = _address_refusal(address)
        if reason:
            raise WebhookTargetRefused(
                f"Webhooks may not target {parts.hostname}: {reason}.", field="url"
            )
        addresses.append(str(address))
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(parts.scheme, parts.hostname, port, path, tuple(dict.fromkeys(addresses)))


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a vetted address, with SNI and certificate checks for the real host name."""

    def __init__(self, address: str, hostname: str, port: int, timeout: float):
        super().__init__(hostname, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, address: str, hostname: str, port: int, timeout: float):
        super().__init__(hostname, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def post(*, target: Target, headers: dict[str, str], body: bytes, timeout: float) -> int:
    """POST ``body`` to the first vetted address; returns the status code (no redirects)."""
    cls = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = cls(target.addresses[0], target.host, target.port, timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)  # bounded: a receiver's body is not ours to keep
        return response.status
    finally:
        connection.close()

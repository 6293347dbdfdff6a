"""Which addresses a webhook may reach: public unicast only, unless configuration allows more.

SSRF defence (OWASP SSRF prevention): resolve the host once, refuse if ANY resolved address is
loopback, link-local, private, multicast, reserved, unspecified or otherwise not global (e.g. the
cloud metadata address 169.254.169.254), then connect to the address that was checked (pinning),
so a DNS answer that changes between check and connect cannot redirect us.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from domain.errors import DomainError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class WebhookTargetRefusedError(DomainError):
    """The URL is malformed, or resolves to an address webhooks may not reach."""

    code = "webhook_target_refused"


@dataclass(frozen=True)
class PinnedTarget:
    """A checked URL: the host for ``Host``/SNI and the address to connect to."""

    scheme: str
    host: str
    port: int
    address: str
    path: str


def _forbidden(address: IPAddress) -> str | None:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    checks = (("loopback", address.is_loopback), ("link-local", address.is_link_local),
              ("private", address.is_private), ("multicast", address.is_multicast),
              ("reserved", address.is_reserved), ("unspecified", address.is_unspecified),
              ("not global", not address.is_global))
    return next((name for name, hit in checks if hit), None)


def resolve_target(url: str, allow_private: bool = False) -> PinnedTarget:
    """Parse ``url``, resolve its host and pick an address every check allows."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookTargetRefusedError("webhook URL must be http(s) with a host")
    if parts.username or parts.password:
        raise WebhookTargetRefusedError("webhook URL must not carry credentials")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise WebhookTargetRefusedError("webhook host does not resolve", host=parts.hostname) from None
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    if not addresses:
        raise WebhookTargetRefusedError("webhook host does not resolve", host=parts.hostname)
    if not allow_private:
        for address in addresses:
            reason = _forbidden(address)
            if reason is not None:
                raise WebhookTargetRefusedError(f"webhook host resolves to a {reason} address",
                                                host=parts.hostname, address=str(address))
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return PinnedTarget(parts.scheme, parts.hostname, port, str(addresses[0]), path)

"""Security headers on every answer, whatever produced it (a handler, an error, an idempotent replay).

- ``Cache-Control: no-store`` unless the answer set its own (static assets revalidate): API answers
  carry personal data, scores or secrets, and nothing of that may sit in a shared or browser cache.
- ``X-Content-Type-Options: nosniff``: a JSON or image answer is never run as a script or page.
- ``X-Frame-Options: DENY`` and CSP ``frame-ancestors 'none'``: nothing of ours is framed
  (clickjacking); answers that are not pages get ``default-src 'none'``, pages bring their own
  strict policy (``api.web.pages``).
- ``Referrer-Policy: no-referrer``: the capture URL carries a client token.
- ``Strict-Transport-Security``: browsers honour it over HTTPS only (TLS ends at the proxy in front).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
DEFAULTS: tuple[tuple[bytes, bytes], ...] = (
    (b"cache-control", b"no-store"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", API_CSP.encode()),
    (b"referrer-policy", b"no-referrer"),
    (b"strict-transport-security", b"max-age=31536000"),
    (b"cross-origin-resource-policy", b"same-origin"),
)


async def add_security_headers(message: Message, scope: Scope) -> None:
    """A litestar ``before_send`` hook: it sees every answer, including the router's own 404 and 405
    for paths no handler matches (middleware runs only around matched handlers)."""
    if message["type"] != "http.response.start":
        return
    headers = list(message.get("headers", []))
    present = {bytes(k).lower() for k, _ in headers}
    message["headers"] = headers + [(k, v) for k, v in DEFAULTS if k not in present]

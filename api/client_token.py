"""The browser client token: a session-scoped secret a capture page holds instead of the API secret.

Client token: an opaque, HMAC-SHA256-signed token naming one tenant, one session and an expiry (the
session's own expiry). It authorises only that session's uploads and status, so a capture page can
run in a browser without ever holding the tenant's API secret. Nothing is stored: the signature is
the proof, under a key derived from the KEK by the composition root.

The session's active-liveness challenges are derived the same keyed way: ``domain.sessions.challenges``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime
from uuid import UUID

from domain.errors import DomainError

TOKEN_PREFIX = "kct1."
CLIENT_TOKEN_HEADER = "X-Client-Token"


class InvalidClientTokenError(DomainError):
    """The client token is malformed, forged, expired or for another session. HTTP 401."""

    code = "client_token_invalid"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class ClientTokens:
    """Issues and verifies session-scoped client tokens."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ValueError("the client token key must be at least 32 bytes")
        self._key = key

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._key, b"kycledger.client-token.v1|" + payload, hashlib.sha256).digest()

    def issue(self, tenant_id: str, session_id: UUID, expires_at: datetime) -> str:
        payload = f"{tenant_id}|{session_id}|{int(expires_at.timestamp())}".encode()
        return TOKEN_PREFIX + _b64(payload) + "." + _b64(self._sign(payload))

    def verify(self, token: str, now: datetime) -> tuple[str, UUID]:
        """(tenant_id, session_id) of a valid token; one error for every failure (no oracle)."""
        invalid = InvalidClientTokenError("client token invalid or expired")
        if not token.startswith(TOKEN_PREFIX) or len(token) > 400:
            raise invalid
        try:
            body, signature = token[len(TOKEN_PREFIX):].split(".")
            payload, presented = _unb64(body), _unb64(signature)
        except ValueError:
            raise invalid from None
        if not hmac.compare_digest(presented, self._sign(payload)):
            raise invalid
        try:
            tenant_id, session_text, expiry = payload.decode().split("|")
            session_id, expires = UUID(session_text), int(expiry)
        except ValueError:
            raise invalid from None
        if now.timestamp() >= expires:
            raise invalid
        return tenant_id, session_id

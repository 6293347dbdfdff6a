"""Session-scoped secrets: the browser client token and the session's active-liveness challenges.

Client token: an opaque, HMAC-SHA256-signed token naming one tenant, one session and an expiry (the
session's own expiry). It authorises only that session's uploads and status, so a capture page can
run in a browser without ever holding the tenant's API secret. Nothing is stored: the signature is
the proof, under a key derived from the KEK by the composition root.

Challenges: the challenge of (session, attempt) is derived from a keyed HMAC stream, so the server
can re-derive exactly the challenge it issued (actions, nonce, times) when the frames arrive, without
a second store. The nonce is single-use: the frames capture that answers it is an event, and a later
response carrying the same nonce is refused (``domain.liveness_challenge.admission_failure``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import TypeVar
from uuid import UUID

from domain.errors import DomainError
from domain.liveness_challenge import ChallengeIssuer, LivenessChallenge
from domain.sessions.aggregate import VerificationSession
from domain.sessions.configuration import LivenessType

T = TypeVar("T")
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


class _HmacStream:
    """A deterministic, keyed source of draws (``RandomSource``): unpredictable without the key."""

    def __init__(self, key: bytes, label: str) -> None:
        self._key, self._label, self._counter = key, label.encode(), 0

    def _below(self, n: int) -> int:
        self._counter += 1
        block = hmac.new(self._key, self._label + b"|" + str(self._counter).encode(), hashlib.sha256).digest()
        return int.from_bytes(block, "big") % n  # 256-bit draw: bias below 2^-200 for small n

    def randint(self, a: int, b: int) -> int:
        return a + self._below(b - a + 1)

    def sample(self, population: Sequence[T], k: int) -> list[T]:
        pool = list(population)
        for i in range(k):
            j = i + self._below(len(pool) - i)
            pool[i], pool[j] = pool[j], pool[i]
        return pool[:k]


class SessionChallenges:
    """The active-liveness challenge of each (session, attempt), re-derivable by the server."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ValueError("the challenge key must be at least 32 bytes")
        self._key = key

    def challenge(self, session_id: UUID, attempt: int, issued_at: datetime, ttl: timedelta) -> LivenessChallenge:
        """The challenge issued at ``issued_at`` (the attempt's start), valid for ``ttl`` (the session's)."""
        label = f"challenge|{session_id}|{attempt}"
        nonce = hmac.new(self._key, (label + "|nonce").encode(), hashlib.sha256).hexdigest()[:32]
        issuer = ChallengeIssuer(rng=_HmacStream(self._key, label), clock=lambda: issued_at,
                                 new_nonce=lambda: nonce, ttl=ttl)
        return issuer.issue()


RETRY_TOPIC = "kycledger.session.RetryRequested"


def attempt_started_at(session: VerificationSession, events: Iterable[object]) -> datetime:
    """When the session's current attempt began: its creation, or the retry that opened it."""
    started = session.created_at
    for recorded in events:
        if getattr(type(recorded), "TOPIC", "") == RETRY_TOPIC and getattr(recorded, "attempt", 0) == session.attempt:
            started = getattr(recorded, "timestamp", started)
    return started


def session_challenge(challenges: SessionChallenges, session: VerificationSession,
                      events: Iterable[object]) -> LivenessChallenge | None:
    """The active challenge of the session's current attempt, or None under passive liveness."""
    if session.liveness_type != LivenessType.ACTIVE:
        return None
    ttl = timedelta(seconds=int(session.configuration["session_ttl_seconds"]))
    return challenges.challenge(session.id, session.attempt, attempt_started_at(session, events), ttl)

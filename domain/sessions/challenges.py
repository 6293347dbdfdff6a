"""The active-liveness challenge of each (session, attempt), re-derivable by the server.

The challenge is derived from a keyed HMAC stream, so the server can re-derive exactly the challenge
it issued (actions, nonce, times) when the frames arrive, without a second store. The nonce is
single-use: the frames capture that answers it is an event, and a later response carrying the same
nonce is refused (``domain.liveness_challenge.admission_failure``). Both the capture routes (to show
the challenge) and the verification pipeline (to judge the frames) need it, so it lives here.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import TypeVar
from uuid import UUID

from domain.liveness_challenge import ChallengeIssuer, LivenessChallenge
from domain.sessions import topics
from domain.sessions.aggregate import VerificationSession
from domain.sessions.configuration import LivenessType

T = TypeVar("T")


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


def attempt_started_at(session: VerificationSession, events: Iterable[object]) -> datetime:
    """When the session's current attempt began: its creation, or the retry that opened it."""
    started = session.created_at
    for recorded in events:
        if getattr(type(recorded), "TOPIC", "") == topics.RETRY_REQUESTED and \
                getattr(recorded, "attempt", 0) == session.attempt:
            started = getattr(recorded, "timestamp", started)
    return started


def session_challenge(challenges: SessionChallenges, session: VerificationSession,
                      events: Iterable[object]) -> LivenessChallenge | None:
    """The active challenge of the session's current attempt, or None under passive liveness."""
    if session.liveness_type != LivenessType.ACTIVE:
        return None
    ttl = timedelta(seconds=int(session.configuration["session_ttl_seconds"]))
    return challenges.challenge(session.id, session.attempt, attempt_started_at(session, events), ttl)

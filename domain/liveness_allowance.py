"""How many active-liveness challenges one person may be given: no shopping for an easy one.

A challenge is issued with a session (``POST /v1/sessions`` with active liveness, or the standalone
``POST /v1/liveness/challenges``); within a session, a new challenge comes only with a new attempt,
and attempts are capped (``max_retries``). Across sessions, the tenant's ``reference`` for the person
ties the challenges together, and this aggregate bounds them per (tenant, environment, reference):

- one open challenge at a time: while the last one is unanswered and unexpired, a new request is
  refused with the open one's id (``ChallengeStillOpenError``, 409); answering or cancelling it
  closes it;
- at most ``MAX_PER_WINDOW`` issued per rolling ``WINDOW`` (``ChallengeRateLimitedError``, 429),
  answered or not, so burning a challenge with a bad answer does not buy a fresh one quickly.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.base import LedgerAggregate
from domain.errors import ConflictError, DomainError

MAX_PER_WINDOW = 5
WINDOW = timedelta(hours=1)


class ChallengeStillOpenError(ConflictError):
    """The person has an unanswered, unexpired challenge: answer it (or cancel its session) first."""

    code = "liveness_challenge_open"


class ChallengeRateLimitedError(DomainError):
    """Too many challenges for this person in the window; ``retry_after_s`` says when one frees up."""

    code = "liveness_challenge_rate_limited"


class ChallengeAllowance(LedgerAggregate):
    """The challenges issued to one person (a tenant's reference) in one environment."""

    TOPIC = "kycledger.liveness.ChallengeAllowance"

    @staticmethod
    def create_id(tenant: str, environment: str, reference: str) -> UUID:
        """Deterministic (uuid5 of a natural key), so concurrent issuers meet on one version."""
        return uuid5(NAMESPACE_URL, f"kycledger:/tenants/{tenant}/{environment}/liveness-challenges/{reference}")

    @classmethod
    def open(cls, tenant: str, environment: str, reference: str) -> ChallengeAllowance:
        return cls._create(cls.Created, id=cls.create_id(tenant, environment, reference), tenant=tenant)

    @event("Created", topic="kycledger.liveness.AllowanceOpened")
    def __init__(self, tenant: str) -> None:
        self.tenant = tenant
        self.issued: list[dict[str, Any]] = []  # {"session_id", "issued_at", "expires_at"}

    def admit(self, now: datetime, is_open: Callable[[UUID], bool]) -> None:
        """Refuse a new challenge now if one is still open or the window is full (no state change)."""
        recent = [i for i in self.issued if i["issued_at"] > now - WINDOW]
        for issued in reversed(self.issued):
            if issued["expires_at"] > now and is_open(UUID(issued["session_id"])):
                raise ChallengeStillOpenError("an unanswered challenge is still open for this person",
                                              challenge_id=issued["session_id"])
        if len(recent) >= MAX_PER_WINDOW:
            frees_at = min(i["issued_at"] for i in recent) + WINDOW
            raise ChallengeRateLimitedError(f"at most {MAX_PER_WINDOW} challenges per person per hour",
                                            retry_after_s=max(1, int((frees_at - now).total_seconds()) + 1))

    def record_issue(self, session_id: UUID, issued_at: datetime, expires_at: datetime) -> None:
        self._issued(session_id=str(session_id), issued_at=issued_at, expires_at=expires_at)

    @event("ChallengeIssued", topic="kycledger.liveness.ChallengeIssued")
    def _issued(self, session_id: str, issued_at: datetime, expires_at: datetime) -> None:
        # Entries older than the window that have expired can no longer refuse anything.
        self.issued = [i for i in self.issued if i["expires_at"] > issued_at - WINDOW
                       or i["issued_at"] > issued_at - WINDOW]
        self.issued.append({"session_id": session_id, "issued_at": issued_at, "expires_at": expires_at})

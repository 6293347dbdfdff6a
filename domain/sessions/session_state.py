"""The state of a ``VerificationSession``, what is derived from it, and the guards its steps share.

The aggregate (``domain.sessions.aggregate``) composes this base with its parts (``capture_steps``,
``review_steps``). Methods named after an event (``_decision_superseded``) only change state: the
aggregate turns each into its recorded event, so every topic stays on the aggregate class
(docs/architecture.md: events are never renamed; they evolve with upcasters).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from domain.sessions.configuration import SessionConfiguration
from domain.sessions.errors import AttemptClosedError, IllegalTransitionError, SessionExpiredError
from domain.sessions.status import FINAL_STATUSES, SessionStatus
from domain.sessions.steering import failed_attempts, review_lock
from domain.sessions.values import MANUAL_REVIEW_AFTER_FAILED_ATTEMPTS, ReviewLock


class SessionState:
    """Attributes set by the session's events (``VerificationSession.__init__`` and the appliers)."""

    tenant: str
    configuration: dict[str, Any]
    created_at: datetime
    reference: str | None
    status: SessionStatus
    attempt: int
    liveness_type: str
    captures: dict[int, list[dict[str, Any]]]
    requested_checks: dict[int, list[str]]
    results: dict[int, dict[str, dict[str, Any]]]
    decisions: dict[int, dict[str, Any]]
    retries: list[dict[str, Any]]
    help_requests: list[dict[str, Any]]
    review_queue: str | None
    review_reason: str
    reviewer: str | None
    reviewer_name: str | None
    review_history: list[dict[str, Any]]  # claims, proposals, decisions, by attempt
    review_decision: dict[str, Any] | None
    superseded: list[dict[str, Any]]
    ended_at: datetime | None
    cancel_reason: str | None
    extracted_fields: list[str]
    last_score: float

    # ------------------------------------------------------------------ derived state
    @property
    def config(self) -> SessionConfiguration:
        return SessionConfiguration.from_dict(self.configuration)

    @property
    def expires_at(self) -> datetime:
        return self.created_at + timedelta(seconds=int(self.configuration["session_ttl_seconds"]))

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def retries_used(self) -> int:
        return self.attempt - 1

    @property
    def retries_left(self) -> int:
        return int(self.configuration["max_retries"]) - self.retries_used

    @property
    def required_checks(self) -> list[str]:
        return [str(c) for c in self.config.required_checks]

    def missing_checks(self) -> list[str]:
        done = self.results.get(self.attempt, {})
        return [c for c in self.required_checks if c not in done]

    @property
    def awaiting_decision(self) -> bool:
        """All requested checks of the current attempt are in and it has no decision yet."""
        return (
            self.status == SessionStatus.PENDING
            and self.attempt not in self.decisions
            and not self.missing_checks()
        )

    def is_overdue(self, now: datetime) -> bool:
        return now >= self.expires_at

    @property
    def failed_attempts(self) -> int:
        return failed_attempts(self.decisions)

    @property
    def review_lock(self) -> ReviewLock | None:
        """Why only a reviewer may close this case, or None (``domain.sessions.steering``)."""
        undecided = None if self.attempt in self.decisions else self.results.get(self.attempt)
        return review_lock(self.status, self.review_queue, self.review_reason, undecided)

    @property
    def manual_review_available(self) -> bool:
        """The person being verified may ask for a reviewer (server-side, not only hidden in a page)."""
        return (self.status == SessionStatus.PENDING and self.review_lock is None
                and self.failed_attempts >= MANUAL_REVIEW_AFTER_FAILED_ATTEMPTS)

    # ------------------------------------------------------------------ guards
    def _require_status(self, action: str, *allowed: SessionStatus) -> None:
        if self.status not in allowed:
            raise IllegalTransitionError(
                f"cannot {action}: session is {self.status.value}", status=self.status.value, action=action
            )

    def _guard_open_for_user(self, now: datetime, action: str) -> None:
        self._require_status(action, SessionStatus.PENDING)
        if self.is_overdue(now):
            raise SessionExpiredError("session TTL elapsed", expires_at=self.expires_at.isoformat())

    def _guard_attempt_open(self, attempt: int) -> None:
        if attempt != self.attempt or attempt in self.decisions:
            raise AttemptClosedError(
                "attempt is closed", attempt=attempt, current_attempt=self.attempt
            )

    # ------------------------------------------------------------------ shared event (DecisionSuperseded)
    def _decision_superseded(self, attempt: int, superseded_by: str, reason: str) -> None:
        """A new attempt or a reviewer's verdict replaces the attempt's policy decision."""
        self.superseded.append({"attempt": attempt, "by": superseded_by, "reason": reason})

"""The ``VerificationSession`` aggregate: one remote identity verification, capture to decision.

Every step is an event with an explicit, stable topic (docs/architecture.md §3). Public command
methods check invariants with named guards and then trigger private ``@event`` methods whose bodies
only change state, so replaying stored events never re-runs a guard or reads a clock.

The class composes its parts: ``SessionState`` (state, derived state, shared guards),
``CaptureSteps`` (captures, checks, retries, help) and ``ReviewSteps`` (manual review). The parts
write each state change as a plain method named after its event; this class declares every event
from those methods (the event catalogue below), so event classes, their names and their topics stay
exactly as recorded: ``VerificationSession.<Event>`` in this module, with the topic from ``topics``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import event

from domain.base import LedgerAggregate
from domain.personal_data import PersonalData
from domain.sessions import topics
from domain.sessions.capture_steps import CaptureSteps
from domain.sessions.configuration import LivenessType, SessionConfiguration
from domain.sessions.errors import (
    ChecksIncompleteError,
    DecisionAlreadyRecordedError,
    RetryLimitReachedError,
    SessionNotExpiredError,
)
from domain.sessions.guards import parse_outcome, require_code, require_reference, require_sha256
from domain.sessions.review import review_message_code
from domain.sessions.review_steps import ReviewSteps
from domain.sessions.session_state import SessionState
from domain.sessions.status import SessionStatus, ensure_transition
from domain.sessions.steering import ensure_not_steered
from domain.sessions.values import ROUTE_STATUS, ReviewQueue, Route


class VerificationSession(CaptureSteps, ReviewSteps, LedgerAggregate):
    """A verification session of one tenant (requirements/pipeline §1, requirements/sessions §3)."""

    TOPIC = topics.AGGREGATE

    # ------------------------------------------------------------------ creation
    @classmethod
    def start(
        cls,
        tenant: str,
        configuration: SessionConfiguration,
        now: datetime,
        reference: str | None = None,
        session_id: UUID | None = None,
    ) -> VerificationSession:
        """Open a session; ``session_id`` lets callers derive ids from natural keys (idempotency)."""
        if reference is not None:
            require_reference(reference)
        # eventsourcing's _create takes the originator id; __init__ cannot, it would be recorded
        return cls._create(
            cls.Created,
            id=session_id or uuid4(),
            tenant=tenant,
            configuration=configuration.to_dict(),
            created_at=now,
            reference=reference,
        )

    @event("Created", topic=topics.CREATED)
    def __init__(
        self, tenant: str, configuration: dict[str, Any], created_at: datetime, reference: str | None
    ) -> None:
        self.tenant = tenant
        self.configuration = configuration
        self.created_at = created_at
        self.reference = reference
        self.status = SessionStatus.PENDING
        self.attempt = 1
        self.liveness_type = str(configuration["liveness_type"])
        self.captures: dict[int, list[dict[str, Any]]] = {}
        self.requested_checks: dict[int, list[str]] = {}
        self.results: dict[int, dict[str, dict[str, Any]]] = {}
        self.decisions: dict[int, dict[str, Any]] = {}
        self.retries: list[dict[str, Any]] = []
        self.help_requests: list[dict[str, Any]] = []
        self.review_queue: str | None = None
        self.review_reason = ""
        self.reviewer: str | None = None
        self.reviewer_name: str | None = None
        self.review_history: list[dict[str, Any]] = []  # claims, proposals, decisions, by attempt
        self.review_decision: dict[str, Any] | None = None
        self.superseded: list[dict[str, Any]] = []
        self.ended_at: datetime | None = None
        self.cancel_reason: str | None = None

    # ------------------------------------------------------------------ the event catalogue
    # Each event's state change is written in the part that records it; declared here, its class is
    # ``VerificationSession.<name>`` with the stored topic, as before the parts were split out.
    _capture_recorded = event("CaptureRecorded", topic=topics.CAPTURE_RECORDED)(CaptureSteps._capture_recorded)
    _check_requested = event("CheckRequested", topic=topics.CHECK_REQUESTED)(CaptureSteps._check_requested)
    _check_completed = event("CheckCompleted", topic=topics.CHECK_COMPLETED)(CaptureSteps._check_completed)
    _document_data_extracted = event("DocumentDataExtracted", topic=topics.DOCUMENT_DATA_EXTRACTED)(
        CaptureSteps._document_data_extracted)
    _retry_requested = event("RetryRequested", topic=topics.RETRY_REQUESTED)(CaptureSteps._retry_requested)
    _capture_carried_over = event("CaptureCarriedOver", topic=topics.CAPTURE_CARRIED_OVER)(
        CaptureSteps._capture_carried_over)
    _help_requested = event("HelpRequested", topic=topics.HELP_REQUESTED)(CaptureSteps._help_requested)
    _manual_review_requested = event("ManualReviewRequested", topic=topics.MANUAL_REVIEW_REQUESTED)(
        ReviewSteps._manual_review_requested)

    @dataclass(frozen=True)
    class ReviewClaimed(LedgerAggregate.Event):
        TOPIC = topics.REVIEW_CLAIMED
        reviewer: str  # v1: "key:<id>" (an API key); v2: the person's member id
        reviewer_name: str | None
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["reviewer_name"] = None

    _review_claimed = event(ReviewClaimed)(ReviewSteps._review_claimed)
    _review_released = event("ReviewReleased", topic=topics.REVIEW_RELEASED)(ReviewSteps._review_released)

    @dataclass(frozen=True)
    class ReviewNoted(LedgerAggregate.Event):
        TOPIC = topics.REVIEW_NOTED
        attempt: int
        reviewer: str
        reviewer_name: str
        note: PersonalData

    _review_noted = event(ReviewNoted)(ReviewSteps._review_noted)
    _review_proposed = event("ReviewDecisionProposed", topic=topics.REVIEW_DECISION_PROPOSED)(
        ReviewSteps._review_proposed)

    @dataclass(frozen=True)
    class ReviewDecided(LedgerAggregate.Event):
        TOPIC = topics.REVIEW_DECIDED
        attempt: int
        reviewer: str
        decision: str
        reason: str
        reviewer_name: str | None
        approvals: list[dict[str, Any]]  # every reviewer whose verdict the decision needed, maker first
        user_message_code: str
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["reviewer_name"] = None
            state["approvals"] = []
            state["user_message_code"] = review_message_code(str(state["decision"]), None)

    _review_decided = event(ReviewDecided)(ReviewSteps._review_decided)
    _decision_superseded = event("DecisionSuperseded", topic=topics.DECISION_SUPERSEDED)(
        SessionState._decision_superseded)

    # ------------------------------------------------------------------ decision
    def record_decision(
        self, attempt: int, policy_hash: str, inputs: list[dict[str, Any]], outcome: Mapping[str, Any]
    ) -> None:
        """Record the policy's decision for an attempt, exactly once, and follow its route."""
        if attempt in self.decisions:
            raise DecisionAlreadyRecordedError("attempt already decided", attempt=attempt)
        self._require_status("record a decision", SessionStatus.PENDING)
        self._guard_attempt_open(attempt)
        if self.missing_checks():
            raise ChecksIncompleteError("checks still missing", missing=self.missing_checks())
        require_sha256("policy_hash", policy_hash)
        _, route = parse_outcome(outcome)
        if route in (Route.RETRY, Route.ACTIVE_CHALLENGE) and self.retries_left <= 0:
            raise RetryLimitReachedError("no retries left for this route", max_retries=self.retries_left)
        ensure_transition(self.status, ROUTE_STATUS[route], f"route to {route.value}")
        recorded = dict(outcome)
        self._score_computed(
            attempt=attempt, score=float(recorded["score"]), breakdown=list(recorded["score_breakdown"])
        )
        self._decision_made(attempt=attempt, policy_hash=policy_hash, inputs=list(inputs), outcome=recorded)
        reasons = ",".join(str(r) for r in recorded.get("reason_codes", []))[:500]
        if route in (Route.MANUAL_REVIEW, Route.COMPLIANCE_ESCALATION):
            queue = ReviewQueue.COMPLIANCE if route == Route.COMPLIANCE_ESCALATION else ReviewQueue.OPERATIONS
            self._manual_review_requested(attempt=attempt, queue=str(queue), reason=reasons or "policy")
        elif route in (Route.RETRY, Route.ACTIVE_CHALLENGE):
            liveness = LivenessType.ACTIVE if route == Route.ACTIVE_CHALLENGE else self.liveness_type
            step = str(recorded.get("retry_step") or "all")
            self._retry_requested(attempt=attempt + 1, step=step, reason=reasons or "policy",
                                  liveness_type=str(liveness))
            self._carry_document_over(step, from_attempt=attempt)

    @event("ScoreComputed", topic=topics.SCORE_COMPUTED)
    def _score_computed(self, attempt: int, score: float, breakdown: list[dict[str, Any]]) -> None:
        self.last_score = score

    @event("DecisionMade", topic=topics.DECISION_MADE)
    def _decision_made(
        self, attempt: int, policy_hash: str, inputs: list[dict[str, Any]], outcome: dict[str, Any]
    ) -> None:
        self.decisions[attempt] = {"policy_hash": policy_hash, "inputs": inputs, "outcome": outcome}
        self.status = ROUTE_STATUS[Route(outcome["route"])]

    # ------------------------------------------------------------------ endings
    def expire(self, now: datetime) -> None:
        """End a pending session whose TTL elapsed (requirements/pipeline §1 ``session_ttl``; requirements/sessions §5
        ``expired``)."""
        ensure_transition(self.status, SessionStatus.EXPIRED, "expire")
        if not self.is_overdue(now):
            raise SessionNotExpiredError("TTL not elapsed", expires_at=self.expires_at.isoformat())
        self._expired(expired_at=now)

    @event("Expired", topic=topics.EXPIRED)
    def _expired(self, expired_at: datetime) -> None:
        self.status = SessionStatus.EXPIRED
        self.ended_at = expired_at

    def cancel(self, reason: str, now: datetime) -> None:
        """End the session; a locked case (``review_lock``) is ended by its reviewer's decision only."""
        require_code("reason", reason)
        ensure_transition(self.status, SessionStatus.CANCELLED, "cancel")
        ensure_not_steered(self.review_lock, self.status, "cancel")
        self._cancelled(reason=reason, cancelled_at=now)

    @event("Cancelled", topic=topics.CANCELLED)
    def _cancelled(self, reason: str, cancelled_at: datetime) -> None:
        self.status = SessionStatus.CANCELLED
        self.cancel_reason = reason
        self.ended_at = cancelled_at

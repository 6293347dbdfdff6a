"""The ``VerificationSession`` aggregate: one remote identity verification, capture to decision.

Every step is an event with an explicit, stable topic (ARCHITECTURE.md section 3). Public command
methods check invariants with named guards and then trigger private ``@event`` methods whose bodies
only change state, so replaying stored events never re-runs a guard or reads a clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import event

from domain.address_proof.capture import ensure_capture_wanted
from domain.base import LedgerAggregate
from domain.checks import CheckResult, CheckType
from domain.errors import InvalidArgumentError
from domain.personal_data import PersonalData
from domain.sessions import topics
from domain.sessions.canonical import to_json_value
from domain.sessions.configuration import LivenessType, SessionConfiguration
from domain.sessions.errors import (
    AttemptClosedError,
    CheckNotRequestedError,
    ChecksIncompleteError,
    DecisionAlreadyRecordedError,
    IllegalTransitionError,
    RetryLimitReachedError,
    ReviewAlreadyClaimedError,
    ReviewNotClaimedError,
    SessionExpiredError,
    SessionNotExpiredError,
)
from domain.sessions.guards import (
    ensure_capture_room,
    parse_capture,
    parse_outcome,
    parse_reviewer_decision,
    require_code,
    require_reference,
    require_sha256,
)
from domain.sessions.review import (
    Reviewer,
    ReviewRules,
    deciders_of,
    ensure_may_review,
    is_legacy_claim,
    next_review_step,
    review_message_code,
)
from domain.sessions.status import FINAL_STATUSES, SessionStatus, ensure_transition
from domain.sessions.steering import (
    document_captures_to_keep,
    ensure_manual_review_available,
    ensure_not_steered,
    failed_attempts,
    review_lock,
)
from domain.sessions.values import (
    CARRY_OVER_STEPS,
    MANUAL_REVIEW_AFTER_FAILED_ATTEMPTS,
    ROUTE_STATUS,
    Decision,
    ReviewLock,
    ReviewQueue,
    Route,
    check_result_to_record,
)

DEFAULT_RULES = ReviewRules()


class VerificationSession(LedgerAggregate):
    """A verification session of one tenant (seed 002 step 1, seed 003 session-based flow)."""

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

    # ------------------------------------------------------------------ captures and checks
    def record_capture(
        self, kind: str, content_sha256: str, blob_ref: str, metadata: Mapping[str, Any], now: datetime
    ) -> None:
        """Record a capture by content hash and encrypted-blob reference, never the bytes."""
        self._guard_open_for_user(now, "record a capture")
        self._guard_attempt_open(self.attempt)
        capture_kind = parse_capture(kind, content_sha256, blob_ref)
        ensure_capture_wanted(str(capture_kind), self.config.require_address_proof)
        ensure_capture_room(self.captures.get(self.attempt, []), str(capture_kind))
        self._capture_recorded(
            attempt=self.attempt,
            kind=str(capture_kind),
            content_sha256=content_sha256,
            blob_ref=blob_ref,
            metadata=to_json_value(dict(metadata)),
        )

    @event("CaptureRecorded", topic=topics.CAPTURE_RECORDED)
    def _capture_recorded(
        self, attempt: int, kind: str, content_sha256: str, blob_ref: str, metadata: dict[str, Any]
    ) -> None:
        self.captures.setdefault(attempt, []).append(
            {"kind": kind, "content_sha256": content_sha256, "blob_ref": blob_ref, "metadata": metadata}
        )

    def _guard_check_requested(self, check: str) -> None:
        if check != CheckType.QUALITY and check not in self.required_checks:
            raise CheckNotRequestedError("check not in the session configuration", check=check)

    def request_check(self, check: str) -> None:
        """Record that a check was handed to the ML side for the current attempt."""
        self._require_status("request a check", SessionStatus.PENDING)
        self._guard_attempt_open(self.attempt)
        self._guard_check_requested(check)
        self._check_requested(attempt=self.attempt, check=check)

    @event("CheckRequested", topic=topics.CHECK_REQUESTED)
    def _check_requested(self, attempt: int, check: str) -> None:
        self.requested_checks.setdefault(attempt, []).append(check)

    def record_check_result(self, attempt: int, result: CheckResult) -> None:
        """Record a completed check; checks of one attempt may arrive in any order (seed 004 B)."""
        self._require_status("record a check result", SessionStatus.PENDING)
        self._guard_attempt_open(attempt)
        self._guard_check_requested(str(result.check))
        self._check_completed(attempt=attempt, result=check_result_to_record(result))

    @event("CheckCompleted", topic=topics.CHECK_COMPLETED)
    def _check_completed(self, attempt: int, result: dict[str, Any]) -> None:
        # A re-delivered check replaces the earlier one; the decision names the event it read.
        self.results.setdefault(attempt, {})[str(result["check"])] = result

    def record_extracted_data(self, attempt: int, fields: Mapping[str, PersonalData]) -> None:
        """Record personal values read from the document; persistence encrypts each per subject."""
        self._require_status("record extracted data", SessionStatus.PENDING)
        self._guard_attempt_open(attempt)
        for name, value in fields.items():
            require_code("field name", name)
            if not isinstance(value, PersonalData):
                raise InvalidArgumentError("extracted values must be PersonalData", field=name)
        self._document_data_extracted(attempt=attempt, fields=dict(fields))

    @event("DocumentDataExtracted", topic=topics.DOCUMENT_DATA_EXTRACTED)
    def _document_data_extracted(self, attempt: int, fields: dict[str, PersonalData]) -> None:
        self.extracted_fields = sorted(fields)  # names only: values stay in the encrypted event

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

    # ------------------------------------------------------------------ retries and help
    def request_retry(self, step: str, reason: str, now: datetime) -> None:
        """A new attempt (seed 000 POST /kyc/retry; seed 002 retry logic), capped by max_retries.

        From manual review only by the tenant (a re-submission, seed 002 step 9 "Needs more info"), never
        for a locked case (``review_lock``) and never by the person being verified. A retry of the selfie
        or liveness step keeps the attempt's document captures.
        """
        require_code("step", step)
        require_code("reason", reason)
        ensure_not_steered(self.review_lock, self.status, "request a retry")
        if self.status == SessionStatus.MANUAL_REVIEW:
            ensure_transition(self.status, SessionStatus.PENDING, "request a retry")
            if self.is_overdue(now):
                raise SessionExpiredError("session TTL elapsed")
        else:
            self._guard_open_for_user(now, "request a retry")
        if self.retries_left <= 0:
            raise RetryLimitReachedError("retry limit reached", max_retries=self.configuration["max_retries"])
        if self.attempt in self.decisions:
            self._decision_superseded(attempt=self.attempt, superseded_by="new_attempt", reason=reason)
        previous = self.attempt
        self._retry_requested(
            attempt=self.attempt + 1, step=step, reason=reason, liveness_type=self.liveness_type
        )
        self._carry_document_over(step, from_attempt=previous)

    @event("RetryRequested", topic=topics.RETRY_REQUESTED)
    def _retry_requested(self, attempt: int, step: str, reason: str, liveness_type: str) -> None:
        self.retries.append({"attempt": attempt, "step": step, "reason": reason})
        self.attempt = attempt
        self.liveness_type = liveness_type
        self.status = SessionStatus.PENDING
        self.review_queue = None
        self.review_reason = ""
        self.reviewer = None
        self.reviewer_name = None

    def _carry_document_over(self, step: str, from_attempt: int) -> None:
        """A selfie or liveness retry keeps the document the person already scanned (seed 002 retry
        logic: ask again only for what failed). Each kept capture is its own event, so the ledger shows
        which scan the new attempt's checks read."""
        if step not in CARRY_OVER_STEPS:
            return
        for kept in document_captures_to_keep(self.captures.get(from_attempt, [])):
            self._capture_carried_over(
                attempt=self.attempt, from_attempt=from_attempt, kind=str(kept["kind"]),
                content_sha256=str(kept["content_sha256"]), blob_ref=str(kept["blob_ref"]),
                metadata=dict(kept["metadata"]))

    @event("CaptureCarriedOver", topic=topics.CAPTURE_CARRIED_OVER)
    def _capture_carried_over(self, attempt: int, from_attempt: int, kind: str, content_sha256: str,
                              blob_ref: str, metadata: dict[str, Any]) -> None:
        self.captures.setdefault(attempt, []).append(
            {"kind": kind, "content_sha256": content_sha256, "blob_ref": blob_ref, "metadata": metadata,
             "carried_from": from_attempt}
        )

    def request_help(self, step: str, topic: str) -> None:
        """Log a help request for funnel analysis (seed 000 POST /kyc/help-request)."""
        require_code("step", step)
        require_code("topic", topic)
        self._require_status("request help", SessionStatus.PENDING, SessionStatus.MANUAL_REVIEW)
        self._help_requested(attempt=self.attempt, step=step, topic=topic)

    @event("HelpRequested", topic=topics.HELP_REQUESTED)
    def _help_requested(self, attempt: int, step: str, topic: str) -> None:
        self.help_requests.append({"attempt": attempt, "step": step, "topic": topic})

    # ------------------------------------------------------------------ manual review
    def request_manual_review(self, reason: str) -> None:
        """Ask for a human (seed 000 POST /kyc/manual-review on persistent failure).

        The tenant's integration may send a pending case to review at any time (it is the bank deciding);
        the person being verified only after ``MANUAL_REVIEW_AFTER_FAILED_ATTEMPTS`` failed attempts. A
        locked case (``review_lock``) is never moved to the operations queue.
        """
        require_code("reason", reason)
        self._require_status("request manual review", SessionStatus.PENDING)
        ensure_not_steered(self.review_lock, self.status, "request manual review")
        ensure_manual_review_available(self.failed_attempts)
        self._manual_review_requested(attempt=self.attempt, queue=str(ReviewQueue.OPERATIONS), reason=reason)

    @event("ManualReviewRequested", topic=topics.MANUAL_REVIEW_REQUESTED)
    def _manual_review_requested(self, attempt: int, queue: str, reason: str) -> None:
        self.status = SessionStatus.MANUAL_REVIEW
        self.review_queue = queue
        self.review_reason = reason
        self.reviewer = None
        self.reviewer_name = None

    def claim_review(self, reviewer: Reviewer, submitters: frozenset[str] = frozenset()) -> None:
        """A named reviewer takes the case; claiming twice by the same person changes nothing."""
        self._require_status("claim a review", SessionStatus.MANUAL_REVIEW)
        ensure_may_review(reviewer, self.review_queue, submitters, deciders_of(self.review_history, self.attempt))
        if self.reviewer == reviewer.member_id:
            return
        if self.reviewer is not None and not is_legacy_claim(self.reviewer):
            raise ReviewAlreadyClaimedError("review claimed by another reviewer")
        self._review_claimed(reviewer=reviewer.member_id, reviewer_name=reviewer.display_name)

    @dataclass(frozen=True)
    class ReviewClaimed(LedgerAggregate.Event):
        TOPIC = topics.REVIEW_CLAIMED
        reviewer: str  # v1: "key:<id>" (an API key); v2: the person's member id
        reviewer_name: str | None
        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["reviewer_name"] = None

    @event(ReviewClaimed)
    def _review_claimed(self, reviewer: str, reviewer_name: str | None) -> None:
        self.reviewer = reviewer
        self.reviewer_name = reviewer_name
        self.review_history.append({"step": "claimed", "attempt": self.attempt,
                                    "reviewer": {"id": reviewer, "name": reviewer_name}})

    def release_review(self, reviewer: Reviewer) -> None:
        """The reviewer who holds the case gives it back to the queue (another person may claim it)."""
        self._require_status("release a review", SessionStatus.MANUAL_REVIEW)
        if self.reviewer != reviewer.member_id:
            raise ReviewNotClaimedError("only the reviewer who holds the case releases it")
        self._review_released(reviewer=reviewer.member_id, reviewer_name=reviewer.display_name)

    @event("ReviewReleased", topic=topics.REVIEW_RELEASED)
    def _review_released(self, reviewer: str, reviewer_name: str) -> None:
        self.reviewer = None
        self.reviewer_name = None
        self.review_history.append({"step": "released", "attempt": self.attempt,
                                    "reviewer": {"id": reviewer, "name": reviewer_name}})

    def note_review(self, reviewer: Reviewer, note: PersonalData) -> None:
        """The holder's free-text note on the case (sealed under the subject's key: it may name them)."""
        self._require_status("note a review", SessionStatus.MANUAL_REVIEW)
        if self.reviewer != reviewer.member_id:
            raise ReviewNotClaimedError("the review must be claimed by this reviewer first")
        self._review_noted(attempt=self.attempt, reviewer=reviewer.member_id, reviewer_name=reviewer.display_name,
                           note=note)

    @dataclass(frozen=True)
    class ReviewNoted(LedgerAggregate.Event):
        TOPIC = topics.REVIEW_NOTED
        attempt: int
        reviewer: str
        reviewer_name: str
        note: PersonalData

    @event(ReviewNoted)
    def _review_noted(self, attempt: int, reviewer: str, reviewer_name: str, note: PersonalData) -> None:
        pass  # the note lives in the event only: read back with the session's events

    def decide_review(self, reviewer: Reviewer, decision: str, reason: str, rules: ReviewRules = DEFAULT_RULES,
                      submitters: frozenset[str] = frozenset()) -> bool:
        """The reviewer's verdict (seed 002 step 9): final, or a proposal when four eyes apply.

        Returns True when the case is decided, False when it waits for a second reviewer.
        """
        require_code("reason", reason)
        self._require_status("decide a review", SessionStatus.MANUAL_REVIEW)
        if self.reviewer != reviewer.member_id:
            raise ReviewNotClaimedError("the review must be claimed by this reviewer first")
        verdict = parse_reviewer_decision(decision)
        ensure_may_review(reviewer, self.review_queue, submitters, deciders_of(self.review_history, self.attempt))
        policy = self.decisions.get(self.attempt)
        step = next_review_step(self.review_history, self.attempt, self.review_queue, reviewer, verdict, reason,
                                rules, str(policy["outcome"]["decision"]) if policy else None)
        if step.four_eyes is not None:
            self._review_proposed(attempt=self.attempt, reviewer=reviewer.member_id,
                                  reviewer_name=reviewer.display_name, decision=str(verdict), reason=reason,
                                  four_eyes=step.four_eyes)
            return False
        if self.attempt in self.decisions:
            self._decision_superseded(attempt=self.attempt, superseded_by="review", reason=reason)
        self._review_decided(attempt=self.attempt, reviewer=reviewer.member_id, reviewer_name=reviewer.display_name,
                             decision=str(verdict), reason=reason, approvals=list(step.approvals),
                             user_message_code=review_message_code(verdict, self.review_queue))
        return True

    @event("ReviewDecisionProposed", topic=topics.REVIEW_DECISION_PROPOSED)
    def _review_proposed(self, attempt: int, reviewer: str, reviewer_name: str, decision: str, reason: str,
                         four_eyes: str) -> None:
        self.review_history.append({"step": "proposed", "attempt": attempt, "decision": decision, "reason": reason,
                                    "four_eyes": four_eyes, "reviewer": {"id": reviewer, "name": reviewer_name}})
        self.reviewer = None  # released: a second, different reviewer takes it from here
        self.reviewer_name = None

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

    @event(ReviewDecided)
    def _review_decided(self, attempt: int, reviewer: str, decision: str, reason: str, reviewer_name: str | None,
                        approvals: list[dict[str, Any]], user_message_code: str) -> None:
        self.review_decision = {
            "attempt": attempt, "reviewer": reviewer, "reviewer_name": reviewer_name, "decision": decision,
            "reason": reason, "approvals": list(approvals), "user_message_code": user_message_code,
        }
        self.review_history.append({"step": "decided", "attempt": attempt, "decision": decision, "reason": reason,
                                    "reviewer": {"id": reviewer, "name": reviewer_name}})
        accepted = decision == Decision.ACCEPTED
        self.status = SessionStatus.VERIFIED if accepted else SessionStatus.FAILED

    @event("DecisionSuperseded", topic=topics.DECISION_SUPERSEDED)
    def _decision_superseded(self, attempt: int, superseded_by: str, reason: str) -> None:
        self.superseded.append({"attempt": attempt, "by": superseded_by, "reason": reason})

    # ------------------------------------------------------------------ endings
    def expire(self, now: datetime) -> None:
        """End a pending session whose TTL elapsed (seed 002 ``session_ttl``; seed 003 expired)."""
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

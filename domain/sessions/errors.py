"""Errors of the verification-session domain, each with a stable ``code`` (requirements/platform §14)."""

from __future__ import annotations

from domain.errors import ConflictError, DomainError, InvalidArgumentError


class InvalidSessionConfigurationError(InvalidArgumentError):
    """A session configuration value is outside what the configuration table of requirements/pipeline §1 allows."""

    code = "invalid_session_configuration"


class IllegalTransitionError(DomainError):
    """The session's status does not allow this step (requirements/sessions §5, see ``status.py``)."""

    code = "illegal_status_transition"


class CheckNotRequestedError(InvalidArgumentError):
    """A check result arrived for a check the session's configuration did not ask for."""

    code = "check_not_requested"


class AttemptClosedError(ConflictError):
    """The attempt already has its decision; new captures or results belong to a new attempt."""

    code = "attempt_closed"


class DecisionAlreadyRecordedError(ConflictError):
    """Exactly one decision per attempt: the decision process treats this as already done."""

    code = "decision_already_recorded"


class CaptureLimitReachedError(ConflictError):
    """An attempt keeps at most ``MAX_CAPTURES_PER_KIND`` captures of each kind: more is a client
    looping or abuse, and every capture is an event the session replays and a blob kept."""

    code = "capture_limit_reached"


class RetryLimitReachedError(ConflictError):
    """``max_retries`` of the session configuration (requirements/pipeline §1) is used up."""

    code = "retry_limit_reached"


class SessionNotExpiredError(ConflictError):
    """Expiry was asked for before the session's TTL elapsed."""

    code = "session_not_expired"


class SessionExpiredError(ConflictError):
    """The session's TTL elapsed; it accepts nothing but its expiry."""

    code = "session_expired"


class ReviewNotClaimedError(ConflictError):
    """A review must be claimed by the reviewer who decides it."""

    code = "review_not_claimed"


class PolicyInputError(InvalidArgumentError):
    """Recorded inputs are not enough to evaluate the policy (e.g. a face match without a score)."""

    code = "policy_input_invalid"


class InvalidPolicyError(InvalidArgumentError):
    """A policy document is malformed or its hash does not match its content."""

    code = "invalid_policy"


class ChecksIncompleteError(ConflictError):
    """A decision was offered before every requested check of the attempt completed."""

    code = "checks_incomplete"


class CaseUnderReviewError(ConflictError):
    """The person being verified cannot move a case a reviewer holds, or one a reviewer must take.

    One code whatever the reason (compliance, fraud or an ordinary review), so the answer tells the
    person nothing about the signals behind it (requirements/pipeline §10 "Never reveal fraud details")."""

    code = "case_under_review"


class CaseUnderComplianceReviewError(ConflictError):
    """A sanctions/PEP escalation is closed by a compliance reviewer only (requirements/pipeline §10: "Sanctions hit: No
    retry, escalate to compliance"): no retry, cancellation or move to another queue by a client."""

    code = "case_under_compliance_review"


class CaseUnderFraudReviewError(ConflictError):
    """A case held for suspected fraud is closed by a reviewer only (requirements/pipeline §10 "Suspected fraud")."""

    code = "case_under_fraud_review"


class ManualReviewNotAvailableError(ConflictError):
    """The person may ask for a reviewer only after repeated failure (requirements/capture §1; README: two failed
    attempts), never on a fresh session."""

    code = "manual_review_not_available"


class ReviewAlreadyClaimedError(ConflictError):
    """Another reviewer holds the review."""

    code = "review_already_claimed"

"""Who may move a case: the person being verified cannot steer it (docs/architecture.md §8, last row).

requirements/pipeline §10: "Sanctions hit: No retry, escalate to compliance"; "Suspected fraud: No retry, block +
flag"; "Never reveal fraud details". A case escalated to compliance, held for a fraud signal, or about to
be (its attempt recorded a failed screening or fraud check and waits for its decision) is closed by a
reviewer only: no retry, cancellation or move to the operations queue by a client. The person being
verified (the capture page's client token) never moves a case a reviewer holds, and may ask for a reviewer
only after repeated failure; the tenant's integration may re-submit an ordinary review case and send a
pending case to review at any time (it is the bank deciding, not the person).

Pure functions over the session's state; ``VerificationSession`` calls them from its commands, so every
entry point obeys them. Who calls is read from the audit context (``domain.audit.person_is_calling``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from domain.audit import person_is_calling
from domain.sessions.errors import (
    CaseUnderComplianceReviewError,
    CaseUnderFraudReviewError,
    CaseUnderReviewError,
    ManualReviewNotAvailableError,
)
from domain.sessions.status import SessionStatus
from domain.sessions.values import (
    DOCUMENT_CAPTURES,
    MANUAL_REVIEW_AFTER_FAILED_ATTEMPTS,
    Decision,
    ReviewLock,
    ReviewQueue,
    is_fraud_reason,
)


def failed_attempts(decisions: Mapping[int, Mapping[str, Any]]) -> int:
    """Attempts the policy decided and did not accept (the person's "repeated failure", requirements/capture §1)."""
    return sum(1 for d in decisions.values() if d["outcome"]["decision"] != Decision.ACCEPTED)


def review_lock(status: SessionStatus, queue: str | None, review_reason: str,
                undecided_results: Mapping[str, Mapping[str, Any]] | None) -> ReviewLock | None:
    """Why only a reviewer may close the case, or None.

    ``review_reason`` is the reason recorded when the case went to review (the decision's reason codes);
    ``undecided_results`` are the results of the current attempt when it has no decision yet.
    """
    if status == SessionStatus.MANUAL_REVIEW:
        if queue == ReviewQueue.COMPLIANCE:
            return ReviewLock.COMPLIANCE
        if any(is_fraud_reason(code) for code in review_reason.split(",")):
            return ReviewLock.FRAUD
    if status == SessionStatus.PENDING and undecided_results:
        if undecided_results.get("screening", {}).get("outcome") == "fail":
            return ReviewLock.COMPLIANCE
        if undecided_results.get("fraud", {}).get("outcome") == "fail":
            return ReviewLock.FRAUD
    return None


def ensure_not_steered(lock: ReviewLock | None, status: SessionStatus, action: str) -> None:
    """Refuse ``action`` on a locked case; the person hears one code whatever the reason (no oracle)."""
    if person_is_calling() and (lock is not None or status == SessionStatus.MANUAL_REVIEW):
        raise CaseUnderReviewError(f"cannot {action}: a reviewer decides this case", action=action)
    if lock is ReviewLock.COMPLIANCE:
        raise CaseUnderComplianceReviewError(f"cannot {action}: the case is escalated to compliance",
                                             action=action)
    if lock is ReviewLock.FRAUD:
        raise CaseUnderFraudReviewError(f"cannot {action}: the case is held for fraud review", action=action)


def ensure_manual_review_available(failed: int) -> None:
    """The person may ask for a reviewer after ``MANUAL_REVIEW_AFTER_FAILED_ATTEMPTS`` failed attempts."""
    if person_is_calling() and failed < MANUAL_REVIEW_AFTER_FAILED_ATTEMPTS:
        raise ManualReviewNotAvailableError("manual review is offered after repeated failure",
                                            failed_attempts=failed, required=MANUAL_REVIEW_AFTER_FAILED_ATTEMPTS)


def document_captures_to_keep(captures: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The latest capture of each document kind of an attempt: what a selfie or liveness retry keeps."""
    latest: dict[str, Mapping[str, Any]] = {}
    for capture in captures:
        latest[str(capture["kind"])] = capture
    return [latest[str(kind)] for kind in DOCUMENT_CAPTURES if str(kind) in latest]

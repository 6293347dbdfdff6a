"""Session events as thin, PII-free status messages for live streams, webhooks and the timeline.

Names follow requirements/capture §4 ("Realtime (Pusher)": ``scan.status.updated``, ``liveness.status.updated``,
``manual_review.requested`` on ``verification.{sessionId}``) plus decision, review, retry and
expiry events, and the ``verification.completed`` webhook (requirements/sessions §3) when a session reaches a final
status. A payload holds ids, statuses, outcomes, reason codes and the ledger position only
(docs/architecture.md §5: nothing personal in NATS subjects or webhook payloads).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.checks import CheckType
from domain.sessions.aggregate import VerificationSession
from domain.sessions.status import FINAL_STATUSES, SessionStatus
from domain.sessions.values import ROUTE_STATUS, CaptureKind, Decision, Route
from projections.view import LedgerEntry

SCAN_STATUS = "scan.status.updated"
LIVENESS_STATUS = "liveness.status.updated"
CHECK_STATUS = "check.status.updated"
MANUAL_REVIEW_REQUESTED = "manual_review.requested"
DECISION_MADE = "decision.made"
REVIEW_DECIDED = "review.decided"
REVIEW_PROPOSED = "review.proposed"  # four eyes: a first reviewer's verdict waits for a second
RETRY_REQUESTED = "retry.requested"
SESSION_CREATED = "session.created"
SESSION_EXPIRED = "session.expired"
SESSION_CANCELLED = "session.cancelled"
VERIFICATION_COMPLETED = "verification.completed"  # requirements/sessions §3 webhook

_SCAN_CHECKS = frozenset({CheckType.OCR, CheckType.DATA_VALIDATION, CheckType.FRAUD, CheckType.QUALITY,
                          CheckType.AGE_VERIFICATION})
_LIVENESS_CHECKS = frozenset({CheckType.LIVENESS, CheckType.FACE_MATCH})
_SCAN_CAPTURES = frozenset({CaptureKind.DOCUMENT_FRONT, CaptureKind.DOCUMENT_BACK, CaptureKind.ADDRESS_PROOF})


@dataclass(frozen=True)
class StatusMessage:
    """One status change of one session, ready to publish: ``name`` is the event name of requirements/capture §4."""

    tenant_id: str
    session_id: str
    event_id: str  # "<originator id>:<version>": unique per ledger event, the dedupe key
    name: str
    payload: dict[str, Any]
    is_decision: bool = False  # also goes to the tenant's decision stream
    completes: bool = False  # the session reached a final status (webhook verification.completed)


def event_id(event: Any) -> str:
    return f"{event.originator_id}:{event.originator_version}"


def _check_channel(check: str) -> str:
    kind = CheckType(check)
    if kind in _SCAN_CHECKS:
        return SCAN_STATUS
    return LIVENESS_STATUS if kind in _LIVENESS_CHECKS else CHECK_STATUS


def _decision_fields(outcome: dict[str, Any]) -> dict[str, Any]:
    return {
        "decision": outcome["decision"], "route": outcome["route"], "score": outcome["score"],
        "reason_codes": list(outcome.get("reason_codes", [])),
        "user_message_code": outcome.get("user_message_code"),
        # what the attempt asks for next (requirements/pipeline §12): "selfie" after a face mismatch
        "retry_step": outcome.get("retry_step"),
    }


def _describe(event: Any) -> tuple[str, dict[str, Any]] | None:
    """(name, event-specific fields) for a session event, or None if it is not a status change."""
    if isinstance(event, VerificationSession.Created):
        return SESSION_CREATED, {"status": str(SessionStatus.PENDING)}
    if isinstance(event, VerificationSession.CaptureRecorded):
        channel = SCAN_STATUS if CaptureKind(event.kind) in _SCAN_CAPTURES else LIVENESS_STATUS
        return channel, {"status": "captured", "capture": event.kind, "attempt": event.attempt}
    if isinstance(event, VerificationSession.CaptureCarriedOver):  # a selfie retry keeps the document
        return SCAN_STATUS, {"status": "carried_over", "capture": event.kind, "attempt": event.attempt,
                             "from_attempt": event.from_attempt}
    if isinstance(event, VerificationSession.CheckRequested):
        return _check_channel(event.check), {"status": "processing", "check": event.check,
                                             "attempt": event.attempt}
    if isinstance(event, VerificationSession.CheckCompleted):
        result = event.result
        return _check_channel(result["check"]), {
            "status": "completed", "check": result["check"], "outcome": result["outcome"],
            "reason_codes": list(result["reasons"]), "attempt": event.attempt,
        }
    if isinstance(event, VerificationSession.DecisionMade):
        status = ROUTE_STATUS[Route(event.outcome["route"])]
        return DECISION_MADE, {"status": str(status), "attempt": event.attempt, "policy_hash": event.policy_hash,
                               "decided_by": "policy", **_decision_fields(event.outcome)}
    if isinstance(event, VerificationSession.ManualReviewRequested):
        codes = [c for c in event.reason.split(",") if c]
        return MANUAL_REVIEW_REQUESTED, {"status": str(SessionStatus.MANUAL_REVIEW), "queue": event.queue,
                                         "reason_codes": codes, "attempt": event.attempt}
    if isinstance(event, VerificationSession.ReviewDecided):
        status = SessionStatus.VERIFIED if event.decision == Decision.ACCEPTED else SessionStatus.FAILED
        # The reviewer's outcome supersedes the policy's decision of the attempt: the session's decision
        # from here on (projections.decision_story). Reviewers are named in the ledger, not here.
        return REVIEW_DECIDED, {"status": str(status), "decision": event.decision, "decided_by": "review",
                                "reason_codes": [event.reason], "attempt": event.attempt,
                                "user_message_code": event.user_message_code,
                                "four_eyes": len(event.approvals) > 1}
    if isinstance(event, VerificationSession.ReviewDecisionProposed):
        return REVIEW_PROPOSED, {"status": str(SessionStatus.MANUAL_REVIEW), "attempt": event.attempt,
                                 "four_eyes": event.four_eyes}
    if isinstance(event, VerificationSession.RetryRequested):
        return RETRY_REQUESTED, {"status": str(SessionStatus.PENDING), "attempt": event.attempt,
                                 "step": event.step, "reason_codes": [c for c in event.reason.split(",") if c]}
    if isinstance(event, VerificationSession.Expired):
        return SESSION_EXPIRED, {"status": str(SessionStatus.EXPIRED)}
    if isinstance(event, VerificationSession.Cancelled):
        return SESSION_CANCELLED, {"status": str(SessionStatus.CANCELLED), "reason_codes": [event.reason]}
    return None


def status_message(event: Any, entry: LedgerEntry) -> StatusMessage | None:
    """The status message a session event publishes, or None for events that change no status."""
    described = _describe(event)
    if described is None:
        return None
    name, fields = described
    session_id = str(event.originator_id)
    payload = {
        "event": name, "event_id": event_id(event), "tenant_id": event.tenant_id, "session_id": session_id,
        "occurred_at": event.timestamp.isoformat(), "ledger": entry.as_dict, **fields,
    }
    # scan/liveness messages carry a step status (captured, processing, completed); only session-level
    # messages carry a session status, and a final one completes the verification (requirements/sessions §3).
    session_level = name in (DECISION_MADE, REVIEW_DECIDED, SESSION_EXPIRED, SESSION_CANCELLED)
    completes = session_level and SessionStatus(fields["status"]) in FINAL_STATUSES
    return StatusMessage(
        tenant_id=event.tenant_id, session_id=session_id, event_id=event_id(event), name=name, payload=payload,
        is_decision=name in (DECISION_MADE, REVIEW_DECIDED), completes=completes,
    )


def completion_payload(message: StatusMessage) -> dict[str, Any]:
    """The ``verification.completed`` webhook body (requirements/sessions §3) for a message that ended its session."""
    keep = ("tenant_id", "session_id", "status", "decision", "decided_by", "reason_codes", "attempt", "occurred_at",
            "ledger")
    return {"event": VERIFICATION_COMPLETED, "event_id": message.event_id,
            **{k: message.payload[k] for k in keep if k in message.payload}}


QUOTA_THRESHOLD = "quota.threshold_reached"  # requirements/platform §7: soft-limit events at 80% and 100%


def quota_payload(event: Any) -> dict[str, Any]:
    """The thin webhook body of a ``QuotaThreshold`` event: module, month, percent and counts."""
    return {"event": QUOTA_THRESHOLD, "event_id": event_id(event), "tenant_id": event.owner_tenant_id,
            "module": event.module, "period": event.period, "percent": event.percent, "used": event.used,
            "limit": event.limit, "sandbox": event.sandbox, "occurred_at": event.timestamp.isoformat()}

"""Values recorded by session events: capture kinds, decisions, routes and check-result records."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from domain.checks import CheckResult, CheckType, ModelProvenance, Outcome
from domain.sessions.canonical import to_json_value
from domain.sessions.status import SessionStatus


class CaptureKind(StrEnum):
    """What was captured (requirements/sessions §3 uploads, requirements/pipeline §3 and §5)."""

    DOCUMENT_FRONT = "document_front"
    DOCUMENT_BACK = "document_back"
    SELFIE = "selfie"
    LIVENESS_FRAMES = "liveness_frames"
    LIVENESS_VIDEO = "liveness_video"
    ADDRESS_PROOF = "address_proof"


class Decision(StrEnum):
    """requirements/platform §15 ``decision`` enum; ordered worst to best by ``DECISION_RANK``."""

    ACCEPTED = "accepted"
    REVIEW = "review"
    REJECTED = "rejected"


DECISION_RANK: dict[Decision, int] = {Decision.REJECTED: 0, Decision.REVIEW: 1, Decision.ACCEPTED: 2}


def worst(*decisions: Decision) -> Decision:
    return min(decisions, key=DECISION_RANK.__getitem__)


class Route(StrEnum):
    """What happens next (requirements/liveness step 5 final actions, requirements/pipeline §9 compliance
    escalation)."""

    AUTO_APPROVE = "auto_approve"
    RETRY = "retry"
    ACTIVE_CHALLENGE = "active_challenge"
    MANUAL_REVIEW = "manual_review"
    COMPLIANCE_ESCALATION = "compliance_escalation"
    REJECT = "reject"


ROUTE_STATUS: dict[Route, SessionStatus] = {
    Route.AUTO_APPROVE: SessionStatus.VERIFIED,
    Route.RETRY: SessionStatus.PENDING,
    Route.ACTIVE_CHALLENGE: SessionStatus.PENDING,
    Route.MANUAL_REVIEW: SessionStatus.MANUAL_REVIEW,
    Route.COMPLIANCE_ESCALATION: SessionStatus.MANUAL_REVIEW,
    Route.REJECT: SessionStatus.FAILED,
}


class ReviewQueue(StrEnum):
    OPERATIONS = "operations"  # requirements/pipeline §9: ops agent
    COMPLIANCE = "compliance"  # requirements/pipeline §9: MLRO / compliance officer


SUSPECTED_FRAUD = "suspected_fraud"  # the fraud check failed (requirements/pipeline §10 "Suspected fraud")
FRAUD_UNCERTAIN = "fraud_uncertain"  # a fraud signal a person must look at


def is_fraud_reason(code: str) -> bool:
    """A reason code the policy gives for a fraud signal (``policies.rules.fraud_gate``)."""
    return code in (SUSPECTED_FRAUD, FRAUD_UNCERTAIN) or code.startswith("fraud:")


class ReviewLock(StrEnum):
    """Why only a reviewer may close a case (docs/architecture.md §8: the person being verified
    cannot steer compliance cases)."""

    COMPLIANCE = "compliance"
    FRAUD = "fraud"


# A retry of these steps keeps the attempt's document captures (the accepted scan is not asked again).
CARRY_OVER_STEPS = frozenset({"selfie", "liveness"})
DOCUMENT_CAPTURES = (CaptureKind.DOCUMENT_FRONT, CaptureKind.DOCUMENT_BACK, CaptureKind.ADDRESS_PROOF)
MANUAL_REVIEW_AFTER_FAILED_ATTEMPTS = 2  # README: the person may ask for a reviewer after two failures


def check_result_to_record(result: CheckResult) -> dict[str, Any]:
    """Flatten a ``CheckResult`` to the JSON-safe dict stored in ``CheckCompleted``."""
    return {
        "check": str(result.check),
        "outcome": str(result.outcome),
        "scores": {str(k): float(v) for k, v in result.scores.items()},
        "reasons": [str(r) for r in result.reasons],
        "details": to_json_value(dict(result.details)),
        "models": [
            {"name": m.name, "version": m.version, "weights_sha256": m.weights_sha256} for m in result.models
        ],
    }


def check_result_from_record(record: Mapping[str, Any]) -> CheckResult:
    """Rebuild the ``CheckResult`` a ``CheckCompleted`` event recorded."""
    return CheckResult(
        check=CheckType(record["check"]),
        outcome=Outcome(record["outcome"]),
        scores={str(k): float(v) for k, v in record["scores"].items()},
        reasons=tuple(record["reasons"]),
        details=dict(record["details"]),
        models=tuple(
            ModelProvenance(m["name"], m["version"], m["weights_sha256"]) for m in record["models"]
        ),
    )

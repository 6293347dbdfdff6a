"""The shapes of the review queue's answers (``/v1/reviews``: api/controllers/review.py, and the case's
evidence, api/controllers/review_evidence.py) for the OpenAPI document, with their closed sets as enums.

The handlers answer plain dicts; these Structs describe them field by field, in the same order, and a
test converts real answers into them and encodes them back to the same bytes
(tests/e2e/routes/test_mobile_and_review_views_documented.py).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from api.schemas.enums import DecisionValue, RouteValue, SessionStatus
from api.schemas.session_view import CheckView, DecisionView, RecordedCapture, ReviewerView, SessionView

ReviewQueueName = Annotated[Literal["operations", "compliance"], msgspec.Meta(
    description="operations: the tenant's operations reviewers; compliance: its compliance officers (a sanctions "
                "or PEP hit)")]
FourEyesReason = Annotated[Literal["compliance_escalation", "overturns_rejection", "every_review"], msgspec.Meta(
    description="why a second reviewer is needed: compliance_escalation (a compliance case), overturns_rejection "
                "(accepting what the policy rejected), every_review (the tenant's rule)")]


class Proposal(msgspec.Struct, frozen=True, kw_only=True):
    decision: Annotated[Literal["accepted", "rejected"], msgspec.Meta(description="the first reviewer's verdict")]
    reason: str
    four_eyes: FourEyesReason
    proposed_by: ReviewerView


class ReviewCase(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    queue: ReviewQueueName | None
    attempt: int
    reference: str | None
    claimed_by: ReviewerView | None
    reviewer: Annotated[str, msgspec.Meta(description="the claimant's member id (kept for earlier clients)")] | None
    awaiting_second_review: Proposal | None


class ReviewQueueView(msgspec.Struct, frozen=True, kw_only=True):
    cases: list[ReviewCase]


class ReviewDecided(SessionView, frozen=True, kw_only=True):
    decided: Annotated[bool, msgspec.Meta(description="false: under four eyes, the verdict waits for a second "
                                                      "reviewer")]
    awaiting_second_review: Proposal | None


class EvidenceCapture(msgspec.Struct, frozen=True, kw_only=True):
    index: int
    kind: RecordedCapture
    content_sha256: str
    media_type: str | None
    width: int | None
    height: int | None
    received_at: str | None
    url: Annotated[str, msgspec.Meta(description="the image (null for a liveness answer: see frame_urls)")] | None
    frame_urls: list[str]


class EvidenceCheck(CheckView, frozen=True, kw_only=True):
    details: dict[str, Any]


class PolicyDecision(msgspec.Struct, frozen=True, kw_only=True):
    policy_hash: str
    decision: DecisionValue
    route: RouteValue
    score: float | None
    score_breakdown: list[dict[str, Any]]
    rules: list[dict[str, Any]]
    reason_codes: Annotated[list[str], msgspec.Meta(description="the policy's reason codes")]  # items: ReasonCode
    user_message_code: str | None


class EvidenceAttempt(msgspec.Struct, frozen=True, kw_only=True):
    attempt: int
    captures: list[EvidenceCapture]
    extracted_data: dict[str, str]
    field_comparisons: list[dict[str, Any]]
    checks: list[EvidenceCheck]
    screening_hits: list[dict[str, Any]]
    policy_decision: PolicyDecision | None


class ReviewEvidence(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    status: SessionStatus
    queue: ReviewQueueName | None
    attempt: int
    reference: str | None
    created_at: str
    claimed_by: ReviewerView | None
    review_history: list[dict[str, Any]]
    attempts: list[EvidenceAttempt]
    notes: list[dict[str, Any]]
    decision: DecisionView | None
    decision_history: list[DecisionView]

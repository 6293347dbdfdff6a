"""The shape of ``GET /v1/sessions/{id}`` for the OpenAPI document, with its closed sets as enums.

The handler answers a plain dict (``api.controllers.product.session_view``); these Structs describe
it, and a test converts real answers into them (tests/e2e/routes/test_enums_documented.py), so the
document cannot promise a value the server does not send. Unknown members are allowed: the view may
grow without breaking a client.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from api.schemas.enums import (
    CaptureTypeName,
    CheckOutcome,
    CheckReason,
    DecisionValue,
    RecordedCheck,
    RetryStep,
    RouteValue,
    SessionStatus,
)

# Recorded capture kinds: the upload types, with ``video`` recorded as ``liveness_video``.
RecordedCapture = Annotated[CaptureTypeName | Literal["liveness_video"], msgspec.Meta(
    description="a capture of the attempt; an uploaded video is recorded as liveness_video")]


class ModelView(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    version: str
    weights_sha256: str | None = None


class CheckView(msgspec.Struct, frozen=True, kw_only=True):
    check: RecordedCheck
    outcome: CheckOutcome
    scores: dict[str, Any]
    reasons: list[CheckReason]
    sandbox: bool
    models: list[ModelView]


class ReviewerView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str | None = None


class SupersededDecision(msgspec.Struct, frozen=True, kw_only=True):
    decision: DecisionValue
    route: RouteValue | None
    policy_hash: str


class DecisionView(msgspec.Struct, frozen=True, kw_only=True):
    attempt: int
    decided_by: Annotated[Literal["policy", "review"], msgspec.Meta(
        description="policy: the tenant's policy decided; review: a named reviewer did, and supersedes it")]
    decision: DecisionValue
    route: RouteValue | None
    score: float | None
    reasons: Annotated[list[str], msgspec.Meta(
        description="decided_by policy: the policy's reason codes (the ReasonCode schema); decided_by review: the "
                    "reviewer's reason")]
    user_message: str | None = None
    retry_step: RetryStep | None = None
    policy_hash: str | None = None
    # decided_by policy: what superseded it, if anything; decided_by review: who decided and what it superseded.
    superseded_by: Literal["review"] | msgspec.UnsetType | None = msgspec.UNSET
    reviewers: list[ReviewerView] | msgspec.UnsetType = msgspec.UNSET
    supersedes: SupersededDecision | msgspec.UnsetType | None = msgspec.UNSET


class SessionView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    status: SessionStatus
    attempt: int
    reference: str | None
    subject_id: str
    expires_at: str
    liveness_type: Literal["passive", "active"]
    checks_requested: list[RecordedCheck]
    captures: list[RecordedCapture]
    checks_attempt: int
    checks: list[CheckView]
    extracted_data: dict[str, str]
    decision: DecisionView | None
    decision_history: list[DecisionView]
    review: dict[str, Any] | None
    retries_left: int
    challenge: dict[str, Any] | None
    sandbox: bool


"""The API's enums, from ``domain.vocabulary``: each value listed in the OpenAPI document with its meaning.

The ``Literal`` types are spelled out so type checkers and litestar see them; a unit test keeps each
equal to its domain set (tests/unit/api/test_enums.py).
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from domain.check_reasons import CHECK_REASON_FAMILIES, CHECK_REASONS
from domain.sessions.configuration import REQUESTABLE_CHECKS
from domain.vocabulary import (
    CAPTURE_TYPES,
    CHECK_OUTCOMES,
    CHECK_TYPES,
    DECISIONS,
    REASON_CODES,
    REASON_FAMILIES,
    RETRY_STEPS,
    ROUTES,
    SESSION_STATUSES,
    WEBHOOK_EVENT_TYPES,
    described,
)

RequestableCheckName = Literal["ocr", "face_match", "liveness", "fraud", "data_validation", "age_verification",
                               "kya", "screening"]
CheckName = Literal["quality", "ocr", "face_match", "liveness", "fraud", "data_validation", "age_verification",
                    "kya", "screening", "address_proof"]
JobStatus = Literal["queued", "accepted"]
CaptureTypeName = Literal["document_front", "document_back", "selfie", "liveness_frames", "video", "address_proof"]
SessionStatusName = Literal["pending", "verified", "failed", "expired", "cancelled", "manual_review"]
DecisionName = Literal["accepted", "review", "rejected"]
RouteName = Literal["auto_approve", "retry", "active_challenge", "manual_review", "compliance_escalation", "reject"]
OutcomeName = Literal["pass", "uncertain", "fail"]
RetryStepName = Literal["capture", "document_capture", "selfie", "liveness", "address_capture", "all"]
TenantRoleName = Literal["admin", "reviewer", "compliance", "auditor", "agent"]
KeyRoleName = Literal["client", "auditor", "operator", "admin", "reviewer", "compliance"]
PlanName = Literal["free", "pro", "enterprise"]
EnvironmentName = Literal["live", "sandbox"]
WebhookEventTypeName = Literal[
    "verification.completed", "session.created", "scan.status.updated", "liveness.status.updated",
    "check.status.updated", "decision.made", "retry.requested", "manual_review.requested", "review.proposed",
    "review.decided", "session.expired", "session.cancelled", "quota.threshold_reached"]

RequestableCheck = Annotated[RequestableCheckName, msgspec.Meta(
    description="a check to run:\n" + described({k: v for k, v in CHECK_TYPES.items() if k in REQUESTABLE_CHECKS}))]
RecordedCheck = Annotated[CheckName, msgspec.Meta(description="a recorded check:\n" + described(CHECK_TYPES))]
CaptureType = Annotated[CaptureTypeName, msgspec.Meta(description="what is uploaded:\n" + described(CAPTURE_TYPES))]
SessionStatus = Annotated[SessionStatusName, msgspec.Meta(description="the session's status:\n"
                                                          + described(SESSION_STATUSES))]
DecisionValue = Annotated[DecisionName, msgspec.Meta(description="the decision:\n" + described(DECISIONS))]
RouteValue = Annotated[RouteName, msgspec.Meta(description="what happens next:\n" + described(ROUTES))]
RetryStep = Annotated[RetryStepName, msgspec.Meta(description="what a retry asks again:\n" + described(RETRY_STEPS))]
CheckOutcome = Annotated[OutcomeName, msgspec.Meta(description="a check's outcome:\n" + described(CHECK_OUTCOMES))]
WebhookEventType = Annotated[WebhookEventTypeName, msgspec.Meta(
    description="an event a webhook endpoint receives:\n" + described(WEBHOOK_EVENT_TYPES))]
_FAMILY_PATTERN = "|".join(REASON_FAMILIES)
REASON_CODE_PATTERN = f"^({'|'.join(REASON_CODES)}|({_FAMILY_PATTERN}):[a-z0-9_.:-]+)$"
ReasonCode = Annotated[str, msgspec.Meta(
    pattern=REASON_CODE_PATTERN,
    description="an internal reason of the policy (never shown to the person):\n" + described(REASON_CODES)
    + "\n\nfollowed by detail codes `<family>:<reason>`:\n" + described({f"{k}:*": v for k, v in
                                                                        REASON_FAMILIES.items()}))]
_CHECK_FAMILY_PATTERN = "|".join(CHECK_REASON_FAMILIES)
CHECK_REASON_PATTERN = f"^({'|'.join(CHECK_REASONS)}|({_CHECK_FAMILY_PATTERN}):[a-z0-9_.:,-]+)$"
CheckReason = Annotated[str, msgspec.Meta(
    pattern=CHECK_REASON_PATTERN,
    description="a check's recorded reason (internal, never shown to the person):\n" + described(CHECK_REASONS)
    + "\n\nand codes with a detail part `<family>:<detail>`:\n" + described({f"{k}:*": v for k, v in
                                                                            CHECK_REASON_FAMILIES.items()}))]

# The named schemas the OpenAPI document lists under ``components`` (api.openapi.finish_document).
ENUM_COMPONENTS: dict[str, object] = {
    "CheckType": RecordedCheck, "RequestableCheck": RequestableCheck, "CaptureType": CaptureType,
    "SessionStatus": SessionStatus, "Decision": DecisionValue, "Route": RouteValue, "CheckOutcome": CheckOutcome,
    "RetryStep": RetryStep, "ReasonCode": ReasonCode, "CheckReason": CheckReason,
    "WebhookEventType": WebhookEventType}

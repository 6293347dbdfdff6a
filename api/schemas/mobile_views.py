"""The shapes of the mobile flow's answers (``/kyc/*``, api/controllers/mobile.py) for the OpenAPI document.

The handlers answer plain dicts in seed-compatible camelCase; these Structs describe them field by field,
in the same order, with their closed sets as enums. A test converts real answers into them and encodes
them back to the same bytes (tests/e2e/routes/test_mobile_and_review_views_documented.py), so the document cannot
promise a field or a value the server does not send.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from api.schemas.enums import CheckOutcome, DecisionValue, RetryStep, RouteValue, SessionStatus
from api.schemas.session_view import CheckView

NextStep = Annotated[Literal["done", "retry", "wait", "none"], msgspec.Meta(
    description="what the person does next: done (verified), retry (a new attempt is open, see retryStep), wait "
                "(a person reviews the case), none (nothing more to do here)")]
ScanStatus = Annotated[Literal["pending", "success", "failed"], msgspec.Meta(
    description="pending: not read yet; success: the document's MRZ or barcode was read; failed: otherwise")]
ReadDocumentTypeName = Literal["passport", "id_card", "driver_license", "residence_permit", "visa", "other"]
ReadDocumentType = Annotated[ReadDocumentTypeName, msgspec.Meta(
    description="the document type the reader classified (domain.ports.document.DocumentType)")]
StepStatus = Annotated[Literal["pending", "success", "failed"], msgspec.Meta(
    description="pending: liveness or face match has no result yet; success: both passed; failed: otherwise")]


class MobileDecision(msgspec.Struct, frozen=True, kw_only=True):
    attempt: int
    decision: DecisionValue
    route: RouteValue
    reasons: Annotated[list[str], msgspec.Meta(description="the policy's reason codes")]  # items: ReasonCode
    retryStep: RetryStep | None
    userMessage: str
    nextStep: NextStep


class ScanOcr(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    dob: str
    expiry: str


class ScanView(msgspec.Struct, frozen=True, kw_only=True):
    scanId: str
    sessionId: str
    status: ScanStatus
    ocr: ScanOcr
    idType: ReadDocumentType | None
    mrzFound: bool
    pdf417Found: bool
    checks: list[CheckView]
    decision: MobileDecision | None


class LivenessView(msgspec.Struct, frozen=True, kw_only=True):
    sessionId: str
    attempt: int
    nextAttempt: int | None
    decision: MobileDecision | None
    sessionStatus: SessionStatus
    livenessStatus: CheckOutcome | Literal["pending"]
    livenessPassed: bool
    match: bool
    faceMatchScore: float | None
    status: StepStatus


class RetryView(msgspec.Struct, frozen=True, kw_only=True):
    sessionId: str
    attempt: int
    status: SessionStatus


class SessionStatusView(msgspec.Struct, frozen=True, kw_only=True):
    sessionId: str
    status: SessionStatus


class HelpLogged(msgspec.Struct, frozen=True, kw_only=True):
    sessionId: str
    logged: bool

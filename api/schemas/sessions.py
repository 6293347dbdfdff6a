"""Bodies of the session routes (requirements/pipeline §1 configuration, requirements/sessions §3)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from api.dto import Dto
from api.schemas.enums import CaptureType, JobStatus, RecordedCheck, RequestableCheck, SessionStatus
from domain.ports.media import LIVENESS_FRAME_MAX_SIDE, MAX_LIVENESS_FRAMES
from domain.sessions.guards import REFERENCE_PATTERN

REFERENCE = msgspec.Meta(
    pattern=REFERENCE_PATTERN,
    description="your opaque id for the case (1-100 letters, digits, _ . : -): no names or e-mail addresses; it "
                "stays readable after erasure so that receipts match your records")
CODE = msgspec.Meta(pattern=r"^[a-z][a-z0-9_.:-]{0,79}$", description="a short lowercase code, never free text")
BASE64_IMAGE = msgspec.Meta(min_length=1, description="JPEG, PNG or WebP, base64 (max 10 MB decoded)")
FRAMES = msgspec.Meta(description=(
    f"liveness frames answering the challenge (2-{MAX_LIVENESS_FRAMES}), each a JPEG, PNG or WebP, base64 (max 10 MB "
    f"decoded); a frame whose longer side exceeds {LIVENESS_FRAME_MAX_SIDE} pixels is stored, and judged, shrunk to "
    f"{LIVENESS_FRAME_MAX_SIDE} (the liveness models work at 640): send frames of at most that size"))
CHECKS = msgspec.Meta(description=(
    "Checks to run. Default ocr, face_match, liveness (the example configuration of requirements/pipeline). "
    "data_validation "
    "(expiry, MRZ check digits, dates, minimum age 18) is always added when a check reads the document "
    "(ocr, face_match, fraud, age_verification, screening, kya): a face that matches an expired or altered "
    "document must never be accepted, and an expired one gets requirements/pipeline's 'Your document has expired. "
    "Please "
    "use a valid ID.' with a retry for another document. fraud (uncalibrated document forensics) is not a "
    "default: request it to send suspicious captures to review."))
# The document a client expects (requirements/sessions §2-§3): domain EXPECTED_DOCUMENT_TYPES, as an enum.
ExpectedDocumentType = Literal["passport", "id_card", "national_id", "driver_license", "residence_permit"]
EXPECTED_COUNTRY = msgspec.Meta(
    pattern="^[A-Z]{2,3}$", examples=["MA"],
    description="the expected issuing country of the document, ISO 3166 alpha-2 or alpha-3 (recorded as alpha-3): "
                "a document from another country is refused with a retry, one whose country cannot be read goes "
                "to review. Needs ocr among the checks")
EXPECTED_TYPE = msgspec.Meta(
    description="the expected document type (national_id is an id_card): another type is refused with a retry. "
                "Needs ocr among the checks")
BASE64_VIDEO = msgspec.Meta(min_length=1, description="MP4 or WebM, base64 (max 10 MB decoded, 15 s, 600 frames)")


class SessionCreate(Dto, frozen=True, kw_only=True):
    """requirements/pipeline §1 configuration table; defaults are its example values."""

    checks: Annotated[list[RequestableCheck], CHECKS] = msgspec.field(
        default_factory=lambda: ["ocr", "face_match", "liveness"])
    liveness_type: Annotated[Literal["passive", "active"], msgspec.Meta(
        description="active (default): the person answers the session's challenge (a blink and a movement) with "
                    "liveness_frames or a video. passive: one selfie; its pass counts as uncertain under the default "
                    "policy (a new attempt with an active challenge follows) unless the tenant's policy opts in",
    )] = "active"
    accepted_documents: list[Annotated[Literal["passport", "id_card", "driver_license", "residence_permit", "other"],
                                       msgspec.Meta(description="a document type the session accepts")]] | None = None
    accepted_countries: list[str] = msgspec.field(default_factory=list)
    face_match_threshold: Annotated[float, msgspec.Meta(gt=0, lt=1)] = 0.65
    require_address_proof: Annotated[bool, msgspec.Meta(
        description="an address document (type address_proof) must be uploaded and is checked against the "
                    "ID's name, for an address and for a date in the last 3 months")] = False
    max_retries: Annotated[int, msgspec.Meta(ge=0, le=10)] = 3
    session_ttl_seconds: Annotated[int, msgspec.Meta(ge=60, le=604800)] = 1800
    webhook_url: Annotated[str, msgspec.Meta(max_length=2000)] | None = None
    reference: Annotated[str, REFERENCE] | None = None
    country: Annotated[str, EXPECTED_COUNTRY] | None = None
    document_type: Annotated[ExpectedDocumentType, EXPECTED_TYPE] | None = None


class CaptureUpload(Dto, frozen=True, kw_only=True):
    """One capture: ``image_base64`` for images, ``frames_base64`` + offsets + nonce for liveness frames,
    ``video_base64`` + nonce for a short liveness video (MP4 or WebM, <= 15 s, sampled into frames)."""

    type: CaptureType
    image_base64: Annotated[str, BASE64_IMAGE] | None = None
    frames_base64: Annotated[list[str], FRAMES] | None = None
    frame_offsets_ms: list[int] | None = None
    video_base64: Annotated[str, BASE64_VIDEO] | None = None
    challenge_nonce: Annotated[str, msgspec.Meta(min_length=16, max_length=128)] | None = None


class CancelRequest(Dto, frozen=True, kw_only=True):
    reason: Annotated[str, CODE] = "client_cancelled"


class SessionCreated(Dto, frozen=True, kw_only=True):
    id: str
    status: SessionStatus
    client_token: str
    expires_at: str
    challenge: dict[str, Any] | None
    sandbox: bool
    webhook_secret: str | None = None  # whsec_ signing secret of webhook_url, in this answer only


class CaptureAccepted(Dto, frozen=True, kw_only=True):
    session_id: str
    type: CaptureType
    attempt: int
    content_sha256: str
    media_type: str
    width: int | None = None
    height: int | None = None
    frames: int | None = None


class CompleteAccepted(Dto, frozen=True, kw_only=True):
    id: str
    status: SessionStatus
    job_id: str
    job_status: JobStatus
    checks_requested: list[RecordedCheck]

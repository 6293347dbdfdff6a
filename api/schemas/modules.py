"""Bodies of the standalone module routes, shaped as requirements/platform §8."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from api.dto import Dto
from api.schemas.enums import RequestableCheck
from api.schemas.sessions import CHECKS, EXPECTED_COUNTRY, EXPECTED_TYPE, FRAMES, REFERENCE, ExpectedDocumentType

B64 = msgspec.Meta(min_length=1, description="JPEG, PNG or WebP, base64 (max 10 MB decoded)")
SHORT = msgspec.Meta(max_length=320)
CHALLENGE_CHECKS = msgspec.Meta(description=(
    "Checks of the verification the challenge opens; default liveness (liveness alone reads no document). As for "
    "every session, data_validation is added when a check reads the document (ocr, face_match, fraud, "
    "age_verification, screening, kya)."))


class LivenessAnalyze(Dto, frozen=True, kw_only=True):
    """requirements/platform §8.1: ``image_live_base64`` + ``hints`` (passive), or frames for a challenge."""

    image_live_base64: Annotated[str, B64] | None = None
    hints: dict[str, bool] = msgspec.field(default_factory=dict)
    frames_base64: Annotated[list[str], FRAMES] | None = None
    frame_offsets_ms: list[int] | None = None
    challenge_id: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    challenge_nonce: Annotated[str, msgspec.Meta(min_length=16, max_length=128)] | None = None
    selfie_base64: Annotated[str, B64] | None = None


class ChallengeCreate(Dto, frozen=True, kw_only=True):
    """A server-issued active-liveness challenge; ``checks`` when it will open an instant verification."""

    checks: Annotated[list[RequestableCheck], CHALLENGE_CHECKS] = msgspec.field(default_factory=lambda: ["liveness"])
    reference: Annotated[str, REFERENCE] | None = None
    country: Annotated[str, EXPECTED_COUNTRY] | None = None
    document_type: Annotated[ExpectedDocumentType, EXPECTED_TYPE] | None = None


class DocumentOcr(Dto, frozen=True, kw_only=True):
    """requirements/platform §8.2."""

    image_front_base64: Annotated[str, B64]
    image_back_base64: Annotated[str, B64] | None = None
    document_hint: Annotated[str, msgspec.Meta(
        pattern="^(auto|passport|id_card|driver_license|residence_permit)$")] = "auto"
    country_hint: Annotated[str, msgspec.Meta(pattern="^(auto|[A-Z]{2,3})$")] = "auto"


class DocumentValidate(Dto, frozen=True, kw_only=True):
    """requirements/platform §8.3: MRZ text, a PDF417 ``barcode_payload``, or an OCR result carrying ``fields.mrz``."""

    mrz: Annotated[str, msgspec.Meta(min_length=10, max_length=300)] | None = None
    barcode_payload: Annotated[str, msgspec.Meta(min_length=10, max_length=5000)] | None = None
    ocr_result: dict[str, Any] | None = None
    min_age: Annotated[int, msgspec.Meta(ge=0, le=120)] = 18


class FaceMatch(Dto, frozen=True, kw_only=True):
    """requirements/platform §8.4."""

    image_live_base64: Annotated[str, B64]
    image_reference_base64: Annotated[str, B64]
    threshold: Annotated[float, msgspec.Meta(gt=0, le=1)] | None = None


class KyaCheck(Dto, frozen=True, kw_only=True):
    """requirements/platform §3.6 (basic profile)."""

    phone: Annotated[str, SHORT] | None = None
    email: Annotated[str, SHORT] | None = None
    declared_name: Annotated[str, SHORT] | None = None
    document_name: Annotated[str, SHORT] | None = None
    country: Annotated[str, msgspec.Meta(pattern="^[A-Za-z]{2,3}$")] | None = None
    ip: Annotated[str, msgspec.Meta(max_length=64)] | None = None


class VerifyRequest(Dto, frozen=True, kw_only=True):
    """Instant verification, requirements/sessions §2 (also the body of the asynchronous ``/v1/kyc/verify``)."""

    document_front: Annotated[str, B64]
    selfie: Annotated[str, B64]
    document_back: Annotated[str, B64] | None = None
    checks: Annotated[list[RequestableCheck], CHECKS] = msgspec.field(
        default_factory=lambda: ["ocr", "face_match", "liveness"])
    country: Annotated[str, EXPECTED_COUNTRY] | None = None
    document_type: Annotated[ExpectedDocumentType, EXPECTED_TYPE] | None = None
    reference: Annotated[str, REFERENCE] | None = None
    liveness_type: Annotated[Literal["passive", "active"], msgspec.Meta(
        description="active (default): send challenge_id (from POST /v1/liveness/challenges with these checks), "
                    "challenge_nonce and the frames answering it. passive: the selfie alone, whose pass counts as "
                    "uncertain unless the tenant's policy opts in")] = "active"
    challenge_id: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    challenge_nonce: Annotated[str, msgspec.Meta(min_length=16, max_length=128)] | None = None
    frames_base64: Annotated[list[str], FRAMES] | None = None
    frame_offsets_ms: list[int] | None = None

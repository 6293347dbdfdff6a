"""Check results as the policy reads them: outcome, scores, reasons and model provenance.

Every ML adapter maps its rich result onto a ``CheckResult``; the policy only ever sees these
(docs/architecture.md §6: pure functions over recorded check results). Nothing personal goes in
``details`` or ``reasons``: personal data travels as ``PersonalData`` in the events that carry it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class CheckType(StrEnum):
    """The checks a session may request (requirements/pipeline §1, requirements/sessions §4)."""

    QUALITY = "quality"
    OCR = "ocr"
    FACE_MATCH = "face_match"
    LIVENESS = "liveness"
    FRAUD = "fraud"
    DATA_VALIDATION = "data_validation"
    AGE_VERIFICATION = "age_verification"
    KYA = "kya"
    SCREENING = "screening"
    ADDRESS_PROOF = "address_proof"  # requirements/pipeline §1 ``require_address_proof``


class Outcome(StrEnum):
    """pass / uncertain / fail, kept separate per signal (requirements/liveness §5)."""

    PASS = "pass"
    UNCERTAIN = "uncertain"
    FAIL = "fail"


@dataclass(frozen=True)
class ModelProvenance:
    """Which model produced a result: recorded in every check event (docs/architecture.md §3)."""

    name: str
    version: str
    weights_sha256: str


@dataclass(frozen=True)
class CheckResult:
    """One completed check, free of personal data.

    ``scores`` holds the numbers the policy reasons over (e.g. ``{"similarity": 0.71}``),
    ``reasons`` stable machine codes (e.g. ``"mrz_checksum_fail"``), ``details`` JSON-safe context.
    """

    check: CheckType
    outcome: Outcome
    scores: Mapping[str, float] = field(default_factory=dict)
    reasons: tuple[str, ...] = ()
    details: Mapping[str, object] = field(default_factory=dict)
    models: tuple[ModelProvenance, ...] = ()

"""Document ports: read a document image (and the back side), validate what was read.

``DocumentReader`` turns images into a :class:`DocumentReading`: the detected type and issuing
country, the extracted fields as ``PersonalData``, the capture quality with guidance codes, forensic
signals and the models used. ``DocumentValidator`` applies the formal rules of requirements/platform §3.3.
:func:`to_check_results` maps both onto the policy's ``CheckResult`` values (OCR, data_validation,
fraud, quality) without any personal value in them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Protocol

from domain.checks import CheckResult, CheckType, ModelProvenance, Outcome
from domain.documents.aamva_fields import LicenceData
from domain.documents.mrz import MrzRecord
from domain.documents.validation import DocumentValidation, failure_codes
from domain.personal_data import PersonalData


class DocumentType(StrEnum):
    """requirements/platform §15 ``document_type``."""

    PASSPORT = "passport"
    ID_CARD = "id_card"
    DRIVER_LICENSE = "driver_license"
    RESIDENCE_PERMIT = "residence_permit"
    VISA = "visa"  # ICAO 9303 part 7 machine readable visas (MRV-A/B): a travel permission, not an identity
    OTHER = "other"


class Guidance(StrEnum):
    """What the user is told to do when a capture fails the quality gate (requirements/pipeline §3)."""

    HOLD_STEADY = "hold_steady"
    REDUCE_GLARE = "reduce_glare"
    IMPROVE_LIGHTING = "improve_lighting"
    REDUCE_LIGHTING = "reduce_lighting"
    MOVE_DOCUMENT_INTO_FRAME = "move_document_into_frame"
    ALIGN_DOCUMENT = "align_document"
    MOVE_CLOSER = "move_closer"
    MOVE_FURTHER = "move_further"


@dataclass(frozen=True)
class QualityIssue:
    """One failed quality measure, its measured value, the threshold and the guidance to show."""

    measure: str
    value: float
    threshold: str
    guidance: Guidance


@dataclass(frozen=True)
class QualityReport:
    """Capture quality measures (requirements/pipeline §3 table) and the issues among them."""

    sharpness: float  # variance of the Laplacian on the document region
    brightness: float  # mean grey level 0-255
    glare_ratio: float  # share of the document area that is blown out
    document_found: bool  # four corners found
    skew_degrees: float
    frame_coverage: float  # document width / frame width
    issues: tuple[QualityIssue, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.issues


@dataclass(frozen=True)
class ForensicSignal:
    """A weak authenticity signal: ``score`` 0-1 (higher = more suspicious) and how far to trust it.

    Never a verdict on its own (requirements/pipeline §4): the policy may only raise scrutiny with it.
    """

    name: str
    score: float
    confidence: float
    note: str


@dataclass(frozen=True)
class DetectedDocument:
    """requirements/platform §8.2 ``detected``: type, ISO 3166 alpha-3 country (or ICAO code) and confidence."""

    type: DocumentType
    country: str | None
    confidence: float
    basis: str  # what the classification rests on: "mrz", "barcode", "text"


@dataclass(frozen=True)
class DocumentReading:
    """Everything read from one document. ``fields`` are personal; ``mrz``/``licence`` are the parsed
    machine-readable zones (personal too: keep them in memory, never in logs or check details)."""

    detected: DetectedDocument
    fields: Mapping[str, PersonalData]
    quality: QualityReport
    mrz: MrzRecord | None = None
    licence: LicenceData | None = None
    printed_text: tuple[str, ...] = ()
    portrait_jpeg: bytes | None = None
    # The portrait's face as the reader found it, in ``portrait_jpeg``'s pixels (box x, y, w, h, five
    # landmarks as x, y: right eye, left eye, nose tip, right and left mouth corner, then the
    # detector's score): the face match aligns on it instead of searching the crop again
    # (docs/targets.md §5). ``None`` when the reader gives no face with the crop.
    portrait_face: tuple[float, ...] | None = None
    forensics: tuple[ForensicSignal, ...] = ()
    models: tuple[ModelProvenance, ...] = ()
    timings_ms: Mapping[str, float] = field(default_factory=dict)
    turned_degrees: int = 0  # the page was read turned counter-clockwise by this much (photo not upright)
    read_hint: str | None = None  # nothing machine-readable: what to do (e.g. "rotate_document")


class DocumentReader(Protocol):
    """Reads a document from images of its front and, optionally, its back."""

    def read(self, front: bytes, back: bytes | None = None, *, subject_id: str) -> DocumentReading:
        """Detect, rectify, OCR and decode; personal fields are tagged with ``subject_id``.

        Raises a ``DomainError`` with a stable code for undecodable input; a missing model raises an
        error naming the model and how to install it.
        """
        ...


class PortraitCropper(Protocol):
    """Crops the holder's portrait out of a photo of a document's front (the face match's reference)."""

    def crop(self, front: bytes) -> bytes | None:
        """The portrait as JPEG, found on the rectified document as the reader finds it; None when the
        image shows no face. Raises a ``DomainError`` with a stable code for undecodable input."""
        ...


class DocumentValidator(Protocol):
    """Applies the formal document rules to a reading."""

    def validate(self, reading: DocumentReading, *, today: date, min_age: int) -> DocumentValidation:
        """``today`` and ``min_age`` come from the caller (clock and tenant policy)."""
        ...


def data_validation_result(validation: DocumentValidation) -> CheckResult:
    """The ``data_validation`` check: pass when valid, fail when a rule failed, else uncertain (nothing
    machine-readable to judge). An expired document's reason is ``document_expired`` (``failure_codes``)."""
    failed = failure_codes(validation)
    data_outcome = Outcome.FAIL if failed else Outcome.UNCERTAIN
    return CheckResult(
        check=CheckType.DATA_VALIDATION,
        outcome=Outcome.PASS if validation.document_valid else data_outcome,
        scores={"confidence": validation.confidence}, reasons=failed,
        details={"checks": {c.name: c.status.value for c in validation.checks}},
    )


def _hint(read_hint: str | None) -> tuple[str, ...]:
    return (f"read_hint:{read_hint}",) if read_hint else ()


def to_check_results(reading: DocumentReading, validation: DocumentValidation) -> tuple[CheckResult, ...]:
    """The policy's view: quality, OCR, data validation and fraud results, free of personal data."""
    quality = CheckResult(
        check=CheckType.QUALITY, outcome=Outcome.PASS if reading.quality.passed else Outcome.FAIL,
        scores={"sharpness": reading.quality.sharpness, "brightness": reading.quality.brightness,
                "glare_ratio": reading.quality.glare_ratio, "frame_coverage": reading.quality.frame_coverage},
        reasons=tuple(i.guidance.value for i in reading.quality.issues),
        details={"document_found": reading.quality.document_found},
    )
    machine_readable = reading.mrz is not None or reading.licence is not None
    ocr = CheckResult(
        check=CheckType.OCR, outcome=Outcome.PASS if machine_readable else Outcome.UNCERTAIN,
        scores={"classification_confidence": reading.detected.confidence},
        reasons=() if machine_readable else ("no_machine_readable_zone", *_hint(reading.read_hint)),
        details={"document_type": reading.detected.type.value, "country": reading.detected.country,
                 "basis": reading.detected.basis,
                 "mrz_repaired_fields": len(reading.mrz.repaired) if reading.mrz else 0,
                 **({"turned_degrees": reading.turned_degrees} if reading.turned_degrees else {})},
        models=reading.models,
    )
    data = data_validation_result(validation)
    # Forensic signals are weak evidence: at most "uncertain", never a failure on their own.
    suspicious = tuple(s.name for s in reading.forensics if s.score >= 0.5)
    fraud = CheckResult(
        check=CheckType.FRAUD, outcome=Outcome.UNCERTAIN if suspicious else Outcome.PASS,
        scores={s.name: s.score for s in reading.forensics}, reasons=suspicious,
        details={"signal_confidence": {s.name: s.confidence for s in reading.forensics}},
    )
    return quality, ocr, data, fraud

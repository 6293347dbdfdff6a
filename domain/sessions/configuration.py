"""The configuration a verification session is created with (requirements/pipeline §1 table).

Stored in the ``Created`` event as plain JSON (``to_dict``) so the recorded form stays stable;
``from_dict`` validates again when read back, so a decision never reasons over a bad value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from domain.checks import CheckType
from domain.documents.country_codes import to_alpha3
from domain.sessions.errors import InvalidSessionConfigurationError


class DocumentType(StrEnum):
    """requirements/platform §15 ``document_type`` enum (requirements/pipeline §1 uses other spellings of the same)."""

    PASSPORT = "passport"
    ID_CARD = "id_card"
    DRIVER_LICENSE = "driver_license"
    RESIDENCE_PERMIT = "residence_permit"
    OTHER = "other"


# The document types a client may expect (``document_type`` of requirements/sessions §2-§3): every
# type but ``other``, plus ``national_id``, the requirements' name for an identity card.
EXPECTED_DOCUMENT_TYPES: dict[str, DocumentType] = {
    **{str(t): t for t in DocumentType if t is not DocumentType.OTHER}, "national_id": DocumentType.ID_CARD}


class LivenessType(StrEnum):
    """requirements/pipeline §1 ``liveness_type``: passive (single frame) or active (challenges)."""

    PASSIVE = "passive"
    ACTIVE = "active"


# requirements/sessions §4 "Verification checks" plus kya and screening; quality is a capture check
# recorded by the ML side whenever it runs, never something a client requests. The address proof
# check has one switch, ``require_address_proof`` (requirements/pipeline §1): listing it in ``checks`` is refused.
REQUESTABLE_CHECKS: frozenset[CheckType] = frozenset(CheckType) - {CheckType.QUALITY, CheckType.ADDRESS_PROOF}

# Checks that read the identity document (its text, its fields or its portrait): a session asking for
# any of them needs a document_front capture, and the document is validated (see
# ``SessionConfiguration.with_document_validation``).
DOCUMENT_READING_CHECKS: frozenset[CheckType] = frozenset({
    CheckType.OCR, CheckType.DATA_VALIDATION, CheckType.FRAUD, CheckType.AGE_VERIFICATION, CheckType.SCREENING,
    CheckType.KYA, CheckType.FACE_MATCH})

_COUNTRY = re.compile(r"^[A-Z]{2,3}$")  # ISO 3166 alpha-2 or alpha-3 (requirements/pipeline §1)
MAX_SESSION_TTL_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class SessionConfiguration:
    """What a session accepts and checks. Defaults are the example values of requirements/pipeline §1."""

    accepted_documents: tuple[DocumentType, ...] = (
        DocumentType.PASSPORT,
        DocumentType.DRIVER_LICENSE,
        DocumentType.ID_CARD,
    )
    accepted_countries: tuple[str, ...] = ()  # empty: any country
    # Active by default: a passive (single-frame) check cannot prove a live person (docs/architecture.md §7).
    # Recorded configurations always carry liveness_type, so older sessions read back as recorded.
    liveness_type: LivenessType = LivenessType.ACTIVE
    face_match_threshold: float = 0.65
    require_address_proof: bool = False
    max_retries: int = 3
    session_ttl_seconds: int = 1800
    checks: tuple[CheckType, ...] = (CheckType.OCR, CheckType.FACE_MATCH, CheckType.LIVENESS)
    webhook_url: str | None = None
    # The document the client expects (requirements/sessions §2-§3 ``country`` and ``document_type``):
    # its issuing country (ISO alpha-3) and type, judged by the expected-document gate. Recorded only
    # when set, so configurations recorded before these fields read back, and replay, unchanged.
    expected_country: str | None = None
    expected_document_type: DocumentType | None = None

    def __post_init__(self) -> None:
        if not self.accepted_documents:
            raise InvalidSessionConfigurationError("accepted_documents must not be empty")
        for country in self.accepted_countries:
            if not _COUNTRY.match(country):
                raise InvalidSessionConfigurationError("country must be an ISO 3166 code", country=country)
        if not 0.0 < self.face_match_threshold < 1.0:
            raise InvalidSessionConfigurationError(
                "face_match_threshold must be in (0, 1)", value=self.face_match_threshold
            )
        if not 0 <= self.max_retries <= 10:
            raise InvalidSessionConfigurationError("max_retries must be 0..10", value=self.max_retries)
        if not 60 <= self.session_ttl_seconds <= MAX_SESSION_TTL_SECONDS:
            raise InvalidSessionConfigurationError(
                "session_ttl_seconds must be 60..604800", value=self.session_ttl_seconds
            )
        if not self.checks:
            raise InvalidSessionConfigurationError("at least one check must be requested")
        if len(set(self.checks)) != len(self.checks):
            raise InvalidSessionConfigurationError("checks must not repeat")
        for check in self.checks:
            if check is CheckType.ADDRESS_PROOF:
                raise InvalidSessionConfigurationError("request address_proof with require_address_proof: true")
            if check not in REQUESTABLE_CHECKS:
                raise InvalidSessionConfigurationError("check cannot be requested", check=str(check))
        if self.webhook_url is not None and not self.webhook_url.startswith(("https://", "http://")):
            raise InvalidSessionConfigurationError("webhook_url must be an http(s) URL")
        self._check_expected_document()

    def _check_expected_document(self) -> None:
        expects = self.expected_country is not None or self.expected_document_type is not None
        if expects and CheckType.OCR not in self.checks:
            raise InvalidSessionConfigurationError(
                "country and document_type are judged on the document's reading: include ocr in checks")
        if self.expected_country is not None:
            if to_alpha3(self.expected_country) != self.expected_country:
                raise InvalidSessionConfigurationError("country must be an ISO 3166 code",
                                                       country=self.expected_country)
            accepted = {to_alpha3(c) for c in self.accepted_countries}
            if self.accepted_countries and self.expected_country not in accepted:
                raise InvalidSessionConfigurationError("country is not among accepted_countries",
                                                       country=self.expected_country)
        expected_type = self.expected_document_type
        if expected_type is not None and expected_type not in self.accepted_documents:
            raise InvalidSessionConfigurationError("document_type is not among accepted_documents",
                                                   document_type=str(expected_type))

    @property
    def required_checks(self) -> tuple[CheckType, ...]:
        """The checks an attempt needs before it can be decided: ``checks``, then the address proof
        when ``require_address_proof`` is set (requirements/pipeline §1)."""
        return (*self.checks, CheckType.ADDRESS_PROOF) if self.require_address_proof else self.checks

    @property
    def reads_document(self) -> bool:
        return any(c in DOCUMENT_READING_CHECKS for c in self.checks)

    def with_document_validation(self) -> SessionConfiguration:
        """This configuration with ``data_validation`` added when a check reads the document.

        A document that is read is judged too (expiry, check digits, dates, minimum age; requirements/platform §3.3,
        requirements/pipeline §10 "Document expired"): without it a face that matches an
        expired or altered passport could be accepted. Applied when a verification session is opened
        (``SessionCommands.create_session``), so the configuration recorded in ``Created`` lists the
        checks that actually run; a recorded configuration is read back as it was written
        (``from_dict``), so sessions opened before this rule keep their checks and their decisions
        replay exactly.
        """
        if not self.reads_document or CheckType.DATA_VALIDATION in self.checks:
            return self
        return replace(self, checks=(*self.checks, CheckType.DATA_VALIDATION))

    @classmethod
    def build(
        cls,
        *,
        accepted_documents: Iterable[str] | None = None,
        accepted_countries: Iterable[str] = (),
        liveness_type: str = "active",
        face_match_threshold: float = 0.65,
        require_address_proof: bool = False,
        max_retries: int = 3,
        session_ttl_seconds: int = 1800,
        checks: Iterable[str] = ("ocr", "face_match", "liveness"),
        webhook_url: str | None = None,
        country: str | None = None,
        document_type: str | None = None,
    ) -> SessionConfiguration:
        """Parse client-supplied strings, turning unknown enum values into a domain error.

        ``country`` is ISO 3166 alpha-2 or alpha-3 (recorded as alpha-3); ``document_type`` is one of
        ``EXPECTED_DOCUMENT_TYPES`` (``national_id`` is recorded as ``id_card``)."""
        expected_country = None if country is None else to_alpha3(country)
        if country is not None and expected_country is None:
            raise InvalidSessionConfigurationError("country must be an ISO 3166 code", country=country)
        if document_type is not None and document_type not in EXPECTED_DOCUMENT_TYPES:
            raise InvalidSessionConfigurationError("unknown document_type", document_type=document_type,
                                                   allowed=sorted(EXPECTED_DOCUMENT_TYPES))
        try:
            documents = (
                cls.accepted_documents
                if accepted_documents is None
                else tuple(DocumentType(d) for d in accepted_documents)
            )
            return cls(
                accepted_documents=documents,
                accepted_countries=tuple(accepted_countries),
                liveness_type=LivenessType(liveness_type),
                face_match_threshold=float(face_match_threshold),
                require_address_proof=bool(require_address_proof),
                max_retries=int(max_retries),
                session_ttl_seconds=int(session_ttl_seconds),
                checks=tuple(CheckType(c) for c in checks),
                webhook_url=webhook_url,
                expected_country=expected_country,
                expected_document_type=None if document_type is None else EXPECTED_DOCUMENT_TYPES[document_type],
            )
        except (ValueError, TypeError) as exc:
            raise InvalidSessionConfigurationError(f"invalid session configuration: {exc}") from exc

    def to_dict(self) -> dict[str, Any]:
        recorded = {
            "accepted_documents": [str(d) for d in self.accepted_documents],
            "accepted_countries": list(self.accepted_countries),
            "liveness_type": str(self.liveness_type),
            "face_match_threshold": self.face_match_threshold,
            "require_address_proof": self.require_address_proof,
            "max_retries": self.max_retries,
            "session_ttl_seconds": self.session_ttl_seconds,
            "checks": [str(c) for c in self.checks],
            "webhook_url": self.webhook_url,
        }
        if self.expected_country is not None:  # absent unless set: older records keep their exact form
            recorded["country"] = self.expected_country
        if self.expected_document_type is not None:
            recorded["document_type"] = str(self.expected_document_type)
        return recorded

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SessionConfiguration:
        return cls.build(
            accepted_documents=data["accepted_documents"],
            accepted_countries=data["accepted_countries"],
            liveness_type=data["liveness_type"],
            face_match_threshold=data["face_match_threshold"],
            require_address_proof=data["require_address_proof"],
            max_retries=data["max_retries"],
            session_ttl_seconds=data["session_ttl_seconds"],
            checks=data["checks"],
            webhook_url=data["webhook_url"],
            country=data.get("country"),
            document_type=data.get("document_type"),
        )

"""The pipeline's address-proof step (requirements/pipeline §1 ``require_address_proof``): read the address document
through the ``AddressProofReader`` port, judge it with the domain rules against the name read from
the ID document of the same attempt, and seal the address found as the subject's ``PersonalData``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from domain.address_proof.names import HolderName
from domain.address_proof.rules import assess_address_proof
from domain.checks import CheckResult, CheckType, Outcome
from domain.errors import DomainError
from domain.personal_data import PersonalData
from services.verification.ports import MlServices
from services.verification.results import capture_failure, sandbox_label

ADDRESS_FIELD = "address_proof_address"
"""The extracted-data field of the address read from the address document (encrypted per subject)."""
FIELD_CHECK = {ADDRESS_FIELD: str(CheckType.ADDRESS_PROOF)}
"""The check that records each extracted field not written by the document read (``ocr``)."""


def holder_name(fields: Mapping[str, PersonalData]) -> HolderName | None:
    """The ID holder's name from the document fields; None when no surname was read (or it was erased)."""
    surname, given = fields.get("surname"), fields.get("given_names")
    if surname is None or surname.is_erased:
        return None
    return HolderName.of(surname.value, given.value if given is not None and not given.is_erased else "")


def address_proof_check(ml: MlServices, image: bytes | None, document_fields: Mapping[str, PersonalData],
                        subject_id: str, today: date) -> tuple[CheckResult, dict[str, PersonalData]]:
    """The check result and the sealed address (when one was found with the holder's name)."""
    if image is None:
        return capture_failure(CheckType.ADDRESS_PROOF, "address_proof_missing"), {}
    try:
        reading = ml.address_proof_reader.read(image)  # the document reader's OCR engines, which lock themselves
    except DomainError as exc:  # stored captures are sanitised images; a failure is still a recorded fact
        return CheckResult(check=CheckType.ADDRESS_PROOF, outcome=Outcome.UNCERTAIN, reasons=(exc.code,)), {}
    assessment = assess_address_proof(reading.lines, holder_name(document_fields), today)
    result = sandbox_label(assessment.to_check_result(reading.models), ml.sandbox)
    sealed = {ADDRESS_FIELD: PersonalData.of(subject_id, assessment.address)} if assessment.address else {}
    return result, sealed

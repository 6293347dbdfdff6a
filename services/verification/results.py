"""What the verification pipeline records, apart from running models: labels, capture failures, the
age check from a document validation, the screening query, and standalone module calls."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from uuid import UUID

from domain.application import KycLedger
from domain.checks import CheckResult, CheckType, Outcome
from domain.documents.validation import CheckStatus, DocumentValidation
from domain.module_calls import ModuleCall
from domain.personal_data import PersonalData
from domain.ports.document import DocumentReading
from domain.ports.screening import ScreeningQuery

PIPELINE_ACTOR = "system:ml-pipeline"
DEFAULT_MIN_AGE = 18  # requirements/sessions age_verification; a tenant policy setting once policies carry one
DOCUMENT_CHECKS = frozenset({CheckType.OCR, CheckType.DATA_VALIDATION, CheckType.FRAUD,
                             CheckType.AGE_VERIFICATION})
PORTRAIT_MEDIA_TYPE = "image/jpeg"
RESTRICTED = "processing_restricted"


@dataclass(frozen=True)
class DocumentOutcome:
    reading: DocumentReading
    validation: DocumentValidation
    results: dict[CheckType, CheckResult]


def sandbox_label(result: CheckResult, sandbox: bool) -> CheckResult:
    """Mark a sandbox result in its details: never presented as a real score."""
    return replace(result, details={**result.details, "sandbox": True}) if sandbox else result


def capture_failure(check: CheckType, reason: str) -> CheckResult:
    """A check that could not run on what was captured: a recorded fact (no score invented)."""
    return CheckResult(check=check, outcome=Outcome.FAIL, reasons=(reason,))


def age_result(validation: DocumentValidation) -> CheckResult:
    check = next((c for c in validation.checks if c.name == "min_age"), None)
    if check is None or check.status is CheckStatus.NOT_APPLICABLE:
        return CheckResult(check=CheckType.AGE_VERIFICATION, outcome=Outcome.UNCERTAIN,
                           reasons=(check.reason if check else "no_birth_date",))
    passed = check.status is CheckStatus.PASS
    return CheckResult(check=CheckType.AGE_VERIFICATION, outcome=Outcome.PASS if passed else Outcome.FAIL,
                       reasons=() if passed else (check.reason,), details={"min_age": DEFAULT_MIN_AGE})


def screening_query(fields: Mapping[str, PersonalData]) -> ScreeningQuery | None:
    """Name, birth date and nationality read from the document (personal: kept in memory only)."""
    name = " ".join(fields[k].value for k in ("given_names", "surname") if k in fields).strip()
    if not name:
        return None
    birth = None
    if "birth_date" in fields:
        try:
            birth = date.fromisoformat(fields["birth_date"].value)
        except ValueError:
            birth = None
    nationality = fields["nationality"].value if "nationality" in fields else None
    valid_nationality = nationality if nationality and len(nationality) == 3 and nationality.isalpha() else None
    return ScreeningQuery(name=name, date_of_birth=birth, nationality=valid_nationality)



def record_module_call(ledger: KycLedger, tenant_id: str, call_id: UUID, checks: list[CheckResult],
                       extracted: Mapping[str, PersonalData] | None = None, name: str = "ocr") -> None:
    """Record a standalone module call as one ``ModuleCall`` event (``domain.module_calls``): no
    session, so no session status message, NATS event or webhook follows it."""
    ledger.save(ModuleCall.record(tenant_id, call_id, name, checks, extracted))

"""Document validation rules and the mapping onto the policy's CheckResults."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from domain.checks import CheckType, Outcome
from domain.documents.aamva import parse_aamva
from domain.documents.aamva_fields import licence_data
from domain.documents.mrz import parse_mrz
from domain.documents.validation import CheckStatus, validate_document
from domain.personal_data import PersonalData
from domain.ports.document import (
    DetectedDocument,
    DocumentReading,
    DocumentType,
    ForensicSignal,
    QualityReport,
    to_check_results,
)

pytestmark = pytest.mark.unit

DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data"

TD3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
PRINTED = ("PASSPORT", "ERIKSSON", "ANNA MARIA", "L898902C3", "12 AUGUST/AOUT 74")
BEFORE_EXPIRY = date(2010, 1, 1)  # the specimen expires on 2012-04-15


def _status(result, name: str) -> CheckStatus:
    return next(c.status for c in result.checks if c.name == name)


def test_valid_specimen_passes_every_applicable_check() -> None:
    result = validate_document(parse_mrz(TD3), None, PRINTED, today=BEFORE_EXPIRY, min_age=18)
    assert result.document_valid and result.confidence == 1.0
    assert _status(result, "mrz_vs_barcode") is CheckStatus.NOT_APPLICABLE


def test_expired_document_fails() -> None:
    result = validate_document(parse_mrz(TD3), None, PRINTED, today=date(2013, 1, 1), min_age=18)
    assert not result.document_valid and _status(result, "not_expired") is CheckStatus.FAIL


def test_minimum_age_is_configurable() -> None:
    result = validate_document(parse_mrz(TD3), None, PRINTED, today=BEFORE_EXPIRY, min_age=40)
    assert _status(result, "min_age") is CheckStatus.FAIL  # born 1974, 35 on 2010-01-01


def test_bad_check_digit_and_printed_mismatch_fail() -> None:
    bad = [TD3[0], TD3[1][:-1] + "9"]
    result = validate_document(parse_mrz(bad, repair=False), None, ("SOMEONE ELSE",), today=BEFORE_EXPIRY,
                               min_age=18)
    assert _status(result, "mrz_checksum") is CheckStatus.FAIL
    assert _status(result, "mrz_vs_printed") is CheckStatus.FAIL
    assert result.confidence < 1.0


def test_mrz_and_barcode_must_agree() -> None:
    payload = (DATA / "pdf417" / "aamva" / "idparser" / "Licenses" / "VA.txt").read_text(encoding="utf-8")
    result = validate_document(parse_mrz(TD3), licence_data(parse_aamva(payload)), (), today=BEFORE_EXPIRY,
                               min_age=18)
    check = next(c for c in result.checks if c.name == "mrz_vs_barcode")
    assert check.status is CheckStatus.FAIL and "surname" in check.reason and "MAURY" not in check.reason


def test_nothing_machine_readable_is_not_valid() -> None:
    result = validate_document(None, None, ("some text",), today=BEFORE_EXPIRY, min_age=18)
    assert not result.document_valid and result.confidence == 0.0


def test_check_results_carry_no_personal_values() -> None:
    mrz = parse_mrz(TD3)
    reading = DocumentReading(
        detected=DetectedDocument(DocumentType.PASSPORT, "UTO", 0.98, "mrz"),
        fields={"surname": PersonalData.of("s1", "ERIKSSON")},
        quality=QualityReport(500.0, 150.0, 0.0, True, 1.0, 0.7),
        mrz=mrz, printed_text=PRINTED,
        forensics=(ForensicSignal("screen_moire", 0.8, 0.3, "test"),),
    )
    results = to_check_results(reading, validate_document(mrz, None, PRINTED, today=date(2013, 1, 1), min_age=18))
    by_type = {r.check: r for r in results}
    assert by_type[CheckType.DATA_VALIDATION].outcome is Outcome.FAIL
    assert by_type[CheckType.FRAUD].outcome is Outcome.UNCERTAIN  # forensics never fail on their own
    assert by_type[CheckType.QUALITY].outcome is Outcome.PASS
    assert "ERIKSSON" not in repr(results) and "L898902C3" not in repr(results)

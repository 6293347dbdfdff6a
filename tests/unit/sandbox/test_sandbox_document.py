"""Sandbox document reads give the documented outcomes through the production check mapping."""

from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image

from domain.checks import CheckType, Outcome
from domain.ports.document import to_check_results
from ops.sandbox import SANDBOX_PERSONA, SandboxDocumentReader, SandboxDocumentValidator, sandbox_mrz

pytestmark = pytest.mark.unit


def _jpeg(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "JPEG")
    return out.getvalue()


def _outcomes(colour: tuple[int, int, int]) -> dict[CheckType, Outcome]:
    reading = SandboxDocumentReader().read(_jpeg(colour), subject_id="sub_sandbox")
    validation = SandboxDocumentValidator().validate(reading, today=date(2030, 1, 1), min_age=18)
    return {r.check: r.outcome for r in to_check_results(reading, validation)}


@pytest.mark.parametrize(("colour", "ocr", "data"), [
    ((128, 120, 110), Outcome.PASS, Outcome.PASS),  # any ordinary picture: a valid document is read
    ((200, 40, 40), Outcome.PASS, Outcome.FAIL),  # red: read, but expired
    ((40, 40, 200), Outcome.UNCERTAIN, Outcome.UNCERTAIN),  # blue: no machine-readable zone
])
def test_magic_colours_drive_the_document_checks(colour: tuple[int, int, int], ocr: Outcome, data: Outcome) -> None:
    outcomes = _outcomes(colour)
    assert outcomes[CheckType.OCR] is ocr and outcomes[CheckType.DATA_VALIDATION] is data
    assert outcomes[CheckType.QUALITY] is Outcome.PASS


def test_the_sandbox_mrz_is_valid_and_carries_the_persona() -> None:
    record = sandbox_mrz(SANDBOX_PERSONA["expiry_date"])
    assert all(c.valid for c in record.checks) and not record.repaired
    assert (record.surname, record.given_names, record.document_number) == ("SANDBOX", "TEST PERSON", "SBX000001")
    assert (record.birth_date, record.expiry_date) == ("900101", "350101")
    assert all(len(line) == 44 for line in record.lines)

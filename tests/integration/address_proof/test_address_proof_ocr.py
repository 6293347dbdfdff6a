"""Real OCR (rapidocr PP-OCRv6 from its wheel) on bills rendered at test time, judged by the domain rules.

The holder is the ICAO TD3 specimen passport's (../shared/data/mrz/images/passporteye): the name the
document reader records is ``surname=ERIKSSON``, ``given_names=ANNA MARIA``, upper-case ASCII.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from domain.address_proof.dates import months_before
from domain.address_proof.names import HolderName
from domain.address_proof.rules import AddressProofAssessment, assess_address_proof
from domain.checks import CheckType, Outcome
from domain.personal_data import PersonalData
from ml.address_proof.reader import RapidOcrAddressProofReader
from services.verification.address_proof import ADDRESS_FIELD, address_proof_check
from services.verification.ports import MlServices
from tests.integration.address_proof.letters import Letter, blank_page, noise_page, render_letter, save

pytestmark = pytest.mark.integration

TODAY = date(2026, 3, 20)
HOLDER = HolderName.of("ERIKSSON", "ANNA MARIA")
ADDRESS = ("14 Willow Street", "Flat 2", "Manchester", "M1 4BT")


@pytest.fixture(scope="session")
def reader() -> Iterator[RapidOcrAddressProofReader]:
    yield RapidOcrAddressProofReader()  # the process-wide engine: models load once


def _assess(reader: RapidOcrAddressProofReader, tmp_path: Path, content: bytes,
            holder: HolderName | None = HOLDER) -> AddressProofAssessment:
    path = save(tmp_path, "document.img", content)
    reading = reader.read(path.read_bytes())
    assert all(m.weights_sha256 and len(m.weights_sha256) == 64 for m in reading.models)
    return assess_address_proof(reading.lines, holder, TODAY)


def test_a_recent_bill_in_the_holders_name_passes(reader: RapidOcrAddressProofReader, tmp_path: Path) -> None:
    letter = Letter(holder="Ms Anna Maria Eriksson", address=ADDRESS, issued=TODAY - timedelta(days=20))
    verdict = _assess(reader, tmp_path, render_letter(letter))
    assert verdict.outcome is Outcome.PASS, verdict.reasons
    assert verdict.age_days == 20
    assert verdict.address is not None and "Willow Street" in verdict.address and "M1 4BT" in verdict.address
    assert {str(e) for e in verdict.evidence} == {"street", "postcode"}


def test_a_scanned_bill_with_accents_and_numeric_dates_passes(reader: RapidOcrAddressProofReader,
                                                              tmp_path: Path) -> None:
    # The ID's MRZ spells the name without accents and in another order; the bill is tilted and blurred.
    letter = Letter(holder="José Núñez García", address=("Calle Mayor 5, 3º B", "28013 Madrid"),
                    issued=TODAY - timedelta(days=45), date_format="%d/%m/%Y")
    verdict = _assess(reader, tmp_path, render_letter(letter, scanned=True), HolderName.of("NUNEZ GARCIA", "JOSE"))
    assert verdict.outcome is Outcome.PASS, verdict.reasons
    assert verdict.age_days == 45 - 21  # its payment due date is the latest date that is not in the future


def test_a_bill_in_another_persons_name_fails(reader: RapidOcrAddressProofReader, tmp_path: Path) -> None:
    letter = Letter(holder="Mr Robert James Whitfield", address=ADDRESS, issued=TODAY - timedelta(days=10))
    verdict = _assess(reader, tmp_path, render_letter(letter))
    assert verdict.outcome is Outcome.FAIL
    assert verdict.reasons == ("holder_name_mismatch",)
    assert verdict.address is None  # nothing of a stranger's address is kept


def test_a_bill_dated_eight_months_ago_is_uncertain(reader: RapidOcrAddressProofReader, tmp_path: Path) -> None:
    letter = Letter(holder="Anna Maria Eriksson", address=ADDRESS, issued=months_before(TODAY, 8),
                    date_format="%B %d, %Y")
    verdict = _assess(reader, tmp_path, render_letter(letter))
    assert verdict.outcome is Outcome.UNCERTAIN
    assert verdict.reasons == ("document_date_too_old",)
    assert verdict.age_days == (TODAY - months_before(TODAY, 8)).days - 21  # the due date, still too old


@pytest.mark.parametrize("page", [blank_page, noise_page], ids=["blank", "noise"])
def test_an_unreadable_image_is_uncertain(reader: RapidOcrAddressProofReader, tmp_path: Path, page) -> None:
    verdict = _assess(reader, tmp_path, page())
    assert verdict.outcome is Outcome.UNCERTAIN
    assert verdict.reasons == ("address_proof_unreadable",)


def test_the_pipeline_step_records_codes_and_seals_the_address(reader: RapidOcrAddressProofReader) -> None:
    """What the pipeline records: a check with codes and numbers only, the address as PersonalData."""
    services = MlServices(document_reader=None, document_validator=None, face_matcher=None,  # type: ignore[arg-type]
                          passive_liveness=None, active_liveness=None, kya=None,  # type: ignore[arg-type]
                          address_proof_reader=reader, screener=None)
    fields = {"surname": PersonalData.of("subj_1", "ERIKSSON"), "given_names": PersonalData.of("subj_1", "ANNA MARIA")}
    letter = Letter(holder="Anna Maria Eriksson", address=ADDRESS, issued=TODAY - timedelta(days=3))
    result, sealed = address_proof_check(services, render_letter(letter), fields, "subj_1", TODAY)
    assert result.check is CheckType.ADDRESS_PROOF and result.outcome is Outcome.PASS
    assert result.models and result.details["document_age_days"] == 3
    recorded = repr((result.reasons, dict(result.details), dict(result.scores))).lower()
    for personal in ("anna", "eriksson", "willow", "m1 4bt", "manchester", str(TODAY - timedelta(days=3))):
        assert personal not in recorded
    assert sealed[ADDRESS_FIELD].subject_id == "subj_1" and "Willow Street" in sealed[ADDRESS_FIELD].value
    assert "Willow" not in repr(sealed)
    missing, nothing = address_proof_check(services, None, fields, "subj_1", TODAY)
    assert (missing.outcome, missing.reasons, nothing) == (Outcome.FAIL, ("address_proof_missing",), {})

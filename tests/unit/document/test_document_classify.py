"""Document type from the MRZ document code: visas (MRV-A/B) are typed as visas, not "other"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from domain.documents.mrz import parse_mrz
from domain.ports.document import DocumentType
from ml.document.classify import classify

pytestmark = pytest.mark.unit

DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data"
VECTORS = json.loads((DATA / "mrz" / "mrz_vectors.json").read_text(encoding="utf-8"))["vectors"]


@pytest.mark.parametrize("vector", [v for v in VECTORS if v.get("format") in ("MRVA", "MRVB")], ids=lambda v: v["id"])
def test_a_machine_readable_visa_is_a_visa(vector: dict) -> None:  # type: ignore[type-arg]
    detected = classify(parse_mrz(vector["lines"]), None, ())
    assert detected.type is DocumentType.VISA and detected.basis == "mrz"


@pytest.mark.parametrize("fmt", ["TD1", "TD2", "TD3"])
def test_passports_and_cards_are_not_visas(fmt: str) -> None:
    vector = next(v for v in VECTORS if v.get("format") == fmt and v["source_expected"].get("valid", True))
    assert classify(parse_mrz(vector["lines"]), None, ()).type is not DocumentType.VISA


def test_an_mrv_b_visa_is_a_visa() -> None:
    # ICAO 9303 part 7's MRV-B specimen layout (2 lines of 36), which the data set has no vector of.
    mrz = parse_mrz(["VIUTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "L8988901C4XXX4009078F9612109<<<<<<<<"])
    assert mrz.check_digits_valid and classify(mrz, None, ()).type is DocumentType.VISA

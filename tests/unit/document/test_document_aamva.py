"""AAMVA parser against IdParser's 44 cases, the AAMVA standard examples and the negative payloads."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from domain.documents.aamva import parse_aamva
from domain.documents.aamva_fields import display_postal_code, licence_data, parse_date, postal_code
from domain.documents.errors import AamvaFormatError, AamvaMissingFieldError
from tools.eval.document_aamva import _judge_standard_example, aamva_field_matches

pytestmark = pytest.mark.unit

DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data"
EXPECTED = json.loads((DATA / "pdf417" / "aamva_expected.json").read_text(encoding="utf-8"))


def _payload(name: str) -> str:
    return (DATA / "pdf417" / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("case", EXPECTED["idparser"], ids=lambda c: c["test"])
def test_idparser_case_every_field(case: dict) -> None:
    record = parse_aamva(_payload(case["payload_file"]))
    data = licence_data(record)
    wrong = [k for k, v in (case["expected"] | case.get("extra_asserts", {})).items()
             if aamva_field_matches(data, record, k, v) is False]
    assert wrong == []


@pytest.mark.parametrize("case", EXPECTED["benhovinga"], ids=lambda c: c["payload_file"])
def test_standard_example_header_designators_and_elements(case: dict) -> None:
    ok, why = _judge_standard_example(DATA, case)
    assert ok, why


def test_missing_birth_date_is_rejected_with_a_code() -> None:
    with pytest.raises(AamvaMissingFieldError) as exc:
        licence_data(parse_aamva(_payload(EXPECTED["negative"][0]["payload_file"])))
    assert exc.value.code == "aamva_missing_mandatory_field"


@pytest.mark.parametrize("payload", ["ABC123", "A" * 32, "", "@\n\x1e\rANSI 63"])
def test_garbage_is_rejected(payload: str) -> None:
    with pytest.raises(AamvaFormatError):
        parse_aamva(payload)


def test_dates_follow_version_and_fall_back_to_the_other_order() -> None:
    assert parse_date("08142017", year_first=False) == date(2017, 8, 14)
    assert parse_date("20221103", year_first=False) == date(2022, 11, 3)  # WV writes CCYYMMDD in v4
    assert parse_date("08082021", year_first=True) == date(2021, 8, 8)  # NB writes MMDDCCYY in v2
    assert parse_date("99999999", year_first=True) is None


def test_truncation_flags_and_unknown() -> None:
    record = parse_aamva(_payload("aamva/idparser/Licenses/VT.txt"))
    data = licence_data(record)
    assert (data.first_truncated, data.last_truncated, data.middle_truncated) == (False, False, None)


def test_postal_codes() -> None:
    assert postal_code("021330000  ") == "02133"
    assert postal_code("33040-0504 ") == "330400504"
    assert display_postal_code("074182554") == "07418-2554"
    assert display_postal_code(postal_code("N1M 3J6    ")) == "N1M 3J6"

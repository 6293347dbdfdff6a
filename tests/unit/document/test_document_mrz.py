"""MRZ parser against the shared vectors (PassportEye, cheminfo/mrz) plus property tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.documents.errors import MrzCharacterError, MrzFormatError
from domain.documents.mrz import MrzFormat, parse_mrz
from domain.documents.mrz_chars import TO_ALPHA, as_digits, check_digit, repair_with_check_digit
from domain.documents.mrz_text import find_mrz_lines
from tools.eval.document_mrz import _judge_check_digit, _judge_vector, mrz_field_mismatches

pytestmark = pytest.mark.unit

DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "mrz"
VECTORS = json.loads((DATA / "mrz_vectors.json").read_text(encoding="utf-8"))
BY_ID = {v["id"]: v for v in VECTORS["vectors"]}


@pytest.mark.parametrize("vector", VECTORS["vectors"], ids=lambda v: v["id"])
def test_vector_as_the_source_states(vector: dict) -> None:
    ok, why = _judge_vector(vector, BY_ID)
    assert ok, why


@pytest.mark.parametrize("case", VECTORS["check_digit_vectors"], ids=lambda c: repr(c["input"]))
def test_check_digit_vector(case: dict) -> None:
    ok, why = _judge_check_digit(case)
    assert ok, why


def test_valid_td3_fields_and_checks() -> None:
    record = parse_mrz(BY_ID["cheminfo-td3-uto"]["lines"])
    assert record.format is MrzFormat.TD3
    assert (record.surname, record.given_names, record.document_number) == ("ERIKSSON", "ANNA MARIA", "L898902C3")
    assert record.personal_number == "ZE184226B" and record.check_digits_valid


def test_bad_check_digits_are_flagged_by_field() -> None:
    record = parse_mrz(BY_ID["cheminfo-td3-uto-bad-personal-cd"]["lines"])
    assert {c.field for c in record.checks if not c.valid} == {"personal_number", "composite"}


def test_field_mismatch_is_detected() -> None:
    record = parse_mrz(BY_ID["passporteye-td3-pol-valid"]["lines"])
    assert mrz_field_mismatches(record, {"surname": "NOWAK"}, "konstantint/PassportEye") == ["surname"]


def test_four_lines_and_wrong_width_are_rejected_with_a_code() -> None:
    with pytest.raises(MrzFormatError) as exc:
        parse_mrz(["A" * 30] * 4)
    assert exc.value.code == "mrz_unrecognized_format"
    with pytest.raises(MrzFormatError):
        parse_mrz(["A" * 50, "B" * 50])


def test_no_mrz_in_text_raises() -> None:
    with pytest.raises(MrzFormatError):
        find_mrz_lines(["Date of Birth/ Date de naissance", "12 AUGUST/AOUT 74"])


def test_characters_outside_the_alphabet_are_refused() -> None:
    with pytest.raises(MrzCharacterError):
        check_digit("abc")


@given(st.text(alphabet="0123456789", min_size=1, max_size=20), st.data())
def test_any_single_digit_substitution_changes_the_check_digit(field: str, data: st.DataObject) -> None:
    # Weights 7, 3, 1 are coprime with 10, so one wrong digit always shows.
    i = data.draw(st.integers(0, len(field) - 1))
    other = data.draw(st.sampled_from([d for d in "0123456789" if d != field[i]]))
    assert check_digit(field) != check_digit(field[:i] + other + field[i + 1:])


@given(st.text(alphabet="0123456789", min_size=6, max_size=6), st.lists(st.booleans(), min_size=6, max_size=6))
def test_digit_repair_undoes_letter_confusions(date: str, confuse: list[bool]) -> None:
    garbled = "".join(TO_ALPHA.get(c, c) if flip else c for c, flip in zip(date, confuse, strict=True))
    assert as_digits(garbled) == date


@given(st.text(alphabet="ABCDEFGHJKLMNPRTUVWXY0123456789", min_size=9, max_size=9))
def test_check_digit_arbitrated_repair_never_returns_a_wrong_check(number: str) -> None:
    printed = check_digit(number)
    garbled = number.replace("0", "O", 1)
    fixed = repair_with_check_digit(garbled, printed)
    assert fixed is None or check_digit(fixed) == printed

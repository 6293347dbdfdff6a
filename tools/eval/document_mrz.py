"""Document evaluation, MRZ part: text and check-digit vectors from ../shared/data/mrz, and the judge of
an MRZ read from an image.

Expectations are the sources' own (``mrz/SOURCES.md``); where a source names a field in its own model
(PassportEye, cheminfo/mrz) the translation to ours is spelled out below.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from domain.documents.mrz import MrzRecord, parse_mrz
from domain.documents.mrz_chars import check_digit
from domain.documents.mrz_text import find_mrz_lines
from domain.errors import DomainError
from tools.eval.document_tally import Tally

_PE_FIELDS: dict[str, Callable[[MrzRecord], str]] = {
    "mrz_type": lambda r: r.format.value, "country": lambda r: r.issuing_state,
    "number": lambda r: r.document_number, "date_of_birth": lambda r: r.birth_date,
    "expiration_date": lambda r: r.expiry_date, "nationality": lambda r: r.nationality,
    "sex": lambda r: r.sex, "names": lambda r: r.given_names, "surname": lambda r: r.surname,
    "personal_number": lambda r: r.personal_number, "optional1": lambda r: r.optional_data,
    "optional2": lambda r: r.optional_data_2, "type": lambda r: r.document_code,
}
_CHEMINFO_FIELDS: dict[str, Callable[[MrzRecord], str]] = {
    "documentCode": lambda r: r.document_code, "issuingState": lambda r: r.issuing_state,
    "documentNumber": lambda r: r.document_number, "birthDate": lambda r: r.birth_date,
    "expirationDate": lambda r: r.expiry_date, "nationality": lambda r: r.nationality,
    "sex": lambda r: {"M": "male", "F": "female"}.get(r.sex, "nonspecified"),
    "firstName": lambda r: r.given_names, "lastName": lambda r: r.surname,
    "personalNumber": lambda r: r.personal_number, "optional1": lambda r: r.optional_data,
    "optional2": lambda r: r.optional_data_2, "optional": lambda r: r.optional_data,
    "format": lambda r: r.format.value, "administrativeCode": lambda r: r.optional_data,
    "issueDate": lambda r: r.issue_date, "administrativeCode2": lambda r: r.document_number[4:7],
}
_CHECK_NAMES = {"check_number": "document_number", "check_date_of_birth": "birth_date",
                "check_expiration_date": "expiry_date", "check_composite": "composite",
                "check_personal_number": "personal_number", "documentNumberCheckDigit": "document_number",
                "birthDateCheckDigit": "birth_date", "expirationDateCheckDigit": "expiry_date",
                "compositeCheckDigit": "composite", "personalNumberCheckDigit": "personal_number"}


def _norm(value: str) -> str:
    return " ".join(value.replace("<", " ").split())


def mrz_field_mismatches(record: MrzRecord, expected: dict[str, Any], source: str) -> list[str]:
    """Fields where ``record`` differs from a source's stated values (PassportEye or cheminfo names)."""
    bad: list[str] = []
    names = _CHEMINFO_FIELDS if source == "cheminfo/mrz" else _PE_FIELDS
    flat = dict(expected.get("fields") or {}) | {k: v for k, v in expected.items() if k != "fields"}
    for key, value in flat.items():
        if value is None or isinstance(value, (dict, list, bool, int)):
            continue  # nulls are the source rejecting UTO (our parser accepts it); others are meta
        getter = names.get(key)
        if key in _CHECK_NAMES:
            check = record.check(_CHECK_NAMES[key])
            if check is None or check.printed != value:
                bad.append(key)
        elif key == "type" and "mrz_type" in flat:
            if _norm(value) != record.document_code:
                bad.append(key)
        elif getter is not None and key != "type" and _norm(str(value)) != _norm(getter(record)):
            bad.append(key)
    return bad


def evaluate_mrz_vectors(data_dir: Path) -> tuple[Tally, Tally]:
    """Text vectors (fields, validity, error cases) and check-digit vectors."""
    doc = json.loads((data_dir / "mrz" / "mrz_vectors.json").read_text(encoding="utf-8"))
    by_id = {v["id"]: v for v in doc["vectors"]}
    vectors = Tally()
    for v in doc["vectors"]:
        vectors.add(*_judge_vector(v, by_id))
    digits = Tally()
    for c in doc["check_digit_vectors"]:
        digits.add(*_judge_check_digit(c))
    return vectors, digits


def _judge_vector(v: dict[str, Any], by_id: dict[str, Any]) -> tuple[bool, str]:
    expected = v.get("source_expected") or {}
    lines = v.get("lines") or find_mrz_lines(v["raw_ocr_text"].splitlines())
    try:
        record = parse_mrz(lines)
    except DomainError as exc:
        return "throws" in expected, f"{v['id']}: raised {exc.code}"
    if "throws" in expected:
        return False, f"{v['id']}: parsed but the source says it must be rejected"
    if "cleaned_lines" in expected:
        # The source's cleaner keeps trailing junk on line 1 ('extrachars'); we cut lines to the layout.
        want = expected["cleaned_lines"]
        same = all(w.startswith(got) for w, got in zip(want, record.lines, strict=True))
        return same, f"{v['id']}: cleaned lines differ"
    if "with_autocorrect" in expected:
        clean = parse_mrz(by_id[expected["with_autocorrect"]["fields_equal_to"]]["lines"])
        same = all(getattr(record, k) == getattr(clean, k) for k in _RECORD_FIELDS)
        return same and record.check_digits_valid, f"{v['id']}: repaired fields differ from the clean vector"
    # UTO is ICAO's specimen state: the source's 'invalid' there is only its country table.
    valid_expected = expected.get("valid") if "UTO" not in str(expected.get("invalid_because", "")) else True
    bad = mrz_field_mismatches(record, expected, v["source"])
    ok = not bad and (valid_expected is None or record.check_digits_valid == valid_expected)
    return ok, f"{v['id']}: fields {bad}, check digits valid={record.check_digits_valid}"


_RECORD_FIELDS = ("document_code", "issuing_state", "surname", "given_names", "document_number",
                  "nationality", "birth_date", "sex", "expiry_date", "optional_data", "personal_number")


def _judge_check_digit(c: dict[str, Any]) -> tuple[bool, str]:
    try:
        got = check_digit(c["input"])
    except DomainError:
        return not c["source_says_valid"] and not c["expected_check_digit"], f"{c['input']!r}: refused"
    if c.get("equals_check_digit_of"):
        return got == check_digit(c["equals_check_digit_of"]), f"{c['input']!r}: differs from its twin"
    if c["source_says_valid"]:
        return got == c["expected_check_digit"], f"{c['input']!r}: {got} != {c['expected_check_digit']}"
    return got != c["expected_check_digit"], f"{c['input']!r}: wrong digit accepted"




def mrz_image_ok(record: MrzRecord | None, expected: dict[str, Any]) -> bool:
    """An MRZ read from an image is right: check digits valid and every stated field as the source says."""
    if record is None or not record.check_digits_valid:
        return False
    flat = {k: v for k, v in expected.items() if isinstance(v, str) and not k.startswith("valid")}
    accepted = expected.get("personal_number")
    if isinstance(accepted, list) and not any(_norm(p) == record.personal_number for p in accepted):
        return False  # the source accepts either reading of the OCR-ambiguous first character
    return not mrz_field_mismatches(record, flat, "konstantint/PassportEye")


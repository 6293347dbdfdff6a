"""The reviewer's fields table: each field's source and whether the document's zones agree, from the
recorded data_validation check only (its rule statuses and the field names its reasons carry)."""

from __future__ import annotations

from typing import Any

from services.review.document_fields import field_comparisons

VALUES = {"surname": "OBAMA", "given_names": "BARACK", "document_number": "L898902C3", "birth_date": "1961-08-04",
          "address": "1600 PENNSYLVANIA AVE, WASHINGTON, DC, 20500"}


def _validation(rules: dict[str, str], reasons: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"check": "data_validation", "outcome": "fail" if reasons else "pass", "reasons": list(reasons),
            "details": {"checks": rules}}


def _rows(values: dict[str, str], has_mrz: bool, checks: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["field"]: r for r in field_comparisons(values, has_mrz, checks)}


def test_mrz_fields_agree_with_the_barcode_the_printed_text_and_their_check_digits() -> None:
    rows = _rows(VALUES, True, {"data_validation": _validation(
        {"mrz_checksum": "pass", "barcode_format": "pass", "mrz_vs_barcode": "pass", "mrz_vs_printed": "pass"})})
    assert rows["surname"]["source"] == "MRZ"
    assert rows["surname"]["comparisons"] == [{"against": "barcode", "agrees": True},
                                              {"against": "printed text", "agrees": True}]
    assert [c["against"] for c in rows["document_number"]["comparisons"]] == ["barcode", "printed text",
                                                                              "MRZ check digit"]
    assert {r["agreement"] for n, r in rows.items() if n != "given_names" and n != "address"} == {"agrees"}
    assert rows["given_names"]["agreement"] == "not compared"  # no rule compares given names
    assert rows["address"]["source"] == "barcode"  # an MRZ carries no address: the barcode gave it


def test_a_field_the_barcode_contradicts_differs_and_the_others_still_agree() -> None:
    rows = _rows(VALUES, True, {"data_validation": _validation(
        {"mrz_checksum": "fail", "barcode_format": "pass", "mrz_vs_barcode": "fail", "mrz_vs_printed": "pass"},
        ("mrz_checksum:check_digit_mismatch:document_number", "mrz_vs_barcode:mismatch:birth_date"))})
    assert rows["birth_date"]["agreement"] == "differs"
    assert {"against": "barcode", "agrees": False} in rows["birth_date"]["comparisons"]
    assert rows["document_number"]["agreement"] == "differs"  # its check digit does not match
    assert {"against": "barcode", "agrees": True} in rows["document_number"]["comparisons"]
    assert rows["surname"]["agreement"] == "agrees"


def test_comparisons_that_were_not_applicable_are_not_claimed_as_agreement() -> None:
    rows = _rows(VALUES, True, {"data_validation": _validation(
        {"mrz_checksum": "pass", "barcode_format": "not_applicable", "mrz_vs_barcode": "not_applicable",
         "mrz_vs_printed": "not_applicable"})})
    assert rows["surname"]["agreement"] == "not compared"
    assert rows["birth_date"]["comparisons"] == [{"against": "MRZ check digit", "agrees": True}]


def test_a_licence_read_from_its_barcode_alone_names_the_barcode_and_compares_nothing() -> None:
    rows = _rows(VALUES, False, {"ocr": {"details": {"basis": "barcode"}}, "data_validation": _validation(
        {"mrz_checksum": "not_applicable", "barcode_format": "pass", "mrz_vs_barcode": "not_applicable"})})
    assert {r["source"] for r in rows.values()} == {"barcode"}
    assert {r["agreement"] for r in rows.values()} == {"not compared"}


def test_without_a_validation_result_nothing_is_said_to_agree() -> None:
    rows = _rows(VALUES, True, {})
    assert {r["agreement"] for r in rows.values()} == {"not compared"}

"""The pure address-proof rules: names, address lines, dates, and the verdict over printed lines."""

from __future__ import annotations

from datetime import date

import pytest

from domain.address_proof.addresses import AddressEvidence, address_evidence, is_street_line, postcode_format
from domain.address_proof.dates import dates_in, document_date, months_before
from domain.address_proof.names import HolderName, NameMatch, looks_like_personal_name, name_tokens
from domain.address_proof.rules import MAX_DOCUMENT_AGE_MONTHS, assess_address_proof
from domain.checks import CheckType, Outcome
from domain.ports.address_proof import PrintedLine

pytestmark = pytest.mark.unit

TODAY = date(2026, 3, 20)
ERIKSSON = HolderName.of("ERIKSSON", "ANNA MARIA")


# ------------------------------------------------------------------ names
@pytest.mark.parametrize(("surname", "given", "line", "expected"), [
    ("ERIKSSON", "ANNA MARIA", "Anna Maria Eriksson", NameMatch.MATCH),
    ("ERIKSSON", "ANNA MARIA", "ERIKSSON, Anna", NameMatch.MATCH),  # order and case
    ("ERIKSSON", "ANNA MARIA", "Ms A. M. Eriksson", NameMatch.MATCH),  # title and initials
    ("ERIKSSON", "ANNA MARIA", "Per Eriksson", NameMatch.PARTIAL),  # a relative
    ("ERIKSSON", "ANNA MARIA", "Anna Whitfield", NameMatch.PARTIAL),  # a changed surname
    ("ERIKSSON", "ANNA MARIA", "Mr Robert James Whitfield", NameMatch.NONE),
    ("ERIKSSON", "ANNA MARIA", "A. Whitfield", NameMatch.NONE),  # an initial alone says nothing
    ("NUNEZ GARCIA", "JOSE", "José Núñez García", NameMatch.MATCH),  # accents
    ("NUNEZ GARCIA", "JOSE", "Sr. D. José Nunez", NameMatch.MATCH),  # one of two surnames
    ("MUELLER", "JUERGEN", "Herr Jürgen Müller", NameMatch.MATCH),  # MRZ transliteration of umlauts
    ("OSULLIVAN", "SEAN", "Seán O'Sullivan", NameMatch.MATCH),  # the MRZ drops the apostrophe
    ("ANGSTROM", "ZOE", "Zoë Ångström", NameMatch.MATCH),
    ("LI", "WEI", "Wei Li", NameMatch.MATCH),
    ("LI", "WEI", "Wei Lu", NameMatch.PARTIAL),  # short tokens must be equal
    ("STRASSER", "ANNA", "Anna Straßer", NameMatch.MATCH),
])
def test_names_are_compared_token_by_token(surname: str, given: str, line: str, expected: NameMatch) -> None:
    holder = HolderName.of(surname, given)
    assert holder is not None
    assert holder.compare(line)[0] is expected


def test_name_tokens_drop_accents_case_punctuation_and_leading_titles() -> None:
    assert name_tokens("Mme. Hélène-Françoise  DUPONT") == ("helene", "francoise", "dupont")
    assert name_tokens("M") == ("m",)  # a lone initial is not a title
    assert HolderName.of("", "ANNA") is None
    assert "ERIKSSON" not in repr(ERIKSSON).upper()


@pytest.mark.parametrize(("line", "expected"), [
    ("Mr Robert Whitfield", True), ("Anna Maria Eriksson", True), ("Manchester", False),
    ("Flat 2", False), ("NORTHERN POWER & GAS LTD", False), ("Customer Services Team", False),
    ("Your electricity statement", False), ("One Two Three Four Five Six", False),
])
def test_personal_name_lines(line: str, expected: bool) -> None:
    assert looks_like_personal_name(line) is expected


# ------------------------------------------------------------------ addresses
@pytest.mark.parametrize("line", [
    "14 Willow Street", "221B Baker St.", "Flat 12, 7 MG Road", "1600 Pennsylvania Avenue NW",
    "Hauptstraße 12", "Keizersgracht 123a", "Storgatan 5", "1 rue de l'Église", "Calle Mayor 5, 3º B",
    "Via Roma 10",
])
def test_street_lines(line: str) -> None:
    assert is_street_line(line)


@pytest.mark.parametrize("line", ["Account number: 8841 2299 10", "Total due 76.45", "Willow Street",
                                  "Payment due in 21 days", "Rue sans numéro"])
def test_not_street_lines(line: str) -> None:
    assert not is_street_line(line)


@pytest.mark.parametrize(("line", "country"), [
    ("M1 4BT", "GB"), ("London SW1A 1AA", "GB"), ("Springfield, IL 62704", "US"), ("New York, NY 10001-2345", "US"),
    ("Ottawa ON K1A 0B1", "CA"), ("1017 AB Amsterdam", "NL"), ("10115 Berlin", "5-digit + town"),
    ("75008 Paris", "5-digit + town"), ("D-80331 München", "5-digit + town"), ("Mumbai - 400001", "IN"),
    ("Pune 411 001", "IN"), ("Singapore 238859", "SG"), ("Sydney NSW 2000", "AU"),
])
def test_postcodes_of_several_countries(line: str, country: str) -> None:
    assert postcode_format(line) == country
    assert address_evidence(line) is AddressEvidence.POSTCODE


@pytest.mark.parametrize("line", ["Account number: 8841 2299 10", "Invoice 12345", "Total 123.45 EUR",
                                  "Call 0800 000 111", "Page 1 of 2"])
def test_numbers_that_are_not_postcodes(line: str) -> None:
    assert postcode_format(line) is None


# ------------------------------------------------------------------ dates
@pytest.mark.parametrize(("text", "expected"), [
    ("Statement date: 2026-01-14", date(2026, 1, 14)),
    ("Issued 14/01/2026", date(2026, 1, 14)),
    ("Rechnungsdatum 14.01.26", date(2026, 1, 14)),
    ("14 January 2026", date(2026, 1, 14)),
    ("14th Jan 2026", date(2026, 1, 14)),
    ("January 14, 2026", date(2026, 1, 14)),
    ("le 14 janvier 2026", date(2026, 1, 14)),
    ("14 janv. 2026", date(2026, 1, 14)),
    ("Madrid, 14 de enero de 2026", date(2026, 1, 14)),
    ("14. März 2026", date(2026, 3, 14)),
    ("12March 2026", date(2026, 3, 12)),  # OCR dropped the space
    ("03/02/2026", date(2026, 2, 3)),  # both readings are past: the earlier one (3 Feb, not 2 Mar)
    ("03/04/2026", date(2026, 3, 4)),  # 3 Apr is in the future: only 4 Mar remains
])
def test_dates_in_several_formats(text: str, expected: date) -> None:
    assert dates_in(text, TODAY) == [expected]


def test_dates_ignore_future_dates_amounts_and_old_reference_numbers() -> None:
    assert dates_in("Payment due 2026-04-10", TODAY) == []
    assert dates_in("Total 76.45 and 82.10", TODAY) == []
    assert dates_in("Ref 01.02.1903", TODAY) == []
    lines = ["Period 01/12/2025 - 28/02/2026", "Statement date 05 March 2026", "Due 2026-03-26"]
    assert document_date(lines, TODAY) == date(2026, 3, 5)
    assert document_date(["no date here"], TODAY) is None


def test_months_before_clamps_to_the_end_of_shorter_months() -> None:
    assert months_before(date(2026, 3, 20), 3) == date(2025, 12, 20)
    assert months_before(date(2026, 5, 31), 3) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 1) == date(2025, 12, 15)
    assert MAX_DOCUMENT_AGE_MONTHS == 3


# ------------------------------------------------------------------ the verdict
def _page(*rows: tuple[str, int, int]) -> list[PrintedLine]:
    """Lines at (x, y), 30 px tall, laid out like the rendered bills of the integration tests."""
    return [PrintedLine(text, (x, y, 12 * len(text), 30)) for text, x, y in rows]


def _bill(addressee: str, issued: str = "Statement date: 05 March 2026") -> list[PrintedLine]:
    return _page(("NORTHERN POWER & GAS LTD", 90, 80), ("PO Box 4410, Leeds LS1 4AP", 90, 145),
                 (addressee, 100, 300), (issued, 760, 300), ("14 Willow Street", 100, 340), ("Flat 2", 100, 380),
                 ("Manchester", 100, 420), ("M1 4BT", 100, 460), ("Your electricity statement", 90, 640))


def test_a_bill_to_the_holder_passes_and_keeps_the_address_out_of_the_result() -> None:
    verdict = assess_address_proof(_bill("Anna Maria Eriksson"), ERIKSSON, TODAY)
    assert (verdict.outcome, verdict.reasons, verdict.age_days) == (Outcome.PASS, (), 15)
    assert verdict.address == "14 Willow Street, Flat 2, Manchester, M1 4BT"
    result = verdict.to_check_result(())
    assert result.check is CheckType.ADDRESS_PROOF and result.scores["name_token_coverage"] == 1.0
    assert "willow" not in repr((result.details, result.reasons)).lower()
    assert "Willow" not in repr(verdict)


@pytest.mark.parametrize(("addressee", "issued", "outcome", "reasons"), [
    ("Mr Robert Whitfield", "Statement date: 05 March 2026", Outcome.FAIL, ("holder_name_mismatch",)),
    ("Per Eriksson", "Statement date: 05 March 2026", Outcome.UNCERTAIN, ("holder_name_partial",)),
    ("Anna Maria Eriksson", "Statement date: 05 July 2025", Outcome.UNCERTAIN, ("document_date_too_old",)),
    ("Anna Maria Eriksson", "Statement", Outcome.UNCERTAIN, ("document_date_not_found",)),
    ("Anna Maria Eriksson", "Statement date: 20 December 2025", Outcome.PASS, ()),  # exactly 3 months
    ("Anna Maria Eriksson", "Statement date: 19 December 2025", Outcome.UNCERTAIN, ("document_date_too_old",)),
])
def test_verdicts(addressee: str, issued: str, outcome: Outcome, reasons: tuple[str, ...]) -> None:
    verdict = assess_address_proof(_bill(addressee, issued), ERIKSSON, TODAY)
    assert (verdict.outcome, verdict.reasons) == (outcome, reasons)


def test_the_age_limit_is_a_parameter() -> None:
    lines = _bill("Anna Maria Eriksson", "Statement date: 05 July 2025")
    assert assess_address_proof(lines, ERIKSSON, TODAY, max_age_months=12).outcome is Outcome.PASS


def test_the_senders_address_does_not_prove_the_holders() -> None:
    # The holder is named in the letter text, but the only address is the sender's letterhead.
    lines = _page(("NORTHERN POWER & GAS LTD", 90, 80), ("PO Box 4410, Leeds LS1 4AP", 90, 145),
                  ("Statement date: 05 March 2026", 760, 300), ("Dear Anna Maria Eriksson,", 90, 640),
                  ("Thank you for being a customer.", 90, 700))
    verdict = assess_address_proof(lines, ERIKSSON, TODAY)
    assert (verdict.outcome, verdict.reasons) == (Outcome.UNCERTAIN, ("address_not_found",))


def test_without_the_ids_name_or_readable_text_a_person_decides() -> None:
    assert assess_address_proof(_bill("Anna Maria Eriksson"), None, TODAY).reasons == ("identity_name_unavailable",)
    no_name = assess_address_proof(_page(("Statement date: 05 March 2026", 760, 300), ("Manchester", 100, 420),
                                         ("M1 4BT", 100, 460)), ERIKSSON, TODAY)
    assert (no_name.outcome, no_name.reasons) == (Outcome.UNCERTAIN, ("holder_name_not_found",))
    two_lines = assess_address_proof(_page(("Anna Maria Eriksson", 100, 300), ("14 Willow Street", 100, 340)),
                                     ERIKSSON, TODAY)
    assert (two_lines.outcome, two_lines.reasons) == (Outcome.UNCERTAIN, ("address_proof_unreadable",))

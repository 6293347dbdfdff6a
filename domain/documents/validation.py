"""Document validation rules (requirements/platform §3.3; requirements/pipeline §4 "Security features").

Formal checks only: check digits, field formats and lengths, dates that exist and are consistent,
not expired, minimum age, and agreement between the MRZ, the printed text and the barcode. Each check
is pass / fail / not_applicable with a machine reason code; reasons never carry personal values.
``today`` and ``min_age`` are inputs: pure code never reads the clock.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.documents import dates
from domain.documents.aamva_fields import LicenceData
from domain.documents.countries import is_known_state
from domain.documents.mrz import MrzFormat, MrzRecord
from domain.documents.mrz_chars import MRZ_ALPHABET

MAX_PLAUSIBLE_AGE = 130
DOCUMENT_EXPIRED = "document_expired"  # the reason of a failed not_expired check, and the policy's code
# Each OCR repair lowers confidence: the check digits agree, but the reading needed help.
REPAIR_PENALTY = 0.05


class CheckStatus(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class ValidationCheck:
    """One named check (requirements/platform §8.3 ``checks[]``) and, when it did not pass, why."""

    name: str
    status: CheckStatus
    reason: str = ""


@dataclass(frozen=True)
class DocumentValidation:
    """requirements/platform §8.3: ``document_valid``, ``checks[]``, ``confidence``.

    ``confidence`` is the share of applicable checks that passed, lowered by ``REPAIR_PENALTY`` per
    OCR-repaired MRZ field; it is a rule count, not a calibrated probability.
    """

    document_valid: bool
    checks: tuple[ValidationCheck, ...]
    confidence: float


def _ok(name: str) -> ValidationCheck:
    return ValidationCheck(name, CheckStatus.PASS)


def _fail(name: str, reason: str) -> ValidationCheck:
    return ValidationCheck(name, CheckStatus.FAIL, reason)


def _na(name: str, reason: str) -> ValidationCheck:
    return ValidationCheck(name, CheckStatus.NOT_APPLICABLE, reason)


def _fold(text: str) -> str:
    """Upper-case ASCII letters and digits only: 'Müller-Lüdenscheidt' -> 'MULLERLUDENSCHEIDT'."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Z0-9]", "", plain.upper())


@dataclass(frozen=True)
class _Facts:
    surname: str
    document_number: str
    birth: date | None
    expiry: date | None
    issue: date | None


def _mrz_facts(mrz: MrzRecord, today: date) -> _Facts:
    expiry = dates.expiry_date(mrz.expiry_date, today) if mrz.expiry_date else None
    return _Facts(mrz.surname, mrz.document_number, dates.birth_date(mrz.birth_date, today), expiry, None)


def _licence_facts(lic: LicenceData) -> _Facts:
    return _Facts(lic.last_name or "", lic.id_number, lic.birth_date, lic.expiry_date, lic.issue_date)


def _mrz_checks(mrz: MrzRecord | None) -> list[ValidationCheck]:
    if mrz is None:
        return [_na("mrz_checksum", "no_mrz"), _na("mrz_format", "no_mrz")]
    bad = [c.field for c in mrz.checks if not c.valid]
    checks = [_fail("mrz_checksum", "check_digit_mismatch:" + ",".join(bad)) if bad else _ok("mrz_checksum")]
    problems = []
    if any(c not in MRZ_ALPHABET for line in mrz.lines for c in line):
        problems.append("character_outside_alphabet")
    if not is_known_state(mrz.issuing_state) or not is_known_state(mrz.nationality):
        problems.append("unknown_state_code")
    if not mrz.document_number or not re.fullmatch(r"[A-Z0-9 ]+", mrz.document_number):
        problems.append("document_number_format")
    if mrz.sex not in ("M", "F", "X"):
        problems.append("sex_format")
    checks.append(_fail("mrz_format", ",".join(problems)) if problems else _ok("mrz_format"))
    return checks


def _date_checks(facts: _Facts | None, today: date, min_age: int) -> list[ValidationCheck]:
    if facts is None:
        return [_na(n, "no_machine_readable_data") for n in ("dates_plausible", "not_expired", "min_age")]
    problems = []
    if facts.birth is None:
        problems.append("birth_date_invalid")
    elif facts.birth > today or dates.age_on(facts.birth, today) > MAX_PLAUSIBLE_AGE:
        problems.append("birth_date_implausible")
    if facts.issue is not None and (facts.issue > today or (facts.birth and facts.issue < facts.birth)):
        problems.append("issue_date_inconsistent")
    if facts.expiry is not None and facts.birth is not None and facts.expiry <= facts.birth:
        problems.append("expiry_before_birth")
    checks = [_fail("dates_plausible", ",".join(problems)) if problems else _ok("dates_plausible")]
    if facts.expiry is None:
        checks.append(_na("not_expired", "no_expiry_date"))
    else:
        expired = facts.expiry < today
        checks.append(_fail("not_expired", DOCUMENT_EXPIRED) if expired else _ok("not_expired"))
    if facts.birth is None:
        checks.append(_na("min_age", "no_birth_date"))
    else:
        old_enough = dates.age_on(facts.birth, today) >= min_age
        checks.append(_ok("min_age") if old_enough else _fail("min_age", "below_minimum_age"))
    return checks


def _agreement(name: str, a: _Facts | None, b: _Facts | None) -> ValidationCheck:
    if a is None or b is None:
        return _na(name, "one_source_missing")
    pairs = (("surname", a.surname, b.surname), ("document_number", a.document_number, b.document_number))
    diffs = [label for label, x, y in pairs if _fold(x) and _fold(y) and _fold(x) != _fold(y)]
    if a.birth and b.birth and a.birth != b.birth:
        diffs.append("birth_date")
    return _fail(name, "mismatch:" + ",".join(diffs)) if diffs else _ok(name)


def _printed_agreement(mrz: MrzRecord | None, printed: Sequence[str]) -> ValidationCheck:
    """The visual zone must show the MRZ's document number and surname (requirements/platform §3.3 "coherence")."""
    if mrz is None or not printed:
        return _na("mrz_vs_printed", "no_mrz_or_printed_text")
    mrz_lines = {_fold(line) for line in mrz.lines}
    visual = "".join(_fold(line) for line in printed if _fold(line) not in mrz_lines and "<" not in line)
    missing = [label for label, value in (("document_number", _fold(mrz.document_number)),
                                          ("surname", _fold(mrz.surname))) if value and value not in visual]
    return _fail("mrz_vs_printed", "not_found:" + ",".join(missing)) if missing else _ok("mrz_vs_printed")


def validate_document(mrz: MrzRecord | None, licence: LicenceData | None, printed: Sequence[str],
                      *, today: date, min_age: int) -> DocumentValidation:
    """Run every formal check over what was read; a document without MRZ or barcode is not valid."""
    mrz_facts = _mrz_facts(mrz, today) if mrz is not None else None
    lic_facts = _licence_facts(licence) if licence is not None else None
    checks = _mrz_checks(mrz)
    checks.append(_ok("barcode_format") if licence is not None else _na("barcode_format", "no_barcode"))
    checks += _date_checks(mrz_facts or lic_facts, today, min_age)
    if mrz is not None and mrz.format is MrzFormat.FRENCH_ID and lic_facts is None:
        checks = [c for c in checks if c.name != "not_expired"] + [_na("not_expired", "no_expiry_in_mrz")]
    checks.append(_agreement("mrz_vs_barcode", mrz_facts, lic_facts))
    checks.append(_printed_agreement(mrz, printed))
    applicable = [c for c in checks if c.status is not CheckStatus.NOT_APPLICABLE]
    passed = sum(c.status is CheckStatus.PASS for c in applicable)
    has_data = mrz is not None or licence is not None
    valid = has_data and passed == len(applicable)
    share = passed / len(applicable) if applicable else 0.0
    repairs = len(mrz.repaired) if mrz is not None else 0
    confidence = max(0.0, share - REPAIR_PENALTY * repairs) if has_data else 0.0
    return DocumentValidation(valid, tuple(checks), round(confidence, 3))


def failure_codes(validation: DocumentValidation) -> tuple[str, ...]:
    """Reason codes of the failed checks: ``<check>:<reason>``, except an expired document, which is
    the bare ``document_expired`` the policy answers with requirements/pipeline §10's "Your document has expired"."""
    return tuple(c.reason if c.reason == DOCUMENT_EXPIRED else f"{c.name}:{c.reason}"
                 for c in validation.checks if c.status is CheckStatus.FAIL)

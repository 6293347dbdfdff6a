"""ICAO 9303 machine readable zone parser: TD1, TD2, TD3, MRV-A, MRV-B and the French 1988 ID card.

Layouts (ICAO Doc 9303 parts 4-7): TD1 is 3 lines of 30, TD2 and MRV-B 2 lines of 36, TD3 and MRV-A
2 lines of 44; visas (document code 'V') have no composite check digit. The French national ID card
of 1988 is 2 lines of 36 with its own layout. Our own implementation (the `mrz` package is GPL).

With ``repair=True`` each field is first repaired by its type (see :mod:`mrz_chars`), then
alphanumeric fields whose check digit fails are arbitrated by that check digit. Everything that was
changed is listed in ``MrzRecord.repaired`` so a caller can lower its confidence.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from domain.documents.errors import MrzFormatError
from domain.documents.mrz_chars import (
    as_alpha,
    as_digits,
    check_digit,
    is_valid_check,
    repair_with_check_digit,
)


class MrzFormat(StrEnum):
    TD1 = "TD1"
    TD2 = "TD2"
    TD3 = "TD3"
    MRVA = "MRVA"
    MRVB = "MRVB"
    FRENCH_ID = "FRENCH_NATIONAL_ID"


@dataclass(frozen=True)
class CheckDigitResult:
    """One check digit: which field it protects, what was printed, what the field computes to."""

    field: str
    printed: str
    computed: str
    valid: bool


@dataclass(frozen=True)
class MrzRecord:
    """A parsed MRZ. Dates stay as printed (YYMMDD); filler '<' inside values becomes a space."""

    format: MrzFormat
    lines: tuple[str, ...]
    document_code: str
    issuing_state: str
    surname: str
    given_names: str
    document_number: str
    nationality: str
    birth_date: str
    sex: str
    expiry_date: str
    optional_data: str = ""
    optional_data_2: str = ""
    personal_number: str = ""
    issue_date: str = ""
    checks: tuple[CheckDigitResult, ...] = ()
    repaired: tuple[str, ...] = field(default=())

    @property
    def check_digits_valid(self) -> bool:
        return all(c.valid for c in self.checks)

    def check(self, name: str) -> CheckDigitResult | None:
        return next((c for c in self.checks if c.field == name), None)


_LAYOUT_LENGTHS = {1: (), 2: (36, 44), 3: (30,)}


def _value(raw: str) -> str:
    return " ".join(raw.replace("<", " ").split())


def split_names(raw: str) -> tuple[str, str]:
    """ICAO name field: primary identifier, '<<', secondary identifiers; '<' separates words."""
    surname, _, given = raw.partition("<<")
    return _value(surname), _value(given)


def _sex(char: str) -> str:
    return {"M": "M", "F": "F"}.get(char, "X")


class _Lines:
    """Mutable MRZ lines with typed repairs that remember which fields changed."""

    def __init__(self, lines: Sequence[str], repair: bool) -> None:
        self.lines = list(lines)
        self.repair = repair
        self.repaired: list[str] = []

    def get(self, line: int, start: int, end: int) -> str:
        return self.lines[line][start:end]

    def _set(self, name: str, line: int, start: int, end: int, new: str) -> None:
        old = self.lines[line][start:end]
        if new != old:
            self.lines[line] = self.lines[line][:start] + new + self.lines[line][end:]
            self.repaired.append(name)

    def typed(self, name: str, line: int, start: int, end: int, fn: Callable[[str], str]) -> str:
        if self.repair:
            self._set(name, line, start, end, fn(self.get(line, start, end)))
        return self.get(line, start, end)

    def arbitrate(self, name: str, line: int, start: int, end: int, printed: str) -> str:
        """Mixed field: let its check digit choose between look-alike characters."""
        value = self.get(line, start, end)
        if self.repair and not is_valid_check(value, printed):
            fixed = repair_with_check_digit(value, printed)
            if fixed is not None:
                self._set(name, line, start, end, fixed)
        return self.get(line, start, end)


def _result(name: str, data: str, printed: str) -> CheckDigitResult:
    try:
        computed = check_digit(data)
    except Exception:  # a character outside the alphabet: the check cannot pass
        computed = "?"
    return CheckDigitResult(name, printed, computed, is_valid_check(data, printed))


def _common_header(ls: _Lines) -> tuple[str, str]:
    code = ls.typed("document_code", 0, 0, 2, as_alpha)
    state = ls.typed("issuing_state", 0, 2, 5, as_alpha)
    return code.replace("<", ""), state.replace("<", "")


def _dates_block(ls: _Lines, line: int, at: int) -> tuple[str, str, str, str, str]:
    """birth(6) check sex expiry(6) check starting at ``at`` (shared by every layout but TD1's start)."""
    birth = ls.typed("birth_date", line, at, at + 6, as_digits)
    birth_cd = ls.typed("birth_date_check", line, at + 6, at + 7, as_digits)
    sex = ls.get(line, at + 7, at + 8)
    expiry = ls.typed("expiry_date", line, at + 8, at + 14, as_digits)
    expiry_cd = ls.typed("expiry_date_check", line, at + 14, at + 15, as_digits)
    return birth, birth_cd, sex, expiry, expiry_cd


def _parse_td1(ls: _Lines) -> MrzRecord:
    code, state = _common_header(ls)
    birth, birth_cd, sex, expiry, expiry_cd = _dates_block(ls, 1, 0)
    nationality = ls.typed("nationality", 1, 15, 18, as_alpha)
    composite_cd = ls.typed("composite_check", 1, 29, 30, as_digits)
    ls.typed("names", 2, 0, 30, as_alpha)
    number_cd = ls.get(0, 14, 15)
    optional1 = ls.get(0, 15, 30)
    if number_cd == "<" and optional1.strip("<"):
        # Long document number (Doc 9303-5 note j): it continues in the optional data up to the first
        # filler; the last character before that filler is the check digit.
        extension = optional1.split("<", 1)[0]
        number_cd = extension[-1]
        number = ls.get(0, 5, 14) + extension[:-1]
        # Issuers differ on whether the '<' at position 15 is part of the checked string.
        protected = ls.get(0, 5, 15) + extension[:-1]
        number_check = _result("document_number", protected, number_cd)
        if not number_check.valid and is_valid_check(number, number_cd):
            number_check = _result("document_number", number, number_cd)
    else:
        number = ls.arbitrate("document_number", 0, 5, 14, number_cd)
        number_check = _result("document_number", number, number_cd)
    composite = ls.get(0, 5, 30) + ls.get(1, 0, 7) + ls.get(1, 8, 15) + ls.get(1, 18, 29)
    surname, given = split_names(ls.get(2, 0, 30))
    return MrzRecord(
        format=MrzFormat.TD1, lines=tuple(ls.lines), document_code=code, issuing_state=state,
        surname=surname, given_names=given, document_number=_value(number),
        nationality=nationality.replace("<", ""), birth_date=birth, sex=_sex(sex), expiry_date=expiry,
        optional_data=_value(optional1), optional_data_2=_value(ls.get(1, 18, 29)),
        checks=(number_check, _result("birth_date", birth, birth_cd),
                _result("expiry_date", expiry, expiry_cd), _result("composite", composite, composite_cd)),
        repaired=tuple(ls.repaired),
    )


def _parse_two_line(ls: _Lines, fmt: MrzFormat) -> MrzRecord:
    width = len(ls.lines[0])
    code, state = _common_header(ls)
    ls.typed("names", 0, 5, width, as_alpha)
    number_cd = ls.typed("document_number_check", 1, 9, 10, as_digits)
    number = ls.arbitrate("document_number", 1, 0, 9, number_cd)
    nationality = ls.typed("nationality", 1, 10, 13, as_alpha)
    birth, birth_cd, sex, expiry, expiry_cd = _dates_block(ls, 1, 13)
    checks = [_result("document_number", number, number_cd), _result("birth_date", birth, birth_cd),
              _result("expiry_date", expiry, expiry_cd)]
    personal = optional = ""
    if fmt is MrzFormat.TD3:
        personal_cd = ls.get(1, 42, 43)
        personal = ls.arbitrate("personal_number", 1, 28, 42, personal_cd)
        checks.append(_result("personal_number", personal, personal_cd))
    elif fmt is MrzFormat.TD2:
        optional = ls.get(1, 28, 35)
    else:
        optional = ls.get(1, 28, width)
    if fmt in (MrzFormat.TD2, MrzFormat.TD3):
        composite_cd = ls.typed("composite_check", 1, width - 1, width, as_digits)
        composite = ls.get(1, 0, 10) + ls.get(1, 13, 20) + ls.get(1, 21, width - 1)
        checks.append(_result("composite", composite, composite_cd))
    surname, given = split_names(ls.get(0, 5, width))
    return MrzRecord(
        format=fmt, lines=tuple(ls.lines), document_code=code, issuing_state=state, surname=surname,
        given_names=given, document_number=_value(number), nationality=nationality.replace("<", ""),
        birth_date=birth, sex=_sex(sex), expiry_date=expiry, optional_data=_value(optional),
        personal_number=_value(personal), checks=tuple(checks), repaired=tuple(ls.repaired),
    )


def _parse_french_id(ls: _Lines) -> MrzRecord:
    """French national ID (1988): line 1 'IDFRA' + surname(25) + office code(6); line 2 issue YYMM,
    department(3), serial(5), check, given names(14), birth(6), check, sex, composite."""
    ls.typed("document_code", 0, 0, 5, as_alpha)
    ls.typed("surname", 0, 5, 30, as_alpha)
    issue = ls.typed("issue_date", 1, 0, 4, as_digits)
    serial = ls.typed("document_number", 1, 7, 12, as_digits)
    number_cd = ls.typed("document_number_check", 1, 12, 13, as_digits)
    given = ls.typed("given_names", 1, 13, 27, as_alpha)
    birth = ls.typed("birth_date", 1, 27, 33, as_digits)
    birth_cd = ls.typed("birth_date_check", 1, 33, 34, as_digits)
    composite_cd = ls.typed("composite_check", 1, 35, 36, as_digits)
    number = issue + ls.get(1, 4, 7) + serial
    return MrzRecord(
        format=MrzFormat.FRENCH_ID, lines=tuple(ls.lines), document_code="ID", issuing_state="FRA",
        surname=_value(ls.get(0, 5, 30)), given_names=_value(given), document_number=number,
        nationality="FRA", birth_date=birth, sex=_sex(ls.get(1, 34, 35)), expiry_date="",
        optional_data=_value(ls.get(0, 30, 36)), issue_date=issue,
        checks=(_result("document_number", number, number_cd), _result("birth_date", birth, birth_cd),
                _result("composite", ls.lines[0] + ls.get(1, 0, 35), composite_cd)),
        repaired=tuple(ls.repaired),
    )


def detect_format(lines: Sequence[str]) -> MrzFormat:
    """The layout from the line count, the line length and the document code."""
    lengths = {len(line) for line in lines}
    if len(lines) not in (2, 3) or len(lengths) != 1:
        raise MrzFormatError("an MRZ has two or three lines of equal length", line_count=len(lines))
    width = lengths.pop()
    if width not in _LAYOUT_LENGTHS[len(lines)]:
        raise MrzFormatError("MRZ lines must be 30 (3 lines), 36 or 44 characters (2 lines)", width=width)
    if len(lines) == 3:
        return MrzFormat.TD1
    first = as_alpha(lines[0][:5])
    if width == 44:
        return MrzFormat.MRVA if first.startswith("V") else MrzFormat.TD3
    if first == "IDFRA":
        return MrzFormat.FRENCH_ID
    return MrzFormat.MRVB if first.startswith("V") else MrzFormat.TD2


def parse_mrz(lines: Sequence[str], *, repair: bool = True) -> MrzRecord:
    """Parse MRZ lines (spaces ignored, case folded). Raises :class:`MrzFormatError` on other shapes."""
    cleaned = ["".join(line.split()).upper() for line in lines if line.strip()]
    fmt = detect_format(cleaned)
    ls = _Lines(cleaned, repair)
    if fmt is MrzFormat.TD1:
        return _parse_td1(ls)
    if fmt is MrzFormat.FRENCH_ID:
        return _parse_french_id(ls)
    return _parse_two_line(ls, fmt)

"""Dates printed on an address document, in the formats bills and statements use.

``2026-01-14``, ``14/01/2026``, ``14.01.26``, ``14 January 2026``, ``January 14, 2026``,
``14 janv. 2026``, ``5 de marzo de 2026``... Month names in English, German, French, Spanish, Italian,
Portuguese and Dutch (accents removed first). A numeric date that reads both ways (``03/04/2026``) is
taken at the earlier of its two readings that is not in the future: the check asks whether the
document is recent, and the conservative reading never makes an old document look new.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from domain.address_proof.names import plain_text

_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "januar", "janvier", "janv", "enero", "ene", "gennaio", "gen", "janeiro", "januari"),
    2: ("february", "feb", "februar", "fevrier", "fevr", "fev", "febrero", "febbraio", "fevereiro", "februari"),
    3: ("march", "mar", "marz", "maerz", "mars", "marzo", "marco", "maart", "mrt"),
    4: ("april", "apr", "avril", "avr", "abril", "abr", "aprile"),
    5: ("may", "mai", "mayo", "maggio", "mag", "maio", "mei"),
    6: ("june", "jun", "juni", "juin", "junio", "giugno", "giu", "junho"),
    7: ("july", "jul", "juli", "juillet", "juil", "julio", "luglio", "lug", "julho"),
    8: ("august", "aug", "aout", "agosto", "ago", "augustus"),
    9: ("september", "sep", "sept", "septembre", "septiembre", "setiembre", "settembre", "set", "setembro"),
    10: ("october", "oct", "oktober", "okt", "octobre", "octubre", "ottobre", "ott", "outubro", "out"),
    11: ("november", "nov", "novembre", "noviembre", "novembro"),
    12: ("december", "dec", "dezember", "dez", "decembre", "diciembre", "dic", "dicembre", "dezembro"),
}
MONTHS: dict[str, int] = {name: month for month, names in _MONTH_NAMES.items() for name in names}

_ISO = re.compile(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b")
_NUMERIC = re.compile(r"(?<![\d.,/-])(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?![\d/-])")
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th|er|\.)?\s*(?:de\s+)?([a-z]{3,10})\.?,?\s+(?:de\s+)?(\d{4})\b")
_MONTH_DAY_YEAR = re.compile(r"\b([a-z]{3,10})\.?\s*(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
EARLIEST_YEAR = 1990  # older "dates" on a current bill are reference numbers, not dates


def _date(year: int, month: int, day: int) -> date | None:
    if year < 100:
        year += 2000
    if year < EARLIEST_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _readings(text: str) -> Iterable[tuple[date, ...]]:
    """Each date written in ``text`` as its possible readings (two for an ambiguous numeric date)."""
    for m in _ISO.finditer(text):
        found = _date(int(m[1]), int(m[2]), int(m[3]))
        if found:
            yield (found,)
    for m in _NUMERIC.finditer(text):
        first, second, year = int(m[1]), int(m[2]), int(m[3])
        readings = {d for d in (_date(year, second, first), _date(year, first, second)) if d}
        if readings:
            yield tuple(sorted(readings))
    for m in _DAY_MONTH_YEAR.finditer(text):
        month = MONTHS.get(m[2])
        found = _date(int(m[3]), month, int(m[1])) if month else None
        if found:
            yield (found,)
    for m in _MONTH_DAY_YEAR.finditer(text):
        month = MONTHS.get(m[1])
        found = _date(int(m[3]), month, int(m[2])) if month else None
        if found:
            yield (found,)


def dates_in(line: str, today: date) -> list[date]:
    """The dates written in a line, each at its earliest reading that is not after ``today``."""
    dates: list[date] = []
    for readings in _readings(plain_text(line)):
        past = [d for d in readings if d <= today]
        if past:
            dates.append(min(past))
    return dates


def document_date(lines: Iterable[str], today: date) -> date | None:
    """The latest date on the document that is not in the future (the issue or statement date).

    Due dates and period ends after ``today`` are left out; a bill's other dates (period start,
    previous reading) are older than its issue date, so the latest one is the issue date.
    """
    found = [d for line in lines for d in dates_in(line, today)]
    return max(found) if found else None


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier, clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for candidate in range(day.day, 27, -1):
        try:
            return date(year, month + 1, candidate)
        except ValueError:
            continue
    return date(year, month + 1, min(day.day, 28))

"""MRZ dates (YYMMDD) to calendar dates. The century is resolved against ``today``, passed in."""

from __future__ import annotations

from datetime import date


def _make(year: int, yymmdd: str) -> date | None:
    try:
        return date(year, int(yymmdd[2:4]), int(yymmdd[4:6]))
    except ValueError:
        return None


def birth_date(yymmdd: str, today: date) -> date | None:
    """A birth date is never in the future: '74' is 1974, '13' is 2013 when today is 2025."""
    if len(yymmdd) != 6 or not yymmdd.isdigit():
        return None
    yy = int(yymmdd[:2])
    century = 2000 if 2000 + yy <= today.year else 1900
    candidate = _make(century + yy, yymmdd)
    if candidate is not None and candidate > today:
        candidate = _make(century - 100 + yy, yymmdd)
    return candidate


def expiry_date(yymmdd: str, today: date) -> date | None:
    """Documents are valid at most a few decades: an expiry more than 50 years ahead is last century."""
    if len(yymmdd) != 6 or not yymmdd.isdigit():
        return None
    yy = int(yymmdd[:2])
    year = 2000 + yy if 2000 + yy <= today.year + 50 else 1900 + yy
    return _make(year, yymmdd)


def age_on(birth: date, today: date) -> int:
    """Completed years of age on ``today``."""
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))

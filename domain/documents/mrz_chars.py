"""ICAO 9303 character rules: the 7-3-1 check digit and OCR-confusion repair by field type.

ICAO Doc 9303 part 3 §4.9: each character has a value (0-9 digits, A=10 ... Z=35, '<'=0), weighted
7, 3, 1 repeating; the check digit is the sum modulo 10.

OCR engines confuse glyphs that look alike in OCR-B (O/0, I/1, S/5, B/8, Z/2, G/6...). Which side of
the confusion is right depends on the field: a date or a check digit holds only digits, a name or a
country only letters. Fields that mix both (document number, optional data) cannot be repaired from
the alphabet alone; :func:`repair_with_check_digit` uses their check digit to choose.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from domain.documents.errors import MrzCharacterError

MRZ_ALPHABET = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<")
_WEIGHTS = (7, 3, 1)

# Letter read where a digit must be -> the digit it is confused with.
TO_DIGIT = {"O": "0", "Q": "0", "D": "0", "U": "0", "I": "1", "L": "1", "T": "7", "Z": "2",
            "S": "5", "B": "8", "G": "6", "A": "4", "E": "3"}
# Digit read where a letter must be -> the letter it is confused with.
TO_ALPHA = {"0": "O", "1": "I", "2": "Z", "4": "A", "5": "S", "6": "G", "7": "T", "8": "B", "3": "E"}
# Pairs that a check digit can arbitrate inside mixed alphanumeric fields.
_AMBIGUOUS = {"0": "O", "O": "0", "1": "I", "I": "1", "5": "S", "S": "5", "8": "B", "B": "8",
              "2": "Z", "Z": "2", "6": "G", "G": "6"}


def char_value(char: str) -> int:
    """The ICAO 9303 value of one MRZ character; raises for characters outside the alphabet."""
    if char.isdigit() and char.isascii():
        return ord(char) - ord("0")
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    if char == "<":
        return 0
    raise MrzCharacterError("character outside the MRZ alphabet", character=char)


def check_digit(field: str) -> str:
    """The 7-3-1 check digit of ``field`` as one character '0'-'9'.

    An empty field has nothing to protect and is refused, like any character outside A-Z, 0-9, '<'.
    """
    if not field:
        raise MrzCharacterError("empty field has no check digit")
    total = sum(char_value(c) * _WEIGHTS[i % 3] for i, c in enumerate(field))
    return str(total % 10)


def digit_value_of_check(char: str) -> str:
    """A printed check digit; ICAO allows '<' for an all-filler optional field, meaning 0."""
    return "0" if char == "<" else char


def is_valid_check(field: str, printed: str) -> bool:
    """True when ``printed`` is the right check digit of ``field`` (False on any bad character)."""
    try:
        return check_digit(field) == digit_value_of_check(printed)
    except MrzCharacterError:
        return False


def as_digits(text: str) -> str:
    """Repair a digits-only field (dates, check digits): letters become their look-alike digit."""
    return "".join(TO_DIGIT.get(c, c) for c in text)


def as_alpha(text: str) -> str:
    """Repair a letters-only field (names, country, document code): digits become look-alike letters."""
    return "".join(TO_ALPHA.get(c, c) for c in text)


def _variants(field: str, max_changes: int) -> Iterator[str]:
    positions = [i for i, c in enumerate(field) if c in _AMBIGUOUS]
    for n in range(1, max_changes + 1):
        for chosen in itertools.combinations(positions, n):
            chars = list(field)
            for i in chosen:
                chars[i] = _AMBIGUOUS[chars[i]]
            yield "".join(chars)


def repair_with_check_digit(field: str, printed: str, max_changes: int = 2) -> str | None:
    """Repair a mixed alphanumeric field whose check digit fails.

    Tries every swap of look-alike characters at up to ``max_changes`` positions and returns the
    single variant that satisfies the check digit; ``None`` when none or more than one does (the
    check digit cannot then tell which reading is right, and guessing would forge data).
    """
    if is_valid_check(field, printed):
        return field
    hits = {v for v in _variants(field, max_changes) if is_valid_check(v, printed)}
    return hits.pop() if len(hits) == 1 else None

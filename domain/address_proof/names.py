"""Does a printed line name the ID document's holder? Pure name normalisation and token matching.

Why not ``rapidfuzz`` in ``ml/``: whether a name on a bill is the holder's is a business rule, and
rules live in the domain (docs/architecture.md §2), pure and unit-testable under mypy --strict. The
stdlib is enough: names are a handful of tokens, compared token by token after the same
normalisation on both sides (accents, case, punctuation, order and titles do not matter), with
``difflib``'s ratio absorbing transliteration and OCR slips (MRZ ``MUELLER`` vs ``Müller``).

The ID side is what the document reader recorded (``surname``, ``given_names``: MRZ or barcode
spelling, often upper-case ASCII); the other side is one OCR line of the address document.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum

# Letters NFKD does not decompose into a base letter plus a mark.
_TRANSLITERATE = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
                                "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "þ": "th", "Þ": "TH", "ı": "i"})
_NON_LETTERS = re.compile(r"[^a-z]+")
TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "madam", "herr", "frau", "m", "mme",
                    "mlle", "monsieur", "madame", "sr", "sra", "srta", "don", "dona", "sig", "sigra", "mevrouw",
                    "dhr", "mevr"})
# Words that make a line a company, a heading or a label rather than a person's name.
NOT_NAME_WORDS = frozenset({
    "ltd", "limited", "llc", "llp", "inc", "plc", "gmbh", "ag", "sa", "sas", "sarl", "srl", "bv", "nv", "co",
    "company", "corp", "group", "bank", "energy", "electric", "electricity", "water", "gas", "power",
    "telecom", "council", "authority", "revenue", "services", "service", "statement", "invoice", "bill",
    "account", "customer", "customers", "tax", "office", "department", "the", "of", "and", "for", "your",
    "dear", "date", "page", "total", "balance", "flat", "apartment", "apt", "unit", "suite", "floor", "po",
    "box", "attn", "care", "team", "payment", "period", "reference", "summary", "notice", "letter",
})
MIN_TOKEN_RATIO = 0.8  # difflib ratio for tokens of 4+ letters; shorter tokens must be equal
MAX_NAME_TOKENS = 5


class NameMatch(StrEnum):
    """How a line relates to the holder's name."""

    MATCH = "match"  # a surname and a given name (or its initial) of the holder
    PARTIAL = "partial"  # a surname or a given name, not both: a relative, a changed surname, a misread
    NONE = "none"  # no name of the holder at all: someone else


def plain_text(text: str) -> str:
    """Lower case, accents removed (``Ångström`` -> ``angstrom``), other characters kept."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def name_tokens(text: str) -> tuple[str, ...]:
    """The words of a name in plain letters, leading titles dropped (``Mr. O'Neil`` -> ``o neil``)."""
    tokens = [t for t in _NON_LETTERS.split(plain_text(text)) if t]
    while tokens and tokens[0] in TITLES and len(tokens) > 1:
        tokens.pop(0)
    return tuple(tokens)


def tokens_agree(expected: str, read: str) -> bool:
    """One name token against one read token: equal, or close enough for long tokens."""
    if expected == read:
        return True
    if min(len(expected), len(read)) < 4:
        return False
    return SequenceMatcher(None, expected, read).ratio() >= MIN_TOKEN_RATIO


@dataclass(frozen=True)
class HolderName:
    """The ID document holder's name as tokens; personal, so it never prints its value."""

    surnames: tuple[str, ...]
    given_names: tuple[str, ...]

    @classmethod
    def of(cls, surname: str, given_names: str) -> HolderName | None:
        """From the recorded ``surname`` / ``given_names`` fields; None when no surname was read."""
        surnames = name_tokens(surname)
        return cls(surnames, name_tokens(given_names)) if surnames else None

    def __repr__(self) -> str:
        return f"HolderName(tokens={len(self.surnames) + len(self.given_names)})"

    def compare(self, line: str) -> tuple[NameMatch, float]:
        """The line's relation to this name and the share of the name's tokens found in it."""
        read = name_tokens(line)
        surname_hits = sum(any(tokens_agree(s, r) for r in read) for s in self.surnames)
        given_full = sum(any(tokens_agree(g, r) for r in read) for g in self.given_names)
        given_hits = sum(any(tokens_agree(g, r) or (len(r) == 1 and g.startswith(r)) for r in read)
                         for g in self.given_names)
        coverage = (surname_hits + given_hits) / (len(self.surnames) + len(self.given_names))
        if not surname_hits:  # an initial alone says nothing without the surname
            return (NameMatch.PARTIAL if given_full else NameMatch.NONE), coverage
        if given_hits or not self.given_names:
            return NameMatch.MATCH, coverage
        return NameMatch.PARTIAL, coverage


def looks_like_personal_name(line: str) -> bool:
    """A line that is a person's name and nothing else: 2-5 words, no digits, no company or label words."""
    if any(c.isdigit() for c in line):
        return False
    tokens = name_tokens(line)
    if not 2 <= len(tokens) <= MAX_NAME_TOKENS:
        return False
    return not any(t in NOT_NAME_WORDS for t in tokens)

"""Name folding shared by the index, the screener and KYA's name coherence.

Transliteration (anyascii: Cyrillic, Arabic, Greek, CJK... to ASCII), case and diacritic folding,
punctuation removal and particle handling, so "Dmitrïy KHOROSHEV", "khoroshev, dmitriy" and
"Дмитрий Хорошев" meet in one spelling (seed 002 step 7: transliteration, name order, typos).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from anyascii import anyascii

# Connecting particles carry little identity: they count less in the score and are not used to find
# candidates (a query sharing only "al" with a list name is not a candidate).
PARTICLES = frozenset(
    {"al", "el", "ul", "bin", "ben", "ibn", "bint", "de", "da", "del", "della", "der", "di", "du",
     "la", "le", "van", "von", "y", "and", "of", "the"}
)
PARTICLE_WEIGHT = 0.3

_SOUNDS = ((re.compile(r"ph"), "f"), (re.compile(r"ck|q|c(?!h)"), "k"))
_VOWEL_RUNS = re.compile(r"[aeiouy]+")
_REPEATS = re.compile(r"([^*])\1+")


def skeleton(token: str) -> str:
    """First letter, then consonants with vowel runs as ``*`` and doubled letters collapsed:
    "mohammed" = "muhammad" = "m*h*m*d" but "mahmoud" = "m*hm*d"; "dmitry" = "dmitriy"."""
    if len(token) < 4:
        return token
    rest = token[1:]
    for pattern, sound in _SOUNDS:
        rest = pattern.sub(sound, rest)
    return token[0] + _REPEATS.sub(r"\1", _VOWEL_RUNS.sub("*", rest))


_APOSTROPHES = re.compile(r"['`\u2018\u2019\u02bc\u02bb]")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """ASCII, lower case, apostrophes dropped ("Qar'awi" = "Qarawi"), other punctuation as spaces."""
    ascii_text = anyascii(text).lower()
    ascii_text = _APOSTROPHES.sub("", ascii_text)
    return " ".join(_NOT_ALNUM.sub(" ", ascii_text).split())


@dataclass(frozen=True)
class FoldedName:
    """A name as token tuple (original order) with a weight per token."""

    tokens: tuple[str, ...]
    weights: tuple[float, ...]
    skeletons: tuple[str, ...]

    @property
    def joined(self) -> str:
        return "".join(self.tokens)

    @property
    def content_tokens(self) -> tuple[str, ...]:
        """Tokens that identify: particles dropped unless the name has nothing else."""
        content = tuple(t for t in self.tokens if t not in PARTICLES)
        return content or self.tokens


def token_weight(token: str) -> float:
    # Longer tokens carry more identity than initials; particles carry little.
    base = float(min(len(token), 8))
    return base * PARTICLE_WEIGHT if token in PARTICLES else base


def fold_name(text: str) -> FoldedName:
    tokens = tuple(fold(text).split())
    return FoldedName(
        tokens=tokens,
        weights=tuple(token_weight(t) for t in tokens),
        skeletons=tuple(skeleton(t) for t in tokens),
    )

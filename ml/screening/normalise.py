"""Name folding shared by the index, the screener and KYA's name coherence.

Transliteration (anyascii: Cyrillic, Arabic, Greek, CJK... to ASCII), case and diacritic folding,
punctuation removal and particle handling, so "Dmitrïy KHOROSHEV", "khoroshev, dmitriy" and
"Дмитрий Хорошев" meet in one spelling (requirements/pipeline §7: transliteration, name order, typos).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from anyascii import anyascii

# Connecting particles carry little identity: they count less in the score and are not used to find
# candidates (a query sharing only "al" with a list name is not a candidate). Short particles that are
# also common family names elsewhere (Vietnamese Le, Chinese Du/Di/Da...) are deliberately not here.
PARTICLES = frozenset(
    {"al", "el", "ul", "bin", "ibn", "bint", "van", "von", "der", "del", "della", "dos", "das",
     "and", "of", "the"}
)
PARTICLE_WEIGHT = 0.3

_SOUNDS = ((re.compile(r"ph"), "f"), (re.compile(r"ck|q|c(?!h)"), "k"))
_VOWEL_RUNS = re.compile(r"[aeiouy]+")
_REPEATS = re.compile(r"([^*])\1+")


def _sounds(text: str) -> str:
    for pattern, sound in _SOUNDS:
        text = pattern.sub(sound, text)
    return text


def initial_class(token: str) -> str:
    """The first sound of a token, vowels as one class ``*`` ("Omar"/"Umar", "Abu"/"Abou") and
    c/q/k as ``k`` ("Karim"/"Carim"): the bucket the index searches for resembling tokens."""
    head = _sounds(token[:2])[:1] if token else ""
    return "*" if head in "aeiouy" else head


def skeleton(token: str) -> str:
    """Initial class, then consonants with vowel runs as ``*`` and doubled letters collapsed:
    "mohammed" = "muhammad" = "m*h*m*d" but "mahmoud" = "m*hm*d"; "omar" = "umar" = "*m*r"."""
    if len(token) < 4:
        return token
    body = _VOWEL_RUNS.sub("*", _sounds(token))
    body = initial_class(token) + body[1:] if body[0] != "*" else body
    return _REPEATS.sub(r"\1", body)


_APOSTROPHES = re.compile(r"['`\u2018\u2019\u02bc\u02bb]")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
# The Arabic letter ayn is a consonant that Latin spellings write as an apostrophe or leave out, so
# anyascii's "`" is dropped with the apostrophes; a name written in Arabic script writes it, and
# keeping it ("3", as the Arabic chat alphabet spells it) keeps "معین" (Moein) apart from "أمين"
# (Amin) when Arabic-script names are compared with each other.
_AYN = str.maketrans({"\u0639": "3"})


def fold(text: str) -> str:
    """ASCII, lower case, apostrophes dropped ("Qar'awi" = "Qarawi"), other punctuation as spaces;
    the Arabic ayn as "3"."""
    ascii_text = anyascii(text.translate(_AYN)).lower()
    ascii_text = _APOSTROPHES.sub("", ascii_text)
    return " ".join(_NOT_ALNUM.sub(" ", ascii_text).split())


@dataclass(frozen=True)
class FoldedName:
    """A name as token tuple (original order) with a weight per token."""

    tokens: tuple[str, ...]
    weights: tuple[float, ...]
    skeletons: tuple[str, ...]
    initials: tuple[str, ...]

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


def folded_tokens(tokens: Iterable[str]) -> FoldedName:
    """A ``FoldedName`` of already folded name parts (empty parts dropped), with their weights,
    skeletons and initials."""
    kept = tuple(t for t in tokens if t)
    return FoldedName(
        tokens=kept,
        weights=tuple(token_weight(t) for t in kept),
        skeletons=tuple(skeleton(t) for t in kept),
        initials=tuple(initial_class(t) for t in kept),
    )


def fold_name(text: str) -> FoldedName:
    return folded_tokens(fold(text).split())

"""Respelling a Jyutping syllable by a romanisation's tables: the conventions that print Cantonese names
(``readings.hong_kong``, ``macau.macau``) each write Jyutping's initials and finals their own way."""

from __future__ import annotations

from collections.abc import Sequence

# Initials every such convention writes as Jyutping does.
_PLAIN_INITIALS = ("s", "p", "t", "k", "h", "m", "n", "l", "f", "w")


def split_initial(syllable: str, initials: Sequence[tuple[str, str]]) -> tuple[str, str]:
    """(the initial as ``initials`` spell it, the final) of a toneless syllable; ("", syllable) when it has
    no initial (a syllable that is only an initial's letters, "ng", "m", is a final)."""
    for jyutping, spelled in initials:
        if syllable.startswith(jyutping) and syllable != jyutping:
            return spelled, syllable[len(jyutping):]
    if syllable.startswith(_PLAIN_INITIALS) and len(syllable) > 1:
        return syllable[0], syllable[1:]
    return "", syllable


def respell_final(final: str, finals: Sequence[tuple[str, str]]) -> str:
    """The final with its first listed beginning (longest first in ``finals``) respelled."""
    for jyutping, spelled in finals:
        if final.startswith(jyutping):
            return spelled + final[len(jyutping):]
    return final

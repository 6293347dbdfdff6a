"""Hokkien readings of a Chinese name, and the spellings Singapore and Malaysia print from them.

Most Chinese Singaporeans and Malaysians carry the Hokkien (or Teochew) reading of their name on
their passport, not the Mandarin one: 陈庆炎 is "Tan Keng Yam", not "Chen Qingyan". Family names
have a table of their own (``chinese_surnames``); this module reads the given name.

- The readings of each character come from taibun (MIT; its dictionary data from ChhoeTaigi, CC BY-SA
  4.0, 1.4 MB in its wheel, about 16 MB of memory once loaded, no download at run time): Taiwanese
  Hokkien in Tâi-lô. It lists every literary and colloquial reading (鶴 ho̍h, ho̍k) with the
  Zhangzhou and Quanzhou variants ("jī/lī"); a given name is read by the first of each character
  (``MAX_GIVEN_VARIANTS``), and only a given name of two or more characters.
- Pe̍h-ōe-jī (POJ), without its tone marks, is the spelling Taiwanese personal names use when they
  are written in Hokkien ("Hsiao Bi-khim"): Tâi-lô ts/tsh are POJ ch/chh, oo is o͘ (written "o"),
  ing/ik are eng/ek, ua/ue are oa/oe, and the nasal mark (nn, POJ ⁿ) is dropped.
- Singapore and Malaysia registered the POJ reading in English letters ("Straits" spellings): the
  aspiration h dropped (chh, kh, ph, th as ch, k, p, t: "Keng" for khing), i as "ee" closing a
  syllable ("Chee", "Lee"), u as "oo" ("Boon", "Khoo"), ui as "wee" ("Swee", "Gwee"), ia before
  n/t/h as "ea" ("Hean", "Keat", "Seah"), iau as "eow" ("Seow"), iu as "iew" ("Siew"), o͘ closing a
  syllable as "oh" ("Goh", "Koh"), oa after a consonant as "ua" ("Chua"), and a syllable that opens
  with i or o before another vowel with "y" or "w" ("Yam", "Yong", "Wan").

What a reading finds is at most a near-hit, like every reading (``readings``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from itertools import product
from typing import Any

# Which given names are read in Hokkien, and by how many readings. Chosen on the older pair sets and
# on generated Chinese names written as Chinese write them (faker zh_CN + zh_TW, 500 each, family
# name first, no space, drawn family first, seed 11; name-only near-hits per 1,000 were 286 and 184
# without Hokkien readings): every given name by up to four readings per name gave 338 and 228;
# two-character given names only (as Singapore, Malaysia and Taiwan write theirs, "Keng Yam",
# "Bi-khim") by taibun's first reading of each character, 298 and 222, with the same recall on the
# older sets (fresh Chinese 29/31). A one-syllable Hokkien given name is short enough to meet many
# listed names by chance.
MIN_GIVEN_CHARACTERS = 2
MAX_GIVEN_VARIANTS = 1

_POJ = ((re.compile("tsh"), "chh"), (re.compile("ts"), "ch"), (re.compile("oo"), "o"), (re.compile("nn"), ""),
        (re.compile("ing"), "eng"), (re.compile("ik"), "ek"), (re.compile("u(?=[ae])"), "o"))
_STRAITS = (
    (re.compile("chh"), "ch"), (re.compile("(?<=[kpt])h"), ""),
    (re.compile("^i(?=[aeou])"), "y"), (re.compile("^o(?=[ae])"), "w"),
    (re.compile("(?<=[^aeiou])oa"), "ua"), (re.compile("ui"), "wee"),
    (re.compile("iau$"), "eow"), (re.compile("iu$"), "iew"),
    (re.compile("(?<=[^aeiou])ia(?=[nth]$)"), "ea"),
    (re.compile("(?<=[^aeiou])i$"), "ee"), (re.compile("(?<=[^aeiou])u(?=[nt]?$)"), "oo"),
)


@cache
def _taibun() -> Any:  # taibun has no type hints
    import taibun.taibun as taibun

    return taibun


def _toneless(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn").lower()


def tailo_readings(char: str) -> list[str]:
    """Toneless Tâi-lô readings of one character, taibun's first ("庆" -> ["khing"], "鶴" -> ["hoh",
    "hok"]); [] when it has none."""
    taibun = _taibun()
    found = taibun.prons_dict.get(taibun.to_traditional(char)) or taibun.prons_dict.get(char) or []
    readings = [_toneless(variant) for reading in found for variant in reading.split("/")]
    return list(dict.fromkeys(r for r in readings if r.isascii() and r.isalpha()))


def poj(tailo: str) -> str:
    """One toneless Tâi-lô syllable in POJ without tone marks ("tshing" -> "chheng", "kuan" -> "koan")."""
    for pattern, spelling in _POJ:
        tailo = pattern.sub(spelling, tailo)
    return tailo


def straits(tailo: str) -> str:
    """One toneless Tâi-lô syllable as Singapore and Malaysia spell it ("khing" -> "keng", "sui" ->
    "swee", "hian" -> "hean", "bun" -> "boon", "oan" -> "wan")."""
    syllable = poj(tailo)
    if syllable.endswith("o") and tailo.endswith("oo"):
        syllable += "h"
    for pattern, spelling in _STRAITS:
        syllable = pattern.sub(spelling, syllable)
    return syllable


def hokkien_givens(chars: str) -> list[str]:
    """Spellings of a given name read in Hokkien, each joined: POJ, then the Straits spelling, for the
    first readings and then ``MAX_GIVEN_VARIANTS`` - 1 variants with one character read otherwise
    ("庆炎" -> ["khengiam", "kengyam"]); [] when a character has no reading or the name has fewer than
    ``MIN_GIVEN_CHARACTERS``."""
    readings = [tailo_readings(ch) for ch in chars]
    if len(readings) < MIN_GIVEN_CHARACTERS or not all(readings):
        return []
    first = [r[0] for r in readings]
    variants = [first] + [[*first[:i], other, *first[i + 1:]] for i, r in enumerate(readings) for other in r[1:]]
    spellings = ["".join(spell(s) for s in syllables)
                 for syllables, spell in product(variants[:MAX_GIVEN_VARIANTS], (poj, straits))]
    return list(dict.fromkeys(spellings))


def load() -> None:
    """Load taibun's dictionary now (about 0.2 s), not in the first screening of a Han name."""
    _taibun()

"""Hebrew consonant keys: what Hebrew letters and their Latin spellings do not tell apart.

The Arabic consonant keys (``consonants``) drop a Latin "v" (Persian و) and keep h, kh and k apart
(ح, خ, ق). Hebrew names are spelled in Latin by other conventions, which is why a Hebrew name meets
Latin names through keys of its own (the Academy of the Hebrew Language's transliteration rules and
the Yiddish / German spellings of Ashkenazi names):

- ב is "b" or "v" (bet with or without dagesh), ו a vowel letter ("o", "u") or "v": Latin "v" is
  the class of ב; ו counts as "v" only where it cannot be a vowel (doubled, or opening a word).
- ח, כ/ך, ק and ה are written "h", "ch", "kh", "k" or "c" ("Chaim", "Yitzhak", "Menachem",
  "Baruch"): one class. A final ה is a vowel letter ("Moshe", "Golda") and is dropped, like a
  Latin final "h" after a vowel ("Sarah").
- ס, ש, צ/ץ and ז are written "s", "sh", "ts", "tz", and in Yiddish / German spellings "z" for צ
  ("Weizmann", "Herzog"): one class. פ/ף is "p" or "f" (Latin "p", "ph", "f" already fold).
- With a geresh, ג' is "j", ז' is "zh" / "j", צ' is "ch" (as in Slavic surnames): each takes the
  class of its Latin spelling.
- ו inside a word is a vowel letter ("o", "u": "Moshe") or "v" ("David", "Levi"): the spelling does
  not tell them apart, so such a word also gets the key with that ו as "v" (``hebrew_word_keys``).
- Yiddish / German "w" spells that "v" ("Weizmann", "Wolfson"): the class of ב.

A match on these keys is as weak as any consonant-key match: at most a near-hit.
"""

from __future__ import annotations

import re
import unicodedata

_GERESH = re.compile("([גזצץ])['\u05f3\u2019]")
_GERESH_CLASS = {"ג": "j", "ז": "j", "צ": "k", "ץ": "k"}  # written "j", "zh"/"j", "ch"
_LETTERS = {
    "ב": "b", "ג": "j", "ד": "d", "ה": "k", "ח": "k", "כ": "k", "ך": "k", "ק": "k", "ט": "t", "ת": "t",
    "ל": "l", "מ": "m", "ם": "m", "נ": "n", "ן": "n", "ס": "s", "ש": "s", "צ": "s", "ץ": "s", "ז": "s",
    "פ": "f", "ף": "f", "ר": "r",
}
_LATIN = (
    ("sch", "s"), ("ch", "k"), ("kh", "k"), ("ck", "k"), ("sh", "s"), ("ts", "s"), ("tz", "s"), ("th", "t"),
    ("ph", "f"), ("zh", "j"), ("dj", "j"), ("gh", "j"), ("q", "k"), ("c", "k"), ("h", "k"), ("z", "s"),
    ("g", "j"), ("p", "f"), ("x", "ks"), ("v", "b"), ("w", "b"), ("y", ""),
    ("a", ""), ("e", ""), ("i", ""), ("o", ""), ("u", ""),
)
_LATIN_PATTERN = re.compile("|".join(re.escape(k) for k, _ in _LATIN))
_LATIN_MAP = dict(_LATIN)
_REPEATS = re.compile(r"(.)\1+")
_FINAL_VOWEL_H = re.compile(r"(?<=[aeiou])h$")


def hebrew_word_keys(word: str) -> list[str]:
    """The word's key, and when a single ו inside it may be "v" rather than a vowel, the key with that
    ו as "v" too ("דוד" -> ["dd", "dbd"], "לוי" -> ["l", "lb"])."""
    key = hebrew_word_key(word)
    consonantal = hebrew_word_key(word, medial_vav=True)
    return [key] if consonantal == key else [key, consonantal]


def hebrew_word_key(word: str, *, medial_vav: bool = False) -> str:
    """Key of one Hebrew word ("ראובן" -> "rbn", "חיים" -> "km", "ז'בוטינסקי" -> "jbtnsk"); with
    ``medial_vav`` a single ו inside the word is read "v"."""
    word = unicodedata.normalize("NFKC", word)
    word = word[:-1] if len(word) > 1 and word.endswith("ה") else word
    word = _GERESH.sub(lambda m: "\0" + _GERESH_CLASS[m.group(1)], word)
    out = []
    for i, ch in enumerate(word):
        if ch == "\0":
            continue
        if i > 0 and word[i - 1] == "\0":
            out.append(ch)
        elif ch == "ו":
            single = word[i + 1: i + 2] != "ו" and word[i - 1: i] != "ו"
            out.append("b" if i == 0 or word[i + 1: i + 2] == "ו" or (medial_vav and single) else "")
        else:
            out.append(_LETTERS.get(ch, ""))
    return _REPEATS.sub(r"\1", "".join(out))


def latin_word_key(token: str) -> str:
    """Key of one folded Latin token by the same classes ("reuven" -> "rbn", "chaim" -> "km")."""
    token = _FINAL_VOWEL_H.sub("", token)
    return _REPEATS.sub(r"\1", _LATIN_PATTERN.sub(lambda m: _LATIN_MAP[m.group(0)], token))

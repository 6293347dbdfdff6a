"""Latin readings of names written in Hangul, Han characters or kana, for the screener.

A per-letter transliteration (``normalise.fold``, anyascii) writes Hangul in Revised Romanization
without syllable breaks ("김정은" -> "gimjeongeun") and Han names as one run of syllables, while
sanctions lists print Korean names in McCune-Reischauer as the DPRK uses it ("KIM JONG UN", "RI
JE-SON") and Chinese names in pinyin with the given name joined ("XI Jinping"). The readings here
follow those conventions:

- Hangul: McCune-Reischauer without breves (the lists drop them), one token per syllable; names are
  then compared through ``korean_key``, which folds the differences between MR, the DPRK variant and
  Revised Romanization (k/g, t/d, p/b, ch/j, r/l, eo/o, eu/u) and the usual surname spellings.
- Han: pinyin per character (anyascii's tables), the first character as family name (two for the
  compound surnames) and the given name joined, as in GB/T 28039 ("Xi Jinping").
- Kana: Hepburn as on Japanese passports (long vowels unmarked, "ou" -> "o"), with small kana
  (ゃ, ゅ, ょ, っ) combined. Kanji names have no reading without a name dictionary: not read here.
"""

from __future__ import annotations

import re

from anyascii import anyascii

from ml.screening.normalise import fold

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_LEADS = ("k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h")
_VOWELS = ("a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we",
           "wi", "yu", "u", "ui", "i")
_TAILS = ("", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "p", "l", "l", "p", "l", "m", "p", "p",
          "t", "t", "ng", "t", "t", "k", "t", "p", "t")
# Compound Chinese surnames (two characters), simplified and traditional.
_COMPOUND_SURNAMES = frozenset({"欧阳", "歐陽", "司马", "司馬", "诸葛", "諸葛", "上官", "东方", "東方",
                                "皇甫", "尉迟", "尉遲", "公孙", "公孫", "慕容", "令狐", "夏侯", "司徒"})


def _script_of(ch: str) -> str:
    code = ord(ch)
    if _HANGUL_FIRST <= code <= _HANGUL_LAST:
        return "hangul"
    if 0x3040 <= code <= 0x30FF:
        return "kana"
    if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF:
        return "han"
    return "other"


def _hangul_syllable(ch: str) -> str:
    code = ord(ch) - _HANGUL_FIRST
    return _LEADS[code // 588] + _VOWELS[(code % 588) // 28] + _TAILS[code % 28]


def hangul_reading(word: str) -> list[str]:
    """McCune-Reischauer tokens, one per syllable ("리제선" -> ["ri", "je", "son"])."""
    return [_hangul_syllable(ch) for ch in word if _script_of(ch) == "hangul"]


def han_characters(word: str) -> str:
    return "".join(ch for ch in word if _script_of(ch) == "han")


def family_length(chars: str) -> int:
    """How many of a Chinese name's characters are the family name (two for the compound surnames)."""
    return 2 if chars[:2] in _COMPOUND_SURNAMES and len(chars) > 2 else 1


def han_reading(word: str) -> list[str]:
    """Pinyin family name and joined given name ("习近平" -> ["xi", "jinping"])."""
    chars = han_characters(word)
    if len(chars) < 2:
        return [fold(anyascii(ch)) for ch in chars]
    family = family_length(chars)
    syllables = [fold(anyascii(ch)) for ch in chars]
    return ["".join(syllables[:family]), "".join(syllables[family:])]


_SMALL_Y = {"ゃ": "ya", "ゅ": "yu", "ょ": "yo", "ャ": "ya", "ュ": "yu", "ョ": "yo"}
_SOKUON = frozenset({"っ", "ッ"})
_LONG_VOWELS = ((re.compile(r"ou"), "o"), (re.compile(r"oo"), "o"), (re.compile(r"uu"), "u"))


def kana_reading(word: str) -> str:
    """Passport Hepburn of one kana word ("ショウコウ" -> "shoko", "きょうこ" -> "kyoko")."""
    out = ""
    double_next = False
    for ch in word:
        if ch in _SMALL_Y and out.endswith("i"):
            stem = out[:-1]
            out = stem + (_SMALL_Y[ch][1:] if stem.endswith(("sh", "ch", "j")) else _SMALL_Y[ch])
            continue
        if ch in _SOKUON:
            double_next = True
            continue
        if ch == "ー":
            continue
        syllable = anyascii(ch).lower()
        if double_next and syllable:
            syllable = ("t" if syllable.startswith("ch") else syllable[0]) + syllable
            double_next = False
        out += syllable
    for pattern, long_vowel in _LONG_VOWELS:
        out = pattern.sub(long_vowel, out)
    return out


def east_asian_script(text: str) -> str | None:
    """``hangul``, ``han`` or ``kana`` when most letters of ``text`` are written in it, else None."""
    counts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha():
            script = _script_of(ch)
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return None
    best = max(counts, key=lambda s: counts[s])
    return None if best == "other" else best


def latin_reading(text: str) -> str | None:
    """The name read in Latin letters by the conventions above, or None for other scripts."""
    script = east_asian_script(text)
    if script is None:
        return None
    words = text.replace("・", " ").replace("·", " ").split()
    if script == "hangul":
        return " ".join(t for w in words for t in hangul_reading(w))
    if script == "han":
        return " ".join(t for w in words for t in han_reading(w))
    return " ".join(kana_reading(w) for w in words)


# Korean key: sounds that MR, the DPRK variant and Revised Romanization write differently fold
# together; surname spellings of the same syllable meet ("Lee"/"Yi"/"Ri", "Park"/"Pak", "Choi"/"Choe").
# The DPRK writes MR's aspirates k', t', p' as "kh", "th", "ph" ("Jang Song Thaek"); ㅢ after a
# consonant is said, and often spelled, "i" ("hee" for 희, MR "hui").
# The surname table is looked up before and after the sound rules ("Rhee" -> "i"; "Choi" -> "joe").
_KOREAN_SOUNDS = tuple((re.compile(p), r) for p, r in (
    (r"(?<=[ktp])h", ""), (r"^([^aeiouwy]+)ui$", r"\1i"),
    (r"eo", "o"), (r"eu", "u"), (r"oo", "u"), (r"ee", "i"), (r"sh", "s"), (r"ch", "j"), (r"g", "k"),
    (r"d", "t"), (r"b", "p"), (r"l", "r"), (r"([aeiou])h$", r"\1"), (r"^r(?=[iy])", ""),
))
_KOREAN_SURNAMES = {"ri": "i", "yi": "i", "rhee": "i", "park": "pak", "choi": "joe", "choe": "joe",
                    "chwe": "joe", "rim": "im", "ryu": "yu", "yoo": "yu", "you": "yu", "noh": "no",
                    "roh": "no", "ahn": "an", "sohn": "son", "yoon": "yun", "moon": "mun", "woo": "u"}


def korean_key(token: str) -> str:
    """One romanised Korean syllable or name part folded for comparison ("jeong" = "jong" = "chong" =
    "chung"): o and u fold together too, as personal spellings write ㅓ as "u" ("Suk", "Sung")."""
    if token in _KOREAN_SURNAMES:
        token = _KOREAN_SURNAMES[token]
    for pattern, sound in _KOREAN_SOUNDS:
        token = pattern.sub(sound, token)
    return _KOREAN_SURNAMES.get(token, token).replace("u", "o")

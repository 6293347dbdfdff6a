"""More Latin readings of a Han or kanji name than pinyin: Wade-Giles, Hong Kong Cantonese and Japanese.

A name in Han characters is printed in Latin by its bearer's convention, not by one transliteration:

- Mainland China: Hanyu Pinyin, family name then the given name joined ("Xi Jinping";
  ``romanise.han_reading``).
- Taiwan (and older spellings): Wade-Giles without its apostrophes and umlauts, the given name
  usually hyphenated ("Chiang Ching-kuo", "Lai Ching-te"). The table below is the standard pinyin to
  Wade-Giles correspondence (initials b/p/d/t/g/k -> p/t/k, zh/ch/j/q -> ch, z/c -> ts, x -> hs,
  r -> j; finals -ong -> -ung, -ian -> -ien, -ie -> -ieh, -ui -> -uei; zhi/chi/shi/ri -> chih/shih/jih,
  zi/ci -> tzu, si -> ssu).
- Taiwanese given names in Gwoyeu Romatzyh or personal spellings taken from it, whose letters carry
  the tone ("Jaushieh", "Shiow-yen"; ``gwoyeu``).
- Hong Kong and Macau: the Hong Kong Government Cantonese Romanisation of the Cantonese reading
  ("Leung Chun-ying", "Li Ka-shing"), derived here from Jyutping (ToJyutping, BSD-2-Clause, whose
  0.5 MB lexicon ships in its wheel and covers simplified and traditional characters; pycantonese was
  tried first and costs about 340 MB of memory per process) by that convention's spellings of
  Jyutping initials and finals; Macau's Portuguese-based spelling of the same reading ("Ho Iat Seng";
  ``macau``).
- Japan: the kanji name's reading from a name-aware morphological dictionary (SudachiPy with
  sudachidict-core, Apache-2.0, both from their wheels; no download at run time), written in passport
  Hepburn (``romanise.kana_reading``). A name in kanji alone may be Chinese or Japanese, so both kinds
  of reading are tried.

Every reading is a guess at a convention, so what it finds is at most a near-hit (the screener's
"reading" path; docs/requirements/pipeline.md, "Sanctions & PEP screening").
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from anyascii import anyascii

from ml.screening.chinese_surnames import surname_spellings
from ml.screening.gwoyeu import gwoyeu_syllables
from ml.screening.gwoyeu import load as load_gwoyeu
from ml.screening.hokkien import hokkien_givens
from ml.screening.hokkien import load as load_hokkien
from ml.screening.jyutping import respell_final, split_initial
from ml.screening.macau import macau
from ml.screening.normalise import fold
from ml.screening.romanise import east_asian_script, family_length, han_characters, kana_reading, latin_reading

_WG_WHOLE = {"zhi": "chih", "chi": "chih", "shi": "shih", "ri": "jih", "zi": "tzu", "ci": "tzu", "si": "ssu",
             "er": "erh", "you": "yu", "yan": "yen", "ye": "yeh", "yi": "i", "yong": "yung", "yue": "yueh",
             "ge": "ko", "ke": "ko", "he": "ho"}
_WG_INITIALS = (("zh", "ch"), ("ch", "ch"), ("sh", "sh"), ("b", "p"), ("d", "t"), ("g", "k"), ("z", "ts"),
                ("c", "ts"), ("j", "ch"), ("q", "ch"), ("x", "hs"), ("r", "j"))
_WG_FINALS = (("ong", "ung"), ("ian", "ien"), ("ie", "ieh"), ("ue", "ueh"), ("ui", "uei"))
_WG_KEEPS_UO = ("g", "k", "h", "sh")


def wade_giles(syllable: str) -> str:
    """One toneless pinyin syllable in Wade-Giles without apostrophes ("jing" -> "ching", "guo" -> "kuo")."""
    if syllable in _WG_WHOLE:
        return _WG_WHOLE[syllable]
    initial, final = "", syllable
    for pinyin, wg in _WG_INITIALS:
        if syllable.startswith(pinyin):
            initial, final = wg, syllable[len(pinyin):]
            break
    else:
        match = re.match(r"[^aeiou]*", syllable)
        initial, final = syllable[: match.end()] if match else "", syllable[match.end() if match else 0:]
    for pinyin, wg in _WG_FINALS:
        if final.endswith(pinyin):
            final = final[: -len(pinyin)] + wg
            break
    if final == "uo" and not syllable.startswith(_WG_KEEPS_UO):
        final = "o"
    return initial + final


# Hong Kong Government Cantonese Romanisation of Jyutping: initials, then finals (longest first).
_HK_INITIALS = (("gw", "kw"), ("ng", "ng"), ("b", "p"), ("d", "t"), ("g", "k"), ("z", "ch"), ("c", "ch"),
                ("j", "y"))
_HK_FINALS = (("oeng", "eung"), ("oek", "euk"), ("eoi", "ui"), ("eon", "un"), ("eot", "ut"), ("yun", "uen"),
              ("yut", "uet"), ("yu", "u"), ("aa", "a"), ("ou", "o"))
_HK_SH = ("ing", "eoi", "yu", "ik")  # "s" is written "sh" before these ("Shing", "Shui", "Shu")


def hong_kong(jyutping: str) -> str:
    """One Jyutping syllable (tone digit allowed) in the Hong Kong Government spelling ("sing1" -> "shing")."""
    syllable = jyutping.rstrip("0123456789")
    if syllable == "si":
        return "sze"
    initial, final = split_initial(syllable, _HK_INITIALS)
    if initial == "s" and final.startswith(_HK_SH):
        initial = "sh"
    return initial + respell_final(final, _HK_FINALS)


@cache
def _cantonese() -> Any:  # ToJyutping has no type hints
    import ToJyutping

    return ToJyutping


def cantonese_syllables(chars: str) -> list[str] | None:
    """Jyutping of each character, or None when the lexicon has no reading for one of them."""
    syllables = [reading for _, reading in _cantonese().get_jyutping_list(chars)]
    return syllables if len(syllables) == len(chars) and all(syllables) else None


def _family_and_given(syllables: list[str], family: int) -> str:
    """Family name, then the given name joined: the screener's joined-token comparison meets both
    "Ching-kuo" and "Chingkuo" that way."""
    return " ".join(t for t in ("".join(syllables[:family]), "".join(syllables[family:])) if t)


def chinese_readings(chars: str, family: int) -> list[str]:
    """Wade-Giles, Gwoyeu Romatzyh and Hong Kong Cantonese readings of one Han name (``family``
    characters of surname), then the family name's other spellings (``chinese_surnames``) before each
    reading of the given name, in Mandarin, Cantonese and Hokkien (``hokkien``)."""
    if family == 1 and len(chars) == 4 and surname_spellings(chars[0]) and surname_spellings(chars[1]):
        # A married woman in Hong Kong (and formerly Taiwan) puts her husband's family name before her
        # own: 林鄭月娥 "Lam Cheng Yuet-ngor", two family names and a given name.
        family = 2
    pinyin = [fold(anyascii(ch)) for ch in chars]
    syllables = [pinyin, [wade_giles(s) for s in pinyin]]
    jyutping = cantonese_syllables(chars)
    if jyutping:
        syllables.append([hong_kong(s) for s in jyutping])
    readings = [_family_and_given(s, family) for s in syllables[1:]]
    if jyutping:
        readings.append(_family_and_given([macau(s) for s in jyutping], family))
    gwoyeu = gwoyeu_syllables(chars, pinyin)
    if gwoyeu:  # a Taiwanese convention: the family name in Wade-Giles, the given name in GR
        readings.append(_family_and_given([*syllables[1][:family], *gwoyeu[family:]], family))
    if family == 2:
        # Two family syllables written as two words too ("Au-Yeung", "Lam Cheng"): the screener
        # compares names joined only when they differ by one word.
        readings += [f"{s[0]} {s[1]} {''.join(s[2:])}" for s in syllables]
    givens = dict.fromkeys("".join(s[family:]) for s in syllables)
    spellings = surname_spellings(chars[:family]) if family == 1 else ()
    readings += [f"{surname} {given}" for surname in spellings for given in givens]
    families = spellings or tuple(dict.fromkeys(" ".join(s[:family]) for s in syllables))
    readings += [f"{surname} {given}" for surname in families for given in hokkien_givens(chars[family:])]
    return readings


_PERSON_NAME = "人名"


@cache
def _dictionary() -> Any:  # the bundled core dictionary
    from sudachipy import Dictionary

    return Dictionary(dict="core")


@cache
def _sudachi() -> Any:  # its tokenizer
    return _dictionary().tokenizer()


# How many other readings of one name word to try: the dictionary lists a name's readings by frequency
# ("文雄" フミオ, ブンユウ; "菅" カン, スガ), and a person's own reading is not always the first. Only
# readings of the same kind (family or given name) are tried; one more or two gave the same figures on
# the hand-built and first held-out pairs (kanji 3/4 -> 4/4, 13/15 -> 14/15) and on generated names
# (faker zh_CN + zh_TW, seed 11: name-only flags 26 -> 27 per 1,000; ja_JP 2 -> 2).
OTHER_READINGS = 1


def japanese_reading(text: str) -> str | None:
    """Passport Hepburn of a Japanese name in kanji (and kana), word by word as the dictionary splits
    it ("安倍晋三" -> "abe shinzo"); None unless the dictionary knows part of it as a person's name
    (人名) and has a reading for every word: a Chinese name read as Japanese words is no name."""
    readings = japanese_readings(text)
    return readings[0] if readings else None


def japanese_readings(text: str) -> list[str]:
    """The reading of ``japanese_reading`` first, then, once per name word, that word read by each of
    its next ``OTHER_READINGS`` name readings in the dictionary ("岸田文雄" -> ["kishida bunyu",
    "kishida fumio"] as the dictionary orders them); [] where ``japanese_reading`` gives None."""
    morphemes = list(_sudachi().tokenize("".join(text.split())))
    if not any(m.part_of_speech()[2] == _PERSON_NAME for m in morphemes):
        return []
    words: list[list[str]] = []
    for morpheme in morphemes:
        reading = morpheme.reading_form()
        if any("\u4e00" <= ch <= "\u9fff" for ch in reading):  # no reading: the kanji come back
            return []
        alternatives = [reading]
        if morpheme.part_of_speech()[2] == _PERSON_NAME:
            kind = morpheme.part_of_speech()[2:4]  # 人名 and family (姓) or given (名) name
            names = (m.reading_form() for m in _dictionary().lookup(morpheme.surface())
                     if m.part_of_speech()[2:4] == kind)
            alternatives += [r for r in dict.fromkeys(names) if r != reading][:OTHER_READINGS]
        words.append([kana_reading(r) for r in alternatives])
    first = [w[0] for w in words]
    variants = [[*first[:i], other, *first[i + 1:]] for i, w in enumerate(words) for other in w[1:]]
    return list(dict.fromkeys(" ".join(t for t in v if t) for v in (first, *variants) if any(v)))


def latin_readings(text: str) -> list[str]:
    """Every Latin reading of a name in Han characters or kana, by the conventions above (none for
    other scripts)."""
    script = east_asian_script(text)
    if script not in ("han", "kana"):
        return []
    readings = [latin_reading(text) or ""]
    if script == "han":
        words = [chars for chars in (han_characters(w) for w in text.split()) if chars]
        if len(words) == 1 and len(words[0]) > 1:
            readings += chinese_readings(words[0], family_length(words[0]))
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        readings += japanese_readings(text)
    return list(dict.fromkeys(r for r in readings if r))


def load_dictionaries() -> None:
    """Load the Cantonese lexicon, the Mandarin tones, the Hokkien dictionary and the Japanese
    dictionary now (about 1.9 s), not in the first screening of a Han name."""
    cantonese_syllables("李")
    load_gwoyeu()
    load_hokkien()
    _sudachi()

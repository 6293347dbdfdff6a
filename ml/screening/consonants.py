"""Consonant keys: how names written in an abjad (Arabic, Hebrew) meet their Latin spellings.

Arabic and Hebrew write consonants and long vowels and leave short vowels out, so "محمد" is m-h-m-d
whatever vowels a Latin spelling adds ("Mohammed", "Muhammad", "Mehmet"). A transliteration alone
cannot restore those vowels: "صدام حسين" comes out as "sdm hsyn", far from "Saddam Hussein" for any
spelling similarity. Both sides are therefore reduced to a consonant key: letters grouped into the
classes that transliterations confuse (q/k/kh, j/g/dj/gh, f/ph, s/sh/ch/ts...), vowels and the
semivowels that double as long vowels (w/y, Arabic و ي ا, Hebrew ו י א ע) dropped, doubled letters
(Arabic shadda is not written) collapsed and a final h (Arabic ة, Latin "-ah") dropped.

Information is lost on purpose, so a match on consonant keys is weaker evidence than a match on
spelled names: the screener caps it at a near-hit (docs/requirements/pipeline.md, "Sanctions & PEP
screening": a potential match goes to fuzzy-match review, an exact one escalates).
"""

from __future__ import annotations

import re
import unicodedata

from ml.screening.normalise import FoldedName, fold, folded_tokens

# One class letter per group of sounds that Latin spellings of Arabic and Hebrew names interchange.
_ARABIC = {
    "ب": "b", "پ": "p", "ت": "t", "ث": "t", "ط": "t", "ج": "j", "چ": "s", "ژ": "j", "غ": "j", "گ": "j",
    "ح": "h", "ه": "h", "ھ": "h", "ہ": "h", "ۀ": "h", "خ": "k", "ق": "k", "ك": "k", "ک": "k",
    "د": "d", "ض": "d", "ذ": "z", "ز": "z",
    "ظ": "z", "ر": "r", "س": "s", "ص": "s", "ش": "s", "ف": "f", "ل": "l", "م": "m", "ن": "n",
}
_HEBREW = {
    "ב": "b", "ג": "j", "ד": "d", "ה": "h", "ז": "z", "ח": "h", "ט": "t", "כ": "k", "ך": "k", "ל": "l",
    "מ": "m", "ם": "m", "נ": "n", "ן": "n", "ס": "s", "פ": "f", "ף": "f", "צ": "s", "ץ": "s", "ק": "k",
    "ר": "r", "ש": "s", "ת": "t",
}
# Latin spellings, longest first: digraphs before single letters. "p" keeps a class of its own: Arabic has no
# p and its ف is never spelled "p", while Persian, Urdu and Pashto write p as پ ("Parsa" is not "Fares").
_LATIN = (
    ("sch", "s"), ("tch", "s"), ("kh", "k"), ("gh", "j"), ("dj", "j"), ("dh", "z"), ("th", "t"),
    ("sh", "s"), ("ch", "s"), ("zh", "j"), ("ph", "f"), ("ts", "s"), ("tz", "s"), ("ck", "k"),
    ("q", "k"), ("c", "k"), ("g", "j"), ("x", "ks"), ("v", ""), ("w", ""), ("y", ""),
    ("a", ""), ("e", ""), ("i", ""), ("o", ""), ("u", ""),
)
_LATIN_PATTERN = re.compile("|".join(re.escape(k) for k, _ in _LATIN))
_LATIN_MAP = dict(_LATIN)
_REPEATS = re.compile(r"(.)\1+")
# The Arabic article written apart in Latin ("al-", "el-", and the assimilated "ash-", "ad-"...): an abjad
# joins it to the word and Latin spellings keep, assimilate or drop it ("al-Sabbar", "Essabar",
# "Sabbar"), so it is left out on both sides.
_LATIN_ARTICLES = frozenset({"al", "el", "ul", "ad", "ash", "as", "az", "an", "ar", "at", "ath", "adh", "es",
                             "ed", "en", "er", "et", "ez", "ud", "ur", "us", "uz"})
_ARABIC_ARTICLE = "ال"
# Compounds written as one word or as two, with the article inside or not ("Abd al-Rahman",
# "Abdulrahman", "عبد الرحمن"; "Ehsanullah", "احسان الله"; "Sirajuddin", "سراج الدين"): "abd" joins the
# next key, "allah" and "din" the previous one, and an article after "abd" is left out. "Allah" keeps
# its final h ("lh"): without it, it would be "Ali" ("l").
_ALLAH = "lh"
_ARABIC_ALLAH = frozenset({"الله", "اللہ", "اللة"})
_LATIN_ALLAH = re.compile(r"(allah|ullah|ulla|alla|illah|ollah|olla)$")
_JOINS_NEXT = frozenset({"bd"})
_LATIN_ABD = frozenset({"abd", "abdel", "abdul", "abdal", "abdol", "abdoul", "abdu", "abdur", "abdus"})
_JOINS_PREVIOUS = frozenset({_ALLAH, "dn"})

ABJAD_SCRIPTS = frozenset({"ARABIC", "HEBREW"})


def _key(letters: str) -> str:
    key = _REPEATS.sub(r"\1", letters)
    return key[:-1] if len(key) > 1 and key.endswith("h") and not key.endswith(_ALLAH) else key


def latin_key(token: str) -> str:
    """Consonant key of one folded Latin token ("hussein" -> "hsn", "abdullah" -> "bdlh")."""
    allah = _LATIN_ALLAH.search(token)
    if allah and (allah.start() == 0 or token[: allah.start()] != "a"):  # "Alla" alone is "Allah" too
        return _key(_LATIN_PATTERN.sub(lambda m: _LATIN_MAP[m.group(0)], token[: allah.start()])) + _ALLAH
    return _key(_LATIN_PATTERN.sub(lambda m: _LATIN_MAP[m.group(0)], token))


def abjad_key(word: str) -> str:
    """Consonant key of one Arabic or Hebrew word; letters outside the tables (vowel carriers,
    diacritics, tatweel) give nothing."""
    if word in _ARABIC_ALLAH:
        return _ALLAH
    return _key("".join(_ARABIC.get(ch) or _HEBREW.get(ch) or "" for ch in word))


def _compounds(keys: list[str]) -> list[str]:
    """Join compound parts ("bd" + "rhmn" -> "bdrhmn", "hsn" + "l" -> "hsnl") and drop the article
    inside "abd-al-" compounds ("bdlrhmn" -> "bdrhmn")."""
    out: list[str] = []
    carry = ""
    for key in keys:
        if key in _JOINS_PREVIOUS and out and not carry:
            out[-1] += key
        elif key in _JOINS_NEXT:
            carry += key
        else:
            out.append(carry + key)
            carry = ""
    if carry:
        out.append(carry)
    return [("bd" + k[3:]) if k.startswith("bdl") and k != "bdlh" else k for k in out]


def _abjad_keys(text: str) -> list[str]:
    words = unicodedata.normalize("NFKC", text).replace("-", " ").split()
    words = [w if w in _ARABIC_ALLAH or not w.startswith(_ARABIC_ARTICLE) or len(w) <= 3
             else w[len(_ARABIC_ARTICLE):] for w in words]
    return [abjad_key(w) for w in words]


# Thai thanthakhat (U+0E4C) silences the letter before it ("ลักษณ์" is read "lak").
_THAI_SILENT = re.compile("[\u0e01-\u0e2e]\u0e4c")


def _latin_keys(text: str) -> list[str]:
    tokens = fold(_THAI_SILENT.sub("", text)).split()
    kept = [t for i, t in enumerate(tokens) if t not in _LATIN_ARTICLES or i == len(tokens) - 1]
    return ["bd" if t in _LATIN_ABD else latin_key(t) for t in kept]


def dominant_script(text: str) -> str:
    """The Unicode script name (first word of the character names) most letters of ``text`` use."""
    counts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha():
            script = unicodedata.name(ch, "UNKNOWN").split(" ")[0]
            counts[script] = counts.get(script, 0) + 1
    return max(counts, key=lambda s: counts[s]) if counts else "UNKNOWN"


# Letters that Arabic reads one way and Persian, Urdu and Pashto another, so that the Latin spellings of
# the lists write either: ث is "th" in Arabic ("Uthman", "Haitham") and "s" in Persian and Urdu
# ("Sanaullah", "Saqib", "Ghias").
_READ_TWO_WAYS = (("\u062b", "\u0633"),)  # ث also read as س


def consonant_names(text: str) -> list[FoldedName]:
    """The name's consonant keys (``consonant_name``), then, for a name in Arabic script with letters read
    two ways (``_READ_TWO_WAYS``), its keys with those letters read the other way. Each key is one more
    chance to meet an unrelated listed name: ``evidence.singles_out`` counts them as tries."""
    texts = [text]
    if dominant_script(text) == "ARABIC":
        for letter, other in _READ_TWO_WAYS:
            if letter in text:
                texts.append(texts[-1].replace(letter, other))
    return [consonant_name(t) for t in texts]


def consonant_name(text: str) -> FoldedName:
    """The name as consonant-key tokens, from Arabic/Hebrew letters or from its Latin folding."""
    script = dominant_script(text)
    keys = [k for k in (_abjad_keys(text) if script in ABJAD_SCRIPTS else _latin_keys(text)) if k]
    if script != "HEBREW":  # the compounds are Arabic ones ("Dan", "Levi" are names of their own)
        keys = _compounds(keys)
    return folded_tokens(keys)

"""Thai consonant keys: Thai names against the Latin spellings their bearers use.

Thais spell their names in Latin either by the Royal Thai General System (RTGS: "Chinnawat",
"Prayut") or, more often on passports, letter by letter from the Sanskrit/Pali spelling
("Shinawatra", "Vejjajiva", "Abhisit"). Vowels, tones and aspiration come out differently in each, so
both sides are reduced to consonant classes that neither convention keeps apart:

- aspiration and voicing: k/kh/g (ก ข ค ฆ), t/th/d/dh (ด ต ถ ท ธ ฎ ฏ ฐ ฑ ฒ), p/ph/b/bh (บ ป ผ พ ภ);
- ch/j/sh/s (จ ฉ ช ซ ฌ ศ ษ ส): "Chinnawat" and "Shinawatra" for ชินวัตร;
- r/l (ร ล ฬ), which Thai speech and personal spellings interchange;
- ย, ว, อ (semivowels and the vowel carrier), like Latin y, w, v and the vowels: left out; ญ is "y"
  opening a word and "n" after a vowel;
- letters that are not sounded: a consonant under the thanthakhat (์, with its vowel mark) and the
  consonant before it when that one follows another consonant (the silent final clusters of
  Sanskrit/Pali loans: ลักษณ์ "lak", จันทร์ "chan"; never ง, which closes its syllable: พงษ์ "phong")
  and ห before a sonorant (หลีก "lik"); personal spellings often write the letter under the
  thanthakhat all the same ("Anand" for อานันท์), so a word that has one also gets a key with it;
- รร writes a vowel: "an" when the next consonant opens a syllable (บรรหาร "banhan"), "a" when it
  closes one (ธรรม "tham");
- RTGS final sounds (a second key, beside the letter-by-letter one): a ร closing a word after another
  consonant is silent (สมัคร "samak", มิตร "mit"), a consonant closing a word is written by its final
  sound, the s-class as "t" (สวัสดิ์ "sawat") and r/l as "n" (หาร "han"), and an s-class letter
  before a t-class or another s-class one closes its syllable as "t" (เศรษฐา "settha", พิศสุวรรณ
  "phitsuwan"), unless it opens the word (จตุ "chatu");
- on the Latin side, hyphenated syllables of one word are joined ("Chan-o-cha"), and an "r" after a
  vowel before a consonant is the personal spellings' mark of a long vowel ("Charn", "Paetongtarn").

Such keys lose much, so a match on them is at most a near-hit, like every consonant-key match.
"""

from __future__ import annotations

import re

_CLASSES = {
    **dict.fromkeys("กขฃคฅฆ", "k"), "ง": "N", **dict.fromkeys("จฉชซฌศษส", "s"),
    **dict.fromkeys("ฎฏฐฑฒดตถทธ", "t"), **dict.fromkeys("ณน", "n"), **dict.fromkeys("บปผพภ", "p"),
    **dict.fromkeys("ฝฟ", "f"), "ม": "m", **dict.fromkeys("รลฬฤฦ", "r"), **dict.fromkeys("หฮ", "h"),
}
_SILENT_MARKED = re.compile("[\u0e01-\u0e2e][\u0e34\u0e38]?\u0e4c")  # consonant (+ i/u) under thanthakhat
_SILENT_MARK = re.compile("[\u0e34\u0e38]?\u0e4c")
_SILENT_H = re.compile("ห(?=[งญนมยรลว])")
# a consonant closing a syllable after a written vowel, then a letter before the thanthakhat's letter
_SILENT_CLUSTER = re.compile(
    "(?<=[\u0e30-\u0e39\u0e47-\u0e4b][\u0e01-\u0e2e])[\u0e01-\u0e06\u0e08-\u0e2e](?=[\u0e01-\u0e2e][\u0e34\u0e38]?\u0e4c)")
_SILENT_FINAL_R = re.compile("(?<=[\u0e01-\u0e2d])ร$")  # after a consonant
_RO_HAN_OPEN = re.compile("รร(?=[\u0e01-\u0e2e][\u0e30-\u0e39\u0e40-\u0e44\u0e47-\u0e4b])")
_RO_HAN = re.compile("รร(?=[\u0e01-\u0e2e])")
_S_BEFORE_T = re.compile("(?<=.)[จฉชซฌศษส](?=[ฎฏฐฑฒดตถทธจฉชซฌศษส])")
_FINAL_SOUND = {"s": "t", "r": "n"}
_LATIN = (
    ("tch", "s"), ("sch", "s"), ("ch", "s"), ("sh", "s"), ("th", "t"), ("dh", "t"), ("ph", "p"), ("bh", "p"),
    ("kh", "k"), ("gh", "k"), ("ng", "N"), ("ck", "k"), ("j", "s"), ("c", "k"), ("q", "k"), ("g", "k"),
    ("d", "t"), ("b", "p"), ("x", "ks"), ("z", "s"), ("l", "r"), ("v", ""), ("w", ""), ("y", ""),
    ("a", ""), ("e", ""), ("i", ""), ("o", ""), ("u", ""),
)
_LATIN_PATTERN = re.compile("|".join(re.escape(k) for k, _ in _LATIN))
_LATIN_MAP = dict(_LATIN)
_LONG_VOWEL_R = re.compile(r"(?<=[aeo])r(?=[^aeiouy])")
_REPEATS = re.compile(r"(.)\1+")


def thai_word_keys(word: str) -> list[str]:
    """The word's key as spelled letter by letter; then, when it differs, with the letters under the
    thanthakhat kept, as personal spellings often write them ("อานันท์" "Anand", "ศักดิ์" "Sakdi");
    last, by its RTGS final sounds (``thai_word_key``), which the other keys may repeat: personal
    spellings keep letters that RTGS writes by sound ("Shinawatra", "Chinnawat")."""
    spelled, sounded = thai_word_key(word), thai_word_key(word, final_sounds=True)
    keys = [spelled]
    if _SILENT_MARKED.search(word) and (kept := thai_word_key(_SILENT_MARK.sub("", word))) not in (spelled, sounded):
        keys.append(kept)
    return [*keys, sounded] if sounded != spelled or len(keys) > 1 else keys


def thai_word_key(word: str, *, final_sounds: bool = False) -> str:
    """Key of one Thai word ("ชินวัตร" -> "sntr", "อภิสิทธิ์" -> "pst"); with ``final_sounds`` a ร
    closing the word after a consonant is silent and the closing letters take their RTGS final sound
    ("ชินวัตร" -> "snt", "สวัสดิ์" -> "st")."""
    word = _SILENT_MARKED.sub("", _SILENT_CLUSTER.sub("", word))
    word = _RO_HAN.sub("", _RO_HAN_OPEN.sub("น", _SILENT_H.sub("", word)))
    word = word[:-2] + "น" if word.endswith("รร") else word
    if final_sounds:
        word = _S_BEFORE_T.sub("ด", _SILENT_FINAL_R.sub("", word) if len(word) > 2 else word)
    out = []
    for i, ch in enumerate(word):
        if ch == "ญ":
            out.append("n" if i > 0 else "")
        else:
            out.append(_CLASSES.get(ch, ""))
    if final_sounds and len(out) > 1 and word[-1] in _CLASSES:
        out[-1] = _FINAL_SOUND.get(out[-1], out[-1])
    return _REPEATS.sub(r"\1", "".join(out))


def latin_word_key(token: str) -> str:
    """Key of one folded Latin word by the same classes ("shinawatra" -> "sntr", "charn" -> "sn")."""
    token = _LONG_VOWEL_R.sub("", token)
    return _REPEATS.sub(r"\1", _LATIN_PATTERN.sub(lambda m: _LATIN_MAP[m.group(0)], token))

"""Screening a name written in another script than the list's: the paths a query may take besides
the spelled comparison (``screener``), each with its own index of the same listed names.

- Arabic and Hebrew (abjads): consonant keys on both sides (``consonants``; Hebrew by the classes of
  its own Latin spellings, ``hebrew``). A candidate must share
  at least ``MIN_ABJAD_LETTERS`` consonants in well-paired tokens, or pair every token of both names:
  two short keys out of four ("sd kd") say too little to send a person to review.
- Thai: Thai consonant keys (``thai``) that fold what RTGS and the letter-by-letter personal spellings
  write differently; the name read letter by letter also takes the ordinary path, at most a near-hit.
- Hangul: McCune-Reischauer syllables folded by ``romanise.korean_key`` on both sides; every syllable
  of both names must pair (or the names agree with spaces removed): Korean names share syllables
  ("Kim", "Song", "Il") so widely that two of three say nothing.
- Han and kana: their Latin reading is spelled like any Latin name and takes the ordinary path; a Han
  name is also read as a Korean name in hanja (``sino_korean``) and takes the Hangul path.
- Names whose script the lists also use, and the lists' own original-script aliases (the UN's
  ``NAME_ORIGINAL_SCRIPT``), match on the ordinary path as spelled, at full strength.

The abjad and Hangul paths fold letters that the scripts or the romanisation systems do not tell
apart, so what they find is a *weak* match: at most a near-hit (fuzzy-match review), never an
escalation on its own (docs/requirements/pipeline.md, "Sanctions & PEP screening").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from domain.ports.screening import WatchlistEntry
from ml.screening.consonants import ABJAD_SCRIPTS, consonant_name, consonant_names, dominant_script
from ml.screening.greek import greek_readings
from ml.screening.hebrew import hebrew_word_keys, latin_word_key
from ml.screening.index import IndexedName, WatchlistIndex
from ml.screening.normalise import FoldedName, fold, folded_tokens
from ml.screening.readings import latin_readings
from ml.screening.romanise import east_asian_script, korean_key, latin_reading
from ml.screening.similarity import joined_similarity, paired_tokens
from ml.screening.thai import latin_word_key as thai_latin_key
from ml.screening.thai import thai_word_keys

# Chosen on the tune half of the UN list's Arabic original-script names against generated ordinary
# Arabic, Persian and Hebrew names (``tools/eval/screening_scripts.py``): 6 letters in tokens that pair
# well (short keys exactly) keeps 9 in 10 listed names found and cuts name-only near-hits on ordinary
# names four- to tenfold against no such rule. Counting the letters of the shorter key of each pair
# (generated Persian and Arabic names, seed 11) cut Persian name-only near-hits from 100 to 76 per
# 1,000 at the same tune recall (141/155); 7 letters would give 72 for one listed name less, 8 fall
# below 9 in 10 (138/155).
MIN_ABJAD_LETTERS = 6
# Chosen on generated Hebrew names (faker he_IL, seed 11, not the reported seed) against the hand-built
# Hebrew pairs: with every token paired, 4 consonants in all halve the name-only near-hits (68 -> 38 per
# 1,000) and keep 15 of 16 pairs; 5 would reach 24 per 1,000 but lose two pairs. A partial pairing needs
# 8 consonants (6 to 9 gave the same figures).
MIN_HEBREW_LETTERS = 8
MIN_HEBREW_PAIRED = 4
# Chosen the same way on generated Thai names (faker th_TH, seed 11) against the hand-built Thai pairs:
# 8 consonants for a partial pairing (6: 16 near-hits per 1,000; 8: 10) and 4 with every token paired
# (5 loses a pair) keep 8 of 10 pairs.
MIN_THAI_LETTERS = 8
MIN_THAI_PAIRED = 4
WELL_PAIRED = 0.9
SHORT_KEY = 4
JOINED_AGREES = 0.9


def korean_name(text: str) -> FoldedName:
    """A name as Korean-key tokens: Hangul read syllable by syllable, Latin folded token by token."""
    reading = latin_reading(text) if east_asian_script(text) == "hangul" else None
    return folded_tokens([korean_key(t) for t in (reading or fold(text)).split()])


def hebrew_name(text: str) -> FoldedName:
    """A name as Hebrew-key tokens, from Hebrew letters or from its Latin folding."""
    return hebrew_names(text)[0]


def hebrew_names(text: str) -> list[FoldedName]:
    """The name's Hebrew keys, then for each word whose ו may be "v" the keys with that word read so."""
    if dominant_script(text) != "HEBREW":
        return [folded_tokens([latin_word_key(t) for t in fold(text).split()])]
    return _key_variants([hebrew_word_keys(w) for w in text.replace("-", " ").replace("\u05be", " ").split()])


def _key_variants(words: list[list[str]]) -> list[FoldedName]:
    """The name by each word's first key, then once per word with another key, by that word's other
    keys, then by every word's last key (a name spelled by one convention throughout: "Sarit
    Thanarat" by RTGS in both words); not every combination."""
    first = [keys[0] for keys in words]
    variants = [[*first[:i], key, *first[i + 1:]] for i, keys in enumerate(words) for key in keys[1:]]
    variants.append([keys[-1] for keys in words])
    unique = dict.fromkeys(tuple(tokens) for tokens in (first, *variants))
    return [folded_tokens(list(tokens)) for tokens in unique]


def thai_name(text: str) -> FoldedName:
    """A name as Thai-key tokens, from Thai letters or from its Latin folding (hyphenated syllables
    of one word joined)."""
    return thai_names(text)[0]


def thai_names(text: str) -> list[FoldedName]:
    """The name's Thai keys as spelled, then for each word read by its RTGS final sounds the keys so."""
    if dominant_script(text) == "THAI":
        return _key_variants([thai_word_keys(w) for w in text.split()])
    return [folded_tokens([thai_latin_key(t) for t in fold(text.replace("-", "")).split()])]


@dataclass(frozen=True)
class CrossScriptMatch:
    """A listed name found by a cross-script path, with its score on that path."""

    candidate: IndexedName
    score: float
    path: str


class CrossScriptPaths:
    """The per-script indexes of one watchlist, built on first use."""

    def __init__(self, entries: tuple[WatchlistEntry, ...]) -> None:
        self._entries = entries

    @cached_property
    def abjad(self) -> WatchlistIndex:
        return WatchlistIndex(self._entries, consonant_name)

    @cached_property
    def hebrew(self) -> WatchlistIndex:
        return WatchlistIndex(self._entries, hebrew_name)

    @cached_property
    def thai(self) -> WatchlistIndex:
        return WatchlistIndex(self._entries, thai_name)

    @cached_property
    def korean(self) -> WatchlistIndex:
        return WatchlistIndex(self._entries, korean_name)

    @staticmethod
    def has_own_path(text: str) -> bool:
        """Whether a name in this script meets Latin names only by a path of its own (its letter-by-letter
        folding is no Latin spelling); its spelled comparison then only meets names the lists write in
        the same script. Thai folded letter by letter stays close to how Thais spell their names, so
        it keeps both."""
        return dominant_script(text) in ABJAD_SCRIPTS or east_asian_script(text) is not None

    @staticmethod
    def readings(text: str) -> list[str]:
        """The Latin spellings to screen like Latin names: pinyin, Wade-Giles, Hong Kong Cantonese and
        Japanese for Han and kana (``readings``), ELOT 743 and spoken for Greek (``greek``)."""
        return greek_readings(text) if dominant_script(text) == "GREEK" else latin_readings(text)

    def matches(self, text: str, min_score: float) -> list[CrossScriptMatch]:
        """Weak matches of ``text`` at or above ``min_score`` on the path its script takes."""
        if dominant_script(text) == "HEBREW":
            accept = EnoughLetters(MIN_HEBREW_LETTERS, MIN_HEBREW_PAIRED)
            return [match for name in hebrew_names(text)
                    for match in self._scored("abjad", self.hebrew, name, min_score, accept)]
        if dominant_script(text) == "THAI":
            accept = EnoughLetters(MIN_THAI_LETTERS, MIN_THAI_PAIRED)
            return [match for name in thai_names(text)
                    for match in self._scored("abjad", self.thai, name, min_score, accept)]
        if dominant_script(text) == "ARABIC":
            return [match for name in consonant_names(text)
                    for match in self._scored("abjad", self.abjad, name, min_score, EnoughLetters(MIN_ABJAD_LETTERS))]
        if east_asian_script(text) == "hangul":
            return self.hangul_matches(text, min_score)
        return []

    def hangul_matches(self, hangul: str, min_score: float) -> list[CrossScriptMatch]:
        """Weak matches of a name written in Hangul on its McCune-Reischauer keys: every syllable of both
        names must pair (or the names agree with their spaces removed)."""
        return self._scored("hangul", self.korean, korean_name(hangul), min_score, _all_paired)

    @staticmethod
    def _scored(
        path: str, index: WatchlistIndex, query: FoldedName, min_score: float,
        accept: Callable[[FoldedName, FoldedName], bool] | None,
    ) -> list[CrossScriptMatch]:
        if not query.tokens:
            return []
        ids = index.candidate_ids(query)
        scores = index.matrix.scores(query, ids)
        found = []
        for name_id, score in zip(ids.tolist(), scores.tolist(), strict=True):
            candidate = index.names[name_id]
            if score >= min_score and (accept is None or accept(query, candidate.folded)):
                found.append(CrossScriptMatch(candidate, score, path))
        return found


def _well_paired(sim: float, a: str, b: str) -> bool:
    """Consonant keys carry a sound per letter: short ones must agree exactly ("hn" is not "hr")."""
    return a == b if min(len(a), len(b)) < SHORT_KEY else sim >= WELL_PAIRED


@dataclass(frozen=True)
class EnoughLetters:
    """How many consonants a consonant-key match must pair well to count: ``partial`` when some tokens
    stay unpaired, ``all_paired`` when every token of both names pairs (short keys say little: "l kn"
    for "Ali Kony" is the key of many ordinary names). A pair counts the letters of its shorter key:
    a Persian compound written as one word ("محمدرضا", "mhmdrd") pairs well with "Mohammed" ("mhmd")
    by its first four letters, not six."""

    partial: int
    all_paired: int = 0

    def __call__(self, query: FoldedName, listed: FoldedName) -> bool:
        well = [(i, j) for sim, i, j in paired_tokens(query, listed)
                if _well_paired(sim, query.tokens[i], listed.tokens[j])]
        letters = sum(min(len(query.tokens[i]), len(listed.tokens[j])) for i, j in well)
        if len(well) == len(query.tokens) == len(listed.tokens):
            return letters >= self.all_paired
        return letters >= self.partial


def _all_paired(query: FoldedName, listed: FoldedName) -> bool:
    if joined_similarity(query, listed) >= JOINED_AGREES:
        return True
    same = [p for p in paired_tokens(query, listed) if query.tokens[p[1]] == listed.tokens[p[2]]]
    return len(same) == len(query.tokens) == len(listed.tokens)

"""``SanctionsScreener`` over a prepared ``WatchlistIndex`` (rapidfuzz Jaro-Winkler + token alignment).

The screener scores names; the domain rules (``domain.screening_rules``) turn scores, birth dates and
nationalities into levels and the outcome. ``for_folder`` loads and indexes a list folder once per
process (the index is immutable and shared).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import rapidfuzz

from domain.ports.screening import ScreeningHit, ScreeningQuery, ScreeningResult, Watchlist, WatchlistEntry
from domain.screening_rules import (
    MatchLevel,
    ScreeningThresholds,
    asks_for_more_data,
    birth_date_agreement,
    is_weak_alias,
    match_level,
    nationality_agreement,
)
from ml.screening.consonants import consonant_names, dominant_script
from ml.screening.corroboration import Corroboration
from ml.screening.cross_script import CrossScriptPaths, hebrew_name, hebrew_names, korean_name
from ml.screening.evidence import singles_out
from ml.screening.index import IndexedName, WatchlistIndex
from ml.screening.loader import load_watchlists
from ml.screening.normalise import fold_name
from ml.screening.readings import load_dictionaries
from ml.screening.romanise import east_asian_script
from ml.screening.sino_korean import korean_readings
from ml.screening.sino_korean import load as load_hanja

SCORER = {"library": "rapidfuzz", "version": rapidfuzz.__version__,
          "method": "jaro-winkler token alignment + joined-token indel"}
SPELLED = "spelled"
READING = "reading"
# A name whose every token appears in this many list entries is common among listed people.
COMMON_NAME_ENTRIES = 3


class RapidfuzzSanctionsScreener:
    """Fuzzy screening of one name (+ optional birth date and nationality) against loaded lists."""

    def __init__(
        self, watchlist: Watchlist, thresholds: ScreeningThresholds | None = None, *, cross_script: bool = True
    ) -> None:
        """``cross_script=False`` compares names as spelled only (the evaluation's "before" figures)."""
        self.watchlist = watchlist
        self._cross_script_enabled = cross_script
        self.thresholds = thresholds or ScreeningThresholds()
        self.index = WatchlistIndex(watchlist.entries)
        self.cross_script = CrossScriptPaths(watchlist.entries)
        self._corroboration = Corroboration(watchlist.entries)
        if cross_script:  # built now, not by the first query in another script
            _ = (self.cross_script.abjad, self.cross_script.hebrew, self.cross_script.thai,
                 self.cross_script.korean)
            load_dictionaries()
            load_hanja()
        self._entries = {(e.list_name, e.entry_id): e for e in watchlist.entries}

    def entry(self, list_name: str, entry_id: str) -> WatchlistEntry | None:
        """The list entry behind a hit (``domain.ports.screening.WatchlistEntryLookup``)."""
        return self._entries.get((list_name, entry_id))

    @classmethod
    def for_folder(
        cls, folder: Path, thresholds: ScreeningThresholds | None = None
    ) -> RapidfuzzSanctionsScreener:
        """The screener for a list folder, loaded and indexed once per process."""
        return _cached(str(folder.resolve()), thresholds or ScreeningThresholds())

    def best_scores(
        self, query: ScreeningQuery, min_score: float = 0.0, *, spelled_only: bool = False
    ) -> dict[tuple[str, str], tuple[float, IndexedName]]:
        """Best name score per (list, entry id) among the candidates scoring at least ``min_score``,
        with the name that gave it. ``spelled_only``: only the scores that can make a hit (a cross-script
        match is at most a near-hit), for tuning the hit threshold."""
        best: dict[tuple[str, str], tuple[float, IndexedName]] = {}
        for candidate, score, via in self._candidates(query, min_score)[0]:
            if spelled_only and via != SPELLED:
                continue
            key = (candidate.entry.list_name, candidate.entry.entry_id)
            if key not in best or score > best[key][0]:
                best[key] = (score, candidate)
        return best

    def screen(self, query: ScreeningQuery) -> ScreeningResult:
        best: dict[tuple[str, str], ScreeningHit] = {}
        candidates, scored = self._candidates(query, self.thresholds.near)
        for candidate, score, via in candidates:
            hit = self._hit(query, candidate, score, via)
            key = (hit.list_name, hit.entry_id)
            # Per entry, keep the name with the highest level, then score (a strong primary name
            # outranks a slightly closer weak alias of the same entry).
            if key not in best or (_RANK[hit.level], hit.name_score) > (_RANK[best[key].level], best[key].name_score):
                best[key] = hit
        hits = sorted(best.values(), key=lambda h: (-h.name_score, h.list_name, h.entry_id))
        common = self.is_common_name(query.name)
        return ScreeningResult(
            hits=tuple(hits), thresholds=self.thresholds, lists=self.watchlist.provenance,
            candidates_scored=scored, scorer=SCORER,
            needs_more_data=asks_for_more_data(
                tuple(h.level for h in hits), tuple(h.via == SPELLED and not common for h in hits),
                identifiers_given=query.year is not None and query.nationality is not None,
            ),
        )

    def is_common_name(self, name: str) -> bool:
        """Every identifying token of the name (3+ letters) is in the names of at least
        ``COMMON_NAME_ENTRIES`` list entries ("Mohammed Ali", "Kim Song Il"): the name alone says little."""
        tokens = [t for t in fold_name(name).content_tokens if len(t) >= 3]
        return bool(tokens) and all(self.index.entries_with_token(t) >= COMMON_NAME_ENTRIES for t in tokens)

    def _candidates(
        self, query: ScreeningQuery, min_score: float
    ) -> tuple[list[tuple[IndexedName, float, str]], int]:
        """(listed name, score, path) for every name scoring at least ``min_score`` on the spelled path
        (the name as written, and its Latin reading for Han and kana) or on a cross-script path, and
        how many names the spelled path scored."""
        found: list[tuple[IndexedName, float, str]] = []
        readings = self.cross_script.readings(query.name) if self._cross_script_enabled else []
        hanja = korean_readings(query.name) if self._cross_script_enabled else []
        # Each reading, Latin or Korean, is one more chance to meet an unrelated listed name (``evidence``).
        tries = len(readings) + len(hanja)
        scored = 0
        own_script_only = self._cross_script_enabled and self.cross_script.has_own_path(query.name)
        thai = self._cross_script_enabled and dominant_script(query.name) == "THAI"
        for text in [query.name, *readings]:
            folded = fold_name(text)
            ids = self.index.candidate_ids(folded)
            scored += int(ids.size)
            scores = self.index.matrix.scores(folded, ids)
            via = SPELLED if text == query.name else READING
            kept = [(self.index.names[i], s, via) for i, s in self._at_least(ids, scores, min_score)]
            if via == READING:
                kept = [k for k in kept if self._corroboration.singles_out_with(
                    folded, k[0], self.index, fold_name, tries, query.year, query.nationality, joined_given=True)]
            if thai and text == query.name:
                # Thai read letter by letter stays close to how Thais spell their names, but it is a
                # reading of another script all the same: at most a near-hit against a Latin name.
                kept = [(c, sc, v if dominant_script(c.listed.text) == "THAI" else READING) for c, sc, v in kept]
            if own_script_only and text == query.name:
                # Hangul, Arabic, Hebrew, Thai, Han or kana folded letter by letter is no Latin spelling:
                # as written it is compared with the names the lists write in its own script only.
                script = dominant_script(query.name)
                kept = [k for k in kept if dominant_script(k[0].listed.text) == script]
            found += kept
        if self._cross_script_enabled:
            found += [(m.candidate, m.score, m.path) for m in self.cross_script.matches(query.name, min_score)]
            found += self._korean_in_hanja(query, hanja, min_score, tries)
            if dominant_script(query.name) == "ARABIC":
                found = self._singling_out(query.name, found)
            elif dominant_script(query.name) == "HEBREW":
                found = self._hebrew_singling_out(query, found)
            elif east_asian_script(query.name) == "han":
                # Han is written without spaces: as spelled, a name is one part, and how close it is to
                # another says how many syllables they share at the start ("张军" and a company name
                # beginning 長安). Its matches against the lists' Han names must rest on rare parts too.
                spelled = fold_name(query.name)
                found = [f for f in found if f[2] != SPELLED or singles_out(spelled, f[0].folded, self.index)]
        return found, scored

    def _korean_in_hanja(
        self, query: ScreeningQuery, hangul_readings: list[str], min_score: float, tries: int
    ) -> list[tuple[IndexedName, float, str]]:
        """The Hangul-path matches of a Han name read as a Korean name (``sino_korean``), each carried by
        parts rare enough on the Korean keys to single out its entry, counting every reading tried, or
        by those parts and the identifiers the entry agrees on (``corroboration``)."""
        kept = []
        for hangul in hangul_readings:
            keys = korean_name(hangul)
            kept += [(m.candidate, m.score, m.path) for m in self.cross_script.hangul_matches(hangul, min_score)
                     if self._corroboration.singles_out_with(keys, m.candidate, self.cross_script.korean, korean_name,
                                                             tries, query.year, query.nationality, keys=True)]
        return kept

    def _singling_out(
        self, name: str, found: list[tuple[IndexedName, float, str]]
    ) -> list[tuple[IndexedName, float, str]]:
        """The matches of a name written without short vowels whose well-paired parts are rare enough in
        the lists to single out their entry (``evidence``): on its consonant keys, or as spelled against
        the lists' names in the same script. A name whose letters are read two ways has a key for each
        reading (``consonants.consonant_names``), each one more try."""
        spelled, keys = fold_name(name), consonant_names(name)
        kept = []
        for candidate, score, via in found:
            if via == SPELLED:
                singled = singles_out(spelled, candidate.folded, self.index)
            else:
                singled = any(singles_out(k, candidate.folded, self.cross_script.abjad, len(keys), keys=True)
                              for k in keys)
            if singled:
                kept.append((candidate, score, via))
        return kept

    def _hebrew_singling_out(
        self, query: ScreeningQuery, found: list[tuple[IndexedName, float, str]]
    ) -> list[tuple[IndexedName, float, str]]:
        """The matches of a name in Hebrew letters (written without short vowels too) whose well-paired
        parts single out their entry, on its Hebrew keys (each key variant of ``hebrew_names`` one more
        try) or as spelled against the lists' names in Hebrew letters, or do so with the birth year and
        nationality the entry agrees on (``corroboration``). Hebrew keys keep apart letters that Latin
        spellings of one Hebrew name still vary ("bnmn" Binyamin, "bnjmn" Benjamin), so key parts pair
        as spelled parts do (short ones exactly, longer ones closely), not only when equal
        (docs/requirements/pipeline.md, "Sanctions & PEP screening")."""
        spelled, keys = fold_name(query.name), hebrew_names(query.name)
        year, nationality = query.year, query.nationality
        kept = []
        for candidate, score, via in found:
            if via == SPELLED:
                singled = self._corroboration.singles_out_with(spelled, candidate, self.index, fold_name, 1,
                                                               year, nationality)
            else:
                singled = any(self._corroboration.singles_out_with(
                    key, candidate, self.cross_script.hebrew, hebrew_name, len(keys), year, nationality)
                    for key in keys)
            if singled:
                kept.append((candidate, score, via))
        return kept

    @staticmethod
    def _at_least(ids: np.ndarray, scores: np.ndarray, min_score: float) -> list[tuple[int, float]]:
        kept = scores >= min_score
        return list(zip(ids[kept].tolist(), scores[kept].tolist(), strict=True))

    def _hit(self, query: ScreeningQuery, candidate: IndexedName, score: float, via: str) -> ScreeningHit:
        entry = candidate.entry
        birth = birth_date_agreement(query.year, entry.birth_dates)
        nationality = nationality_agreement(query.nationality, entry.nationalities)
        return ScreeningHit(
            list_name=entry.list_name,
            entry_id=entry.entry_id,
            entity_kind=entry.kind,
            matched_name=candidate.listed,
            matched_name_index=candidate.name_index,
            name_score=round(score, 4),
            birth_date=birth,
            nationality=nationality,
            level=match_level(score, birth, nationality, self.thresholds,
                              weak_alias=is_weak_alias(candidate.listed.quality) or via != SPELLED),
            via=via,
        )


_RANK = {MatchLevel.CLEARED: 0, MatchLevel.NEAR_HIT: 1, MatchLevel.HIT: 2}


@lru_cache(maxsize=4)
def _cached(folder: str, thresholds: ScreeningThresholds) -> RapidfuzzSanctionsScreener:
    return RapidfuzzSanctionsScreener(load_watchlists(Path(folder)), thresholds)

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
    birth_date_agreement,
    is_weak_alias,
    match_level,
    nationality_agreement,
)
from ml.screening.index import IndexedName, WatchlistIndex
from ml.screening.loader import load_watchlists
from ml.screening.normalise import fold_name

SCORER = {"library": "rapidfuzz", "version": rapidfuzz.__version__,
          "method": "jaro-winkler token alignment + joined-token indel"}


class RapidfuzzSanctionsScreener:
    """Fuzzy screening of one name (+ optional birth date and nationality) against loaded lists."""

    def __init__(self, watchlist: Watchlist, thresholds: ScreeningThresholds | None = None) -> None:
        self.watchlist = watchlist
        self.thresholds = thresholds or ScreeningThresholds()
        self.index = WatchlistIndex(watchlist.entries)
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
        self, query: ScreeningQuery, min_score: float = 0.0
    ) -> dict[tuple[str, str], tuple[float, IndexedName]]:
        """Best name score per (list, entry id) among the candidates scoring at least ``min_score``,
        with the name that gave it."""
        ids, scores = self._scored(query)
        best: dict[tuple[str, str], tuple[float, IndexedName]] = {}
        for name_id, score in self._at_least(ids, scores, min_score):
            candidate = self.index.names[name_id]
            key = (candidate.entry.list_name, candidate.entry.entry_id)
            if key not in best or score > best[key][0]:
                best[key] = (score, candidate)
        return best

    def screen(self, query: ScreeningQuery) -> ScreeningResult:
        ids, scores = self._scored(query)
        best: dict[tuple[str, str], ScreeningHit] = {}
        for name_id, score in self._at_least(ids, scores, self.thresholds.near):
            hit = self._hit(query, self.index.names[name_id], score)
            key = (hit.list_name, hit.entry_id)
            # Per entry, keep the name with the highest level, then score (a strong primary name
            # outranks a slightly closer weak alias of the same entry).
            if key not in best or (_RANK[hit.level], hit.name_score) > (_RANK[best[key].level], best[key].name_score):
                best[key] = hit
        hits = sorted(best.values(), key=lambda h: (-h.name_score, h.list_name, h.entry_id))
        return ScreeningResult(
            hits=tuple(hits), thresholds=self.thresholds, lists=self.watchlist.provenance,
            candidates_scored=int(ids.size), scorer=SCORER,
        )

    def _scored(self, query: ScreeningQuery) -> tuple[np.ndarray, np.ndarray]:
        folded = fold_name(query.name)
        ids = self.index.candidate_ids(folded)
        return ids, self.index.matrix.scores(folded, ids)

    @staticmethod
    def _at_least(ids: np.ndarray, scores: np.ndarray, min_score: float) -> list[tuple[int, float]]:
        kept = scores >= min_score
        return list(zip(ids[kept].tolist(), scores[kept].tolist(), strict=True))

    def _hit(self, query: ScreeningQuery, candidate: IndexedName, score: float) -> ScreeningHit:
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
                              weak_alias=is_weak_alias(candidate.listed.quality)),
        )


_RANK = {MatchLevel.CLEARED: 0, MatchLevel.NEAR_HIT: 1, MatchLevel.HIT: 2}


@lru_cache(maxsize=4)
def _cached(folder: str, thresholds: ScreeningThresholds) -> RapidfuzzSanctionsScreener:
    return RapidfuzzSanctionsScreener(load_watchlists(Path(folder)), thresholds)

"""Vectorised scoring of one query against many candidate names at once.

Computes exactly ``similarity.name_similarity`` for every candidate (a unit test holds the two equal):
token similarities are computed once per query for the distinct tokens of all candidates (two
rapidfuzz ``cdist`` calls plus numpy masks for the initial-sound, short-token, skeleton and particle
rules), then the greedy one-to-one token pairing runs for all candidates together, one step per query
token. This keeps the cost per screened name in the low milliseconds when a query shares common tokens
("Mohammed", "Ali") with hundreds of listed names.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler, Levenshtein

from ml.screening.normalise import PARTICLES, FoldedName, initial_class, skeleton
from ml.screening.similarity import (
    JOINED_MAX_LENGTH_GAP,
    SHORT_TOKEN,
    SKELETON_FLOOR,
    TOKEN_PAIR_MIN,
    UNMATCHED_LISTED_WEIGHT,
    joined_similarity,
)

WIDTH_GROUPS = ((0, 3), (3, 5), (5, 8), (8, 1 << 30))


class NameMatrix:
    """The tokens and weights of every indexed name as padded arrays, with per-token features."""

    def __init__(self, names: Sequence[FoldedName]) -> None:
        self.names = list(names)
        vocabulary: dict[str, int] = {}
        width = max((len(n.tokens) for n in names), default=1)
        self.token_ids = np.full((len(names), width), -1, dtype=np.int32)
        self.weights = np.zeros((len(names), width), dtype=np.float32)
        for row, name in enumerate(names):
            for col, token in enumerate(name.tokens):
                self.token_ids[row, col] = vocabulary.setdefault(token, len(vocabulary))
                self.weights[row, col] = name.weights[col]
        self.tokens = list(vocabulary)
        self._codes: dict[str, int] = {}
        self.initial = np.asarray([self._code(initial_class(t)) for t in self.tokens], dtype=np.int32)
        self.skeleton = np.asarray([self._code(skeleton(t)) for t in self.tokens], dtype=np.int32)
        self.length = np.asarray([len(t) for t in self.tokens], dtype=np.int32)
        self.particle = np.asarray([t in PARTICLES for t in self.tokens], dtype=bool)
        self.token_count = np.asarray([len(n.tokens) for n in names], dtype=np.int32)
        self.joined_length = np.asarray([len(n.joined) for n in names], dtype=np.int32)
        self.vocabulary = vocabulary

    def _code(self, key: str) -> int:
        return self._codes.setdefault(key, len(self._codes))

    def scores(self, query: FoldedName, candidates: np.ndarray) -> np.ndarray:
        """``name_similarity(query, names[c])`` for every candidate row ``c``."""
        result = np.zeros(candidates.size, dtype=np.float64)
        if candidates.size == 0 or not query.tokens:
            return result
        ids = self.token_ids[candidates]
        distinct = np.unique(ids[ids >= 0])
        token_sims = self._token_matrix(query, distinct)
        query_weights = np.asarray(query.weights, dtype=np.float64)
        counts = self.token_count[candidates]
        # Score names of similar length together: one long entity name must not pad every row.
        for low, high in WIDTH_GROUPS:
            rows = np.flatnonzero((counts > low) & (counts <= high))
            if rows.size == 0:
                continue
            width = int(counts[rows].max())
            group_ids = ids[rows, :width]
            columns = np.searchsorted(distinct, np.where(group_ids >= 0, group_ids, distinct[0]))
            pair = token_sims[:, columns]  # (query tokens, names, width)
            pair = np.where(group_ids[None, :, :] >= 0, pair, 0.0).transpose(1, 0, 2).copy()
            listed_weights = self.weights[candidates[rows], :width].astype(np.float64)
            result[rows] = _greedy_aligned(pair, query_weights, listed_weights)
        self._apply_joined(query, candidates, result)
        return result

    def _token_matrix(self, query: FoldedName, distinct: np.ndarray) -> np.ndarray:
        """Token similarity (``similarity._pair_similarity``) of each query token to each distinct
        candidate token, zero below the pairing threshold."""
        listed = [self.tokens[i] for i in distinct]
        jaro = process.cdist(query.tokens, listed, scorer=JaroWinkler.normalized_similarity, dtype=np.float64)
        edits = process.cdist(query.tokens, listed, scorer=Levenshtein.normalized_similarity, dtype=np.float64)
        q_len = np.asarray([len(t) for t in query.tokens])[:, None]
        l_len = self.length[distinct][None, :]
        q_initial = np.asarray([self._codes.get(initial_class(t), -1) for t in query.tokens])[:, None]
        q_skeleton = np.asarray([self._codes.get(skeleton(t), -1) for t in query.tokens])[:, None]
        short_mismatch = (np.minimum(q_len, l_len) <= SHORT_TOKEN) & (np.abs(q_len - l_len) > 1)
        use_jaro = (q_initial == self.initial[distinct][None, :]) & ~short_mismatch
        sim = np.where(use_jaro, jaro, edits)
        floor = (q_skeleton == self.skeleton[distinct][None, :]) & (q_len >= 4) & (l_len >= 4)
        sim = np.where(floor & (sim < SKELETON_FLOOR), SKELETON_FLOOR, sim)
        q_ids = np.asarray([self.vocabulary.get(t, -1) for t in query.tokens])[:, None]
        same = q_ids == distinct[None, :]
        q_particle = np.asarray([t in PARTICLES for t in query.tokens])[:, None]
        sim = np.where((q_particle | self.particle[distinct][None, :]) & ~same, 0.0, sim)
        sim = np.where(same, 1.0, sim)
        return np.where(sim >= TOKEN_PAIR_MIN, sim, 0.0)

    def _apply_joined(self, query: FoldedName, candidates: np.ndarray, aligned: np.ndarray) -> None:
        # Only candidates one token longer or shorter with (almost) the same letters can score here.
        counts, lengths = self.token_count[candidates], self.joined_length[candidates]
        maybe = np.flatnonzero((np.abs(counts - len(query.tokens)) == 1)
                               & (np.abs(lengths - len(query.joined)) <= JOINED_MAX_LENGTH_GAP))
        for k in maybe:
            aligned[k] = max(aligned[k], joined_similarity(query, self.names[int(candidates[k])]))


def _greedy_aligned(pair: np.ndarray, query_weights: np.ndarray, listed_weights: np.ndarray) -> np.ndarray:
    """Greedy pairing on (candidates, query tokens, width) similarities; ties go to the lowest
    (query index, listed index), as in ``similarity.paired_tokens``."""
    n, rows, width = pair.shape
    everyone = np.arange(n)
    matched = np.zeros(n)
    matched_listed = np.zeros(n)
    for _ in range(min(rows, width)):
        flat = pair.reshape(n, -1)
        first = flat.argmax(axis=1)
        best = flat[everyone, first]
        took = best > 0
        if not took.any():
            break
        i, j = np.divmod(first, width)
        matched += np.where(took, best * (query_weights[i] + listed_weights[everyone, j]), 0.0)
        matched_listed += np.where(took, listed_weights[everyone, j], 0.0)
        pair[everyone[took], i[took], :] = 0.0
        pair[everyone[took], :, j[took]] = 0.0
    listed_total = listed_weights.sum(axis=1)
    total = query_weights.sum() + listed_total - (listed_total - matched_listed) * (1 - UNMATCHED_LISTED_WEIGHT)
    aligned: np.ndarray = np.divide(matched, total, out=np.zeros(n), where=total > 0)
    return aligned

"""A prepared, in-memory index of every listed name for fast candidate retrieval ("blocking").

Each name is folded once at build time. A query token finds the vocabulary tokens it resembles in one
vectorised Jaro-Winkler pass (rapidfuzz ``cdist``) and, through postings, the names that contain them;
only names sharing enough resembling tokens with the query are scored in full. Adjacent token pairs
are also indexed joined, so "Abdulrahman" finds "Abdul Rahman" and the reverse.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler, Levenshtein

from domain.ports.screening import ListedName, WatchlistEntry
from ml.screening.normalise import FoldedName, fold_name
from ml.screening.similarity import SHORT_TOKEN

# At or below the pairing thresholds on purpose: blocking must not lose what scoring would accept
# (similarity.token_similarity: Jaro-Winkler for longer tokens, Levenshtein for short ones, whose
# skeleton floor needs one edit in four letters, 0.75, to get through).
BLOCKING_MIN = 0.78
SHORT_BLOCKING_MIN = 0.75


@dataclass(frozen=True)
class IndexedName:
    entry: WatchlistEntry
    name_index: int
    folded: FoldedName

    @property
    def listed(self) -> ListedName:
        return self.entry.names[self.name_index]


def blocking_keys(name: FoldedName) -> tuple[list[str], list[str]]:
    """(single content tokens, joined adjacent pairs) used to find candidates."""
    content = list(dict.fromkeys(name.content_tokens))
    joined = ["".join(pair) for pair in zip(name.tokens, name.tokens[1:], strict=False)]
    return content, list(dict.fromkeys(joined))


class WatchlistIndex:
    """Every name and alias of the loaded entries, folded, with token postings."""

    def __init__(self, entries: tuple[WatchlistEntry, ...]) -> None:
        self.names: list[IndexedName] = []
        vocabulary: dict[str, int] = {}
        postings: list[list[int]] = []
        content_counts: list[int] = []
        for entry in entries:
            for name_index, listed in enumerate(entry.names):
                folded = fold_name(listed.text)
                if not folded.tokens:
                    continue
                name_id = len(self.names)
                self.names.append(IndexedName(entry, name_index, folded))
                tokens, joined = blocking_keys(folded)
                content_counts.append(len(tokens))
                for token in (*tokens, *joined):
                    token_id = vocabulary.setdefault(token, len(vocabulary))
                    if token_id == len(postings):
                        postings.append([])
                    postings[token_id].append(name_id)
        self.vocabulary = list(vocabulary)
        self._postings = [np.asarray(sorted(set(p)), dtype=np.int32) for p in postings]
        self._content_counts = np.asarray(content_counts, dtype=np.int32)

    def __len__(self) -> int:
        return len(self.names)

    def candidates(self, query: FoldedName) -> list[IndexedName]:
        """Names sharing at least two resembling tokens with the query (or one, when either side
        has only one), or a joined pair. Fewer shared tokens cannot reach the near-hit score."""
        tokens, joined = blocking_keys(query)
        if not tokens:
            return []
        keys = tokens + joined
        shared: Counter[int] = Counter()
        via_joined: set[int] = set()
        for row, key in enumerate(keys):
            hits = self._resembling(key)
            if hits.size == 0:
                continue
            names = np.unique(np.concatenate([self._postings[h] for h in hits]))
            if row < len(tokens):
                shared.update(names.tolist())
            else:
                via_joined.update(names.tolist())
        need = min(2, len(tokens))
        chosen = {n for n, count in shared.items() if count >= min(need, int(self._content_counts[n]))}
        chosen |= via_joined
        return [self.names[n] for n in sorted(chosen)]

    def _resembling(self, token: str) -> np.ndarray:
        """Vocabulary ids of tokens that resemble ``token`` (same measure as the scorer)."""
        short = len(token) <= SHORT_TOKEN
        scores = process.cdist(
            [token], self.vocabulary,
            scorer=Levenshtein.normalized_similarity if short else JaroWinkler.normalized_similarity,
            score_cutoff=SHORT_BLOCKING_MIN if short else BLOCKING_MIN, dtype=np.float32, workers=1,
        )
        return np.flatnonzero(scores[0])

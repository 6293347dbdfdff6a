"""A prepared, in-memory index of every listed name for fast candidate retrieval ("blocking").

Each name is folded once at build time. The vocabulary of name tokens is bucketed by initial sound
(``normalise.initial_class``: vowels together, c/k/q together). A query token is compared, in one
vectorised pass (rapidfuzz ``cdist``), with the tokens of its own bucket only, and looked up by its
consonant skeleton across all buckets; through postings that gives the names containing resembling
tokens, and only names sharing enough of them are scored in full. Adjacent token pairs are also
indexed joined, so "Abdulrahman" finds "Abdul Rahman" and the reverse. What blocking gives up: a
token whose first sound differs *and* whose skeleton differs ("Yusuf"/"Jusuf") is not found through
that token (the other tokens of the name may still find it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from domain.ports.screening import ListedName, WatchlistEntry
from ml.screening.batch import NameMatrix
from ml.screening.normalise import FoldedName, fold_name, initial_class, skeleton

# Below the pairing threshold on purpose: within an initial-sound bucket, blocking must not lose what
# scoring (Jaro-Winkler there) would accept. Across buckets, scoring can still pair a long token whose
# first letter alone differs (Levenshtein >= 0.8); blocking finds such a name through its skeleton or
# its other tokens only (the module docstring's "what blocking gives up").
BLOCKING_MIN = 0.78


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
    """Every name and alias of the loaded entries, folded, with token postings. ``folder`` turns a
    listed name into tokens: the spelled folding by default, or consonant keys
    (``consonants.consonant_name``) for the abjad index."""

    def __init__(
        self, entries: tuple[WatchlistEntry, ...], folder: Callable[[str], FoldedName] = fold_name
    ) -> None:
        self.names: list[IndexedName] = []
        vocabulary: dict[str, int] = {}
        postings: list[list[int]] = []
        content_counts: list[int] = []
        for entry in entries:
            for name_index, listed in enumerate(entry.names):
                folded = folder(listed.text)
                if not folded.tokens:
                    continue
                name_id = len(self.names)
                self.names.append(IndexedName(entry, name_index, folded))
                tokens, joined = blocking_keys(folded)
                content_counts.append(_counted(tokens))
                for token in (*tokens, *joined):
                    token_id = vocabulary.setdefault(token, len(vocabulary))
                    if token_id == len(postings):
                        postings.append([])
                    postings[token_id].append(name_id)
        self.vocabulary = list(vocabulary)
        buckets: dict[str, list[int]] = {}
        by_skeleton: dict[str, list[int]] = {}
        for token_id, token in enumerate(self.vocabulary):
            buckets.setdefault(initial_class(token), []).append(token_id)
            by_skeleton.setdefault(skeleton(token), []).append(token_id)
        self._buckets = {k: (np.asarray(ids, dtype=np.int32), [self.vocabulary[i] for i in ids])
                         for k, ids in buckets.items()}
        self._by_skeleton = {k: np.asarray(ids, dtype=np.int32) for k, ids in by_skeleton.items()}
        self._postings = [np.asarray(sorted(set(p)), dtype=np.int32) for p in postings]
        self._content_counts = np.asarray(content_counts, dtype=np.int32)
        self.matrix = NameMatrix([n.folded for n in self.names])
        self._token_ids = {token: i for i, token in enumerate(self.vocabulary)}
        entry_of = [(n.entry.list_name, n.entry.entry_id) for n in self.names]
        self._entry_counts = [len({entry_of[n] for n in p.tolist()}) for p in self._postings]
        self.entry_count = len(set(entry_of))

    def __len__(self) -> int:
        return len(self.names)

    def entries_with_token(self, token: str) -> int:
        """How many list entries have a name containing exactly this folded token."""
        token_id = self._token_ids.get(token)
        return 0 if token_id is None else self._entry_counts[token_id]

    def candidate_ids(self, query: FoldedName) -> np.ndarray:
        """Ids of the names sharing at least two resembling tokens with the query (one, when either side
        has only one token of 3+ letters), or a joined pair. With fewer, the unpaired tokens of 3+
        letters keep the score under the near-hit threshold (similarity.aligned_similarity: at best
        (8+8)/(8+3+8+1.5) = 0.78 for one paired 8-letter token)."""
        tokens, joined = blocking_keys(query)
        if not tokens:
            return _NONE
        keys = tokens + joined
        shared: Counter[int] = Counter()
        via_joined: set[int] = set()
        for row, hits in enumerate(self._resembling(keys)):
            if hits.size == 0:
                continue
            names = np.unique(np.concatenate([self._postings[h] for h in hits]))
            if row < len(tokens):
                shared.update(names.tolist())
            else:
                via_joined.update(names.tolist())
        need = min(2, _counted(tokens))
        chosen = {n for n, count in shared.items() if count >= min(need, int(self._content_counts[n]))}
        chosen |= via_joined
        return np.asarray(sorted(chosen), dtype=np.int32)

    def _resembling(self, keys: list[str]) -> list[np.ndarray]:
        """For each key, the vocabulary ids of tokens that resemble it: Jaro-Winkler within the key's
        initial-sound bucket (one ``cdist`` call per bucket), plus the same skeleton anywhere."""
        found = [self._by_skeleton.get(skeleton(key), _NONE) for key in keys]
        by_bucket: dict[str, list[int]] = {}
        for row, key in enumerate(keys):
            by_bucket.setdefault(initial_class(key), []).append(row)
        for bucket_key, rows in by_bucket.items():
            bucket = self._buckets.get(bucket_key)
            if bucket is None:
                continue
            ids, tokens = bucket
            scores = process.cdist([keys[r] for r in rows], tokens, scorer=JaroWinkler.normalized_similarity,
                                   score_cutoff=BLOCKING_MIN, dtype=np.float32, workers=1)
            for offset, row in enumerate(rows):
                found[row] = np.union1d(ids[np.flatnonzero(scores[offset])], found[row])
        return found


_NONE = np.zeros(0, dtype=np.int32)
COUNTED_TOKEN_LENGTH = 3  # initials and two-letter tokens weigh too little to keep a score down


def _counted(tokens: list[str]) -> int:
    return sum(len(t) >= COUNTED_TOKEN_LENGTH for t in tokens)

"""Name similarity in [0, 1]: order-insensitive token alignment with Jaro-Winkler, plus a joined-token
comparison for names written as one or several words ("Abdulrahman" / "Abdul Rahman").

Seed 002 step 7 names the techniques (Jaro-Winkler, Soundex-like phonetics, Levenshtein) and the
reasons (transliteration, typos, name order, aliases). Tokens are paired greedily by similarity, so the
order of the names does not matter; unpaired tokens on either side lower the score in proportion to
their weight (a missing middle name costs less than a missing family name of the same length only
through its length; particles cost little).
"""

from __future__ import annotations

from rapidfuzz.distance import Indel, JaroWinkler, Levenshtein

from ml.screening.normalise import FoldedName

# Below this, two tokens are not considered spellings of the same name part.
TOKEN_PAIR_MIN = 0.80
# Jaro-Winkler is lenient on short strings ("ali"/"wali" = 0.92): tokens this short are compared by
# normalised Levenshtein instead, where one edit in four letters is 0.75, below the pairing threshold.
SHORT_TOKEN = 4
# Unmatched tokens of the listed name cost half their weight: lists give full names with patronymics
# and middle names that a customer or a document often omits; unmatched query tokens cost in full.
UNMATCHED_LISTED_WEIGHT = 0.5
# Tokens with the same consonant skeleton are usually transliterations of one name
# ("mohammed"/"muhammad", "dmitry"/"dmitriy", "yusuf"/"yousef"); they get at least this similarity.
SKELETON_FLOOR = 0.90

def token_similarity(a: str, b: str, same_skeleton: bool) -> float:
    """Similarity of two name tokens; ``same_skeleton`` = their ``normalise.skeleton`` keys agree."""
    if a == b:
        return 1.0
    if min(len(a), len(b)) <= SHORT_TOKEN:
        score = Levenshtein.normalized_similarity(a, b)
    else:
        score = JaroWinkler.normalized_similarity(a, b)
    if score < SKELETON_FLOOR and same_skeleton and len(a) >= 4 and len(b) >= 4:
        return SKELETON_FLOOR
    return score


def paired_tokens(query: FoldedName, listed: FoldedName) -> list[tuple[float, int, int]]:
    """Greedy one-to-one pairing of tokens by similarity: (similarity, query index, listed index)."""
    candidates = []
    for i, q_token in enumerate(query.tokens):
        for j, l_token in enumerate(listed.tokens):
            sim = token_similarity(q_token, l_token, query.skeletons[i] == listed.skeletons[j])
            if sim >= TOKEN_PAIR_MIN:
                candidates.append((sim, i, j))
    candidates.sort(reverse=True)
    used_q: set[int] = set()
    used_l: set[int] = set()
    pairs = []
    for sim, i, j in candidates:
        if i not in used_q and j not in used_l:
            used_q.add(i)
            used_l.add(j)
            pairs.append((sim, i, j))
    return pairs


def aligned_similarity(query: FoldedName, listed: FoldedName) -> float:
    """Weighted Dice-style score of the paired tokens (order-insensitive)."""
    pairs = paired_tokens(query, listed)
    matched = sum(sim * (query.weights[i] + listed.weights[j]) for sim, i, j in pairs)
    used_l = {j for _, _, j in pairs}
    unmatched_listed = sum(w for j, w in enumerate(listed.weights) if j not in used_l)
    total = sum(query.weights) + sum(listed.weights) - unmatched_listed * (1 - UNMATCHED_LISTED_WEIGHT)
    return matched / total if total else 0.0


# A compound written as one word or two ("Abdulrahman" / "Abdul Rahman") changes the token count by one
# and the letters by (almost) nothing; anything else is a missing or extra name, which the alignment
# already scores.
JOINED_MAX_LENGTH_GAP = 2


def joined_similarity(query: FoldedName, listed: FoldedName) -> float:
    """Compare the names with spaces removed, in written and in sorted token order, when they differ
    by one token and at most ``JOINED_MAX_LENGTH_GAP`` letters; else 0."""
    if abs(len(query.tokens) - len(listed.tokens)) != 1:
        return 0.0
    if abs(len(query.joined) - len(listed.joined)) > JOINED_MAX_LENGTH_GAP:
        return 0.0
    written = Indel.normalized_similarity(query.joined, listed.joined)
    ordered = Indel.normalized_similarity("".join(sorted(query.tokens)), "".join(sorted(listed.tokens)))
    return max(written, ordered)


def name_similarity(query: FoldedName, listed: FoldedName) -> float:
    return max(aligned_similarity(query, listed), joined_similarity(query, listed))

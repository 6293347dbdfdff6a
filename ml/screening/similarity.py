"""Name similarity in [0, 1]: order-insensitive token alignment with Jaro-Winkler, plus a joined-token
comparison for names written as one or several words ("Abdulrahman" / "Abdul Rahman").

requirements/pipeline §7 names the techniques (Jaro-Winkler, Soundex-like phonetics, Levenshtein) and the
reasons (transliteration, typos, name order, aliases). Tokens are paired greedily by similarity, so the
order of the names does not matter; unpaired tokens on either side lower the score in proportion to
their weight (a missing middle name costs less than a missing family name of the same length only
through its length; particles cost little).
"""

from __future__ import annotations

from rapidfuzz.distance import Indel, JaroWinkler, Levenshtein

from ml.screening.normalise import PARTICLES, FoldedName

# Below this, two tokens are not considered spellings of the same name part.
TOKEN_PAIR_MIN = 0.80
# Jaro-Winkler rewards a shared beginning and forgives the rest ("ali"/"wali" = 0.92, "damanik"/"qasmani"
# = 0.80): tokens that do not begin with the same sound (``normalise.initial_class``) are compared by
# normalised Levenshtein instead, where "ali"/"wali" is 0.75, below the pairing threshold. The same
# holds for a short token against a much longer one ("ja"/"jane" = 0.88 by Jaro-Winkler).
SHORT_TOKEN = 3
# Unmatched tokens of the listed name cost half their weight: lists give full names with patronymics
# and middle names that a customer or a document often omits; unmatched query tokens cost in full.
UNMATCHED_LISTED_WEIGHT = 0.5
# Tokens with the same consonant skeleton are usually transliterations of one name
# ("mohammed"/"muhammad", "dmitry"/"dmitriy", "yusuf"/"yousef"); they get at least this similarity.
SKELETON_FLOOR = 0.90

def token_similarity(a: str, b: str, same_initial: bool, same_skeleton: bool) -> float:
    """Similarity of two name tokens given whether their initial sounds and their skeletons
    (``normalise.initial_class`` / ``normalise.skeleton``) agree."""
    if a == b:
        return 1.0
    short_mismatch = min(len(a), len(b)) <= SHORT_TOKEN and abs(len(a) - len(b)) > 1
    measure = JaroWinkler if same_initial and not short_mismatch else Levenshtein
    score: float = measure.normalized_similarity(a, b)
    if score < SKELETON_FLOOR and same_skeleton and len(a) >= 4 and len(b) >= 4:
        return SKELETON_FLOOR
    return score


def paired_tokens(query: FoldedName, listed: FoldedName) -> list[tuple[float, int, int]]:
    """Greedy one-to-one pairing of tokens by similarity: (similarity, query index, listed index).
    A particle pairs only with the same particle ("al" is not a misspelt "ali")."""
    candidates = []
    for i, q_token in enumerate(query.tokens):
        for j, l_token in enumerate(listed.tokens):
            if q_token != l_token and (q_token in PARTICLES or l_token in PARTICLES):
                continue
            sim = token_similarity(q_token, l_token, query.initials[i] == listed.initials[j],
                                   query.skeletons[i] == listed.skeletons[j])
            if sim >= TOKEN_PAIR_MIN:
                candidates.append((sim, i, j))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))  # best first; ties to the lowest positions
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

"""How much a name match says on its own: the rarity, in the lists, of the name parts that carry it.

A match carried by name parts that many listed people share ("Mohammad", "Ahmad", "Sayed") says little
about which listed person it is: an ordinary "Mohammadreza Sayadi" meets "Mohammad Sayed" on exactly
such parts. Each name part that pairs well with the listed name contributes its rarity among the list
entries, ``log2((entries + 1) / (entries with the part + 1))`` bits, the lists' own token frequencies
(the inverse document frequency of information retrieval). Under the usual independence assumption,
``entries / 2**bits`` is how many list entries would share those parts by chance; a match *singles out*
its entry when at most ``MAX_EXPECTED_ENTRIES`` would. A match that does not single out its entry is no
candidate at all: it is as likely to meet several unrelated listed people as the one it found
(docs/requirements/pipeline.md, "Sanctions & PEP screening": the rule for names written without short
vowels).

Used where a part's letters say least: names written without short vowels (the Arabic script; Hebrew
letters too, through ``screener``) compared on their consonant keys or as spelled with the lists'
names in the same script, where "محمد" is both "Mohammad" and "Mahmoud" and a four-letter part is a
whole name. Which pairs count: consonant keys
already fold the letters that spellings confuse, so keys of one name part agree exactly or differ by a
suffix ("hsn"/"hsny", Hossein/Hosseini); keys that differ otherwise ("bhrm" Bahram, "brhm" Ibrahim)
still count in the name score but are no evidence. Spelled parts count as in
``cross_script.EnoughLetters``: short ones must agree exactly, longer ones closely. Either way a part
that continues another by a whole further part ("محمدپارسا", "Mohammad-Parsa", against "محمد"; on keys,
where vowels are not written, "mhmdsn" Mohammad-Yasin against "mhmd") is no evidence of the shorter one,
and two parts that differ by a suffix ("Rasuli" against "Rasul", "Nouri" against "Nourani") carry the
rarity of the shorter, which is all they share. A match must rest on at least two such parts (one when
either name has only one part), as the index asks two resembling parts of any candidate
(``index.WatchlistIndex.candidate_ids``): one part uncommon in the lists ("Rasul", in two entries) is
common enough among the people screened.

Also used for every match found through a reading (the Latin readings of Han, kana and Greek names):
a name compared by R readings meets about R times as many entries by chance as one compared once, so
such a match singles out its entry only when ``entries * R / 2**bits`` is at most
``MAX_EXPECTED_ENTRIES`` (docs/requirements/pipeline.md, "Sanctions & PEP screening"). Without it,
an ordinary Chinese name read a dozen ways met listed names on a common family name and a loosely
similar given name.
"""

from __future__ import annotations

import math

from ml.screening.cross_script import SHORT_KEY, WELL_PAIRED
from ml.screening.index import WatchlistIndex
from ml.screening.normalise import FoldedName, folded_tokens
from ml.screening.similarity import joined_similarity, paired_tokens

# Chosen on the tune half of the UN list's Arabic original-script names against generated ordinary
# Arabic and Persian names (seed 11, not the reported seed; tools/eval/screening_scripts.py): with 4,
# Persian name-only flags fell from 76 to 30 per 1,000 and Arabic from 17 to 11 (to 18 and 12 with the
# folding of the ayn and keys counted only when they agree or differ by a suffix), the tune half still
# found 141/155 as before; 3 flagged as many and found 139/155.
MAX_EXPECTED_ENTRIES = 4.0
# Letters past the end of the other part that make a part a compound, not a spelling of it: one or
# two are a suffix or a spelling ("Mohammadi", "Hosseini"), three a further name ("Mohammad-Mahdi",
# "Mohammad-Parsa", "mhmdfrs" against "mhmd"). Two (seed 11) flagged 26 Persian names per 1,000
# instead of 30 but found 139/155 of the tune half.
COMPOUND_TAIL = 3
# The same on consonant keys, where a further name is one or two consonants shorter than spelled: two
# ("mhmdsn" Mohammad-Yasin, "mhmdrd" Mohammad-Reza, "mhmdjd" Mohammad-Javad against "mhmd") make a
# compound, one is a suffix ("mnsrn" Mansourian against "mnsr").
KEY_COMPOUND_TAIL = 2
# Well-paired parts a match of a name without short vowels must rest on (fewer when a name has fewer).
MIN_EVIDENCE_PARTS = 2


def part_bits(index: WatchlistIndex, token: str) -> float:
    """The rarity of one name part among the index's entries, in bits."""
    return math.log2((index.entry_count + 1) / (index.entries_with_token(token) + 1))


def _well_paired(sim: float, a: str, b: str, *, keys: bool) -> bool:
    if keys:  # keys already fold what spellings confuse: the same part agrees, or differs by a suffix
        return a == b or ((a.startswith(b) or b.startswith(a)) and not is_compound_of(a, b, KEY_COMPOUND_TAIL))
    if min(len(a), len(b)) < SHORT_KEY:
        return a == b
    return sim >= WELL_PAIRED and not is_compound_of(a, b)


def is_compound_of(a: str, b: str, tail: int = COMPOUND_TAIL) -> bool:
    """Whether one part is the other followed by at least ``tail`` more letters (``KEY_COMPOUND_TAIL``
    for consonant keys)."""
    short, long = sorted((a, b), key=len)
    return long.startswith(short) and len(long) - len(short) >= tail


def carried_bits(query: FoldedName, listed: FoldedName, index: WatchlistIndex, *, keys: bool = False,
                 joined_given: bool = False) -> float:
    """The rarity of the listed name's parts that the query pairs well with, in bits; ``keys``: the
    names are consonant keys (``consonants.consonant_name``), else spelled (``normalise.fold_name``).

    ``joined_given``: the query is a reading that writes a given name's syllables as one part
    (``readings``), so all of the listed name's parts count when the names agree with their spaces
    removed, and a run of listed parts written apart that one query part writes joined ("Ying-jeou",
    "Hsien Loong" against "yingjeou", "hsienloong") counts as one part carrying the bits of each."""
    bits = [part_bits(index, token) for token in listed.tokens]
    if not joined_given:
        return _paired_bits(query, listed, bits, keys, index)
    best = _paired_bits(query, listed, bits, keys)
    if joined_similarity(query, listed) >= WELL_PAIRED:
        return sum(bits)
    n = len(listed.tokens)
    for start in range(n - 1):
        for end in range(start + 2, n + 1):
            runs = [*((t,) for t in range(start)), tuple(range(start, end)), *((t,) for t in range(end, n))]
            joined = folded_tokens(["".join(listed.tokens[t] for t in run) for run in runs])
            best = max(best, _paired_bits(query, joined, [sum(bits[t] for t in run) for run in runs], keys))
    return best


def _paired_bits(query: FoldedName, listed: FoldedName, bits: list[float], keys: bool,
                 index: WatchlistIndex | None = None) -> float:
    """The bits of the listed parts that the query pairs well with; with ``index`` (names without short
    vowels), nothing unless at least ``MIN_EVIDENCE_PARTS`` pair well, and a query part that a listed
    part continues by a suffix carries its own rarity."""
    well = [(i, j) for sim, i, j in paired_tokens(query, listed)
            if _well_paired(sim, query.tokens[i], listed.tokens[j], keys=keys)]
    if index is None:
        return sum(bits[j] for _, j in well)
    if len(well) < min(MIN_EVIDENCE_PARTS, len(query.tokens), len(listed.tokens)):
        return 0.0
    return sum(_shared_bits(query.tokens[i], listed.tokens[j], bits[j], index) for i, j in well)


def _shared_bits(query_part: str, listed_part: str, listed_bits: float, index: WatchlistIndex) -> float:
    """What two well-paired parts share: the listed part, or the query part when the listed one only
    continues it by a suffix ("nr" Nouri against "nrn" Nourani)."""
    if len(query_part) < len(listed_part) and listed_part.startswith(query_part):
        return min(listed_bits, part_bits(index, query_part))
    return listed_bits


def singles_out(
    query: FoldedName, listed: FoldedName, index: WatchlistIndex, tries: int = 1, *, keys: bool = False,
    joined_given: bool = False,
) -> bool:
    """Whether the parts carrying the match are rare enough that at most ``MAX_EXPECTED_ENTRIES``
    entries of the index would share them by chance, the query having been compared in ``tries``
    spellings (its readings); ``keys`` and ``joined_given`` as in ``carried_bits``."""
    needed = math.log2((index.entry_count + 1) * max(tries, 1) / MAX_EXPECTED_ENTRIES)
    return carried_bits(query, listed, index, keys=keys, joined_given=joined_given) >= needed

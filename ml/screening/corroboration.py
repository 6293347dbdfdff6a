"""Birth date and nationality as evidence for a match whose name parts alone do not single out its entry.

The rarity rule (``evidence``) asks the name parts that carry a match through a reading to be rare
enough that at most ``MAX_EXPECTED_ENTRIES`` list entries would share them by chance. In a KYC check the
document gives the birth date and nationality too, and the lists give them for most listed people: an
entry that agrees with the person on them is as much rarer as the share of entries that would agree.
So a match that fails the rule on its name parts still counts when the agreeing identifiers make up
the difference, counted as the name parts are, by the lists' own frequencies:

- nationality: the entries listing the person's nationality, and the name parts' rarity among those
  entries only (names and nationalities go together: "Kim" is common among DPRK entries, not among all),
  so ``entries of that nationality * tries / 2**bits`` must be at most ``MAX_EXPECTED_ENTRIES``; no more
  entries can be met by chance than there are, so a nationality listed by at most that many entries
  leaves the name to decide alone (its score already made it a candidate);
- birth year: ``log2((entries + 1) / (entries whose birth date agrees + 1))`` more bits (the year's
  agreement as ``domain.screening_rules.birth_date_agreement`` judges it; a birth date says nothing of
  a name, so its bits add).

Agreement only ever keeps a match that the name found: it never raises a level, and an identifier that
disagrees still lowers the match (``domain.screening_rules.match_level``), so a match kept here and
contradicted by the other identifier is cleared (docs/requirements/pipeline.md, "Sanctions & PEP
screening").
"""

from __future__ import annotations

import math
from collections.abc import Callable

from domain.ports.screening import WatchlistEntry
from domain.screening_rules import Agreement, birth_date_agreement, nationality_agreement
from ml.screening.evidence import MAX_EXPECTED_ENTRIES, carried_bits, singles_out
from ml.screening.index import IndexedName, WatchlistIndex
from ml.screening.normalise import FoldedName


class Corroboration:
    """The lists' frequencies of nationalities and birth years, for ``singles_out_with``."""

    def __init__(self, entries: tuple[WatchlistEntry, ...]) -> None:
        self._entries = entries
        self._nationals: dict[tuple[str, Callable[[str], FoldedName]], WatchlistIndex] = {}
        self._birth: dict[int, float] = {}

    def birth_bits(self, year: int) -> float:
        """The rarity of a birth date agreeing with ``year`` among the entries, in bits."""
        if year not in self._birth:
            agreeing = sum(birth_date_agreement(year, e.birth_dates) is Agreement.MATCH for e in self._entries)
            self._birth[year] = math.log2((len(self._entries) + 1) / (agreeing + 1))
        return self._birth[year]

    def nationals(self, nationality: str, folder: Callable[[str], FoldedName]) -> WatchlistIndex:
        """The names of the entries listing ``nationality``, folded by ``folder``, built on first use."""
        key = (nationality, folder)
        if key not in self._nationals:
            entries = tuple(e for e in self._entries if nationality in e.nationalities)
            self._nationals[key] = WatchlistIndex(entries, folder)
        return self._nationals[key]

    def singles_out_with(
        self, query: FoldedName, candidate: IndexedName, index: WatchlistIndex, folder: Callable[[str], FoldedName],
        tries: int, year: int | None, nationality: str | None, *, keys: bool = False, joined_given: bool = False,
    ) -> bool:
        """Whether the match singles out its entry by its name parts (``evidence.singles_out`` on
        ``index``, whose names ``folder`` folded), or by its name parts together with the person's
        birth year and nationality where the entry agrees on them."""
        if singles_out(query, candidate.folded, index, tries, keys=keys, joined_given=joined_given):
            return True
        entry = candidate.entry
        birth = year is not None and birth_date_agreement(year, entry.birth_dates) is Agreement.MATCH
        if nationality is not None and nationality_agreement(nationality, entry.nationalities) is Agreement.MATCH:
            index = self.nationals(nationality.upper(), folder)
        elif not birth:
            return False
        bits = carried_bits(query, candidate.folded, index, keys=keys, joined_given=joined_given)
        # No more entries can be met by chance than there are: a nationality that few entries list
        # leaves few to meet, whatever the name parts.
        expected = min(index.entry_count + 1, (index.entry_count + 1) * max(tries, 1) / 2**bits)
        if birth and year is not None:
            expected /= 2 ** self.birth_bits(year)
        return expected <= MAX_EXPECTED_ENTRIES

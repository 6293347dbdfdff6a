"""Names in Hebrew letters, written without short vowels like Arabic-script ones: a match on the Hebrew
keys counts only when its well-paired parts single out the entry by the lists' own frequencies, or do
so with the birth year and nationality the entry agrees on (``ml.screening.evidence``,
``ml.screening.corroboration``; docs/requirements/pipeline.md, "Sanctions & PEP screening")."""

from __future__ import annotations

import pytest

from domain.checks import ModelProvenance
from domain.ports.screening import EntityKind, ListedName, NameKind, ScreeningQuery, Watchlist, WatchlistEntry
from domain.screening_rules import ListedBirthDate, MatchLevel
from ml.screening.screener import RapidfuzzSanctionsScreener
from tests.unit.screening.support import unrelated_entries

pytestmark = pytest.mark.unit


def _entry(entry_id: str, name: str, year: int | None = None, nationality: str | None = None) -> WatchlistEntry:
    return WatchlistEntry("UN", entry_id, EntityKind.INDIVIDUAL, (ListedName(name, NameKind.PRIMARY),),
                          birth_dates=(ListedBirthDate(year, year),) if year else (),
                          nationalities=(nationality,) if nationality else ())


# "Omar" and "Khan" ("mr", "kn" on the Hebrew keys, as "Meir", "Amir", "Cohen", "Kahane" are) are in the
# names of forty entries; "Rabin", "Netanyahu", "Binyamin"/"Benjamin" in one each.
COMMON = tuple(_entry(f"c{i}", f"Omar Khan {chr(ord('A') + i % 26)}{'abcdefgh'[i // 26]}ley", 1970) for i in range(40))
SCREENER = RapidfuzzSanctionsScreener(Watchlist((
    *unrelated_entries(), *COMMON, _entry("kahane", "Meir Kahane", 1932), _entry("rabin", "Yitzhak Rabin", 1922, "ISR"),
    _entry("netanyahu", "Benjamin Netanyahu", 1949, "ISR"),
), ModelProvenance("test-lists", "1", "0" * 64)))


def _flagged(name: str, year: int | None = None, nationality: str | None = None) -> set[str]:
    hits = SCREENER.screen(ScreeningQuery(name, birth_year=year, nationality=nationality)).hits
    return {h.entry_id for h in hits if h.level is not MatchLevel.CLEARED}


def test_a_match_on_hebrew_keys_common_in_the_lists_is_no_match_by_name_alone() -> None:
    # "Amir Cohen" is "mr kn", as "Meir Kahane" is: the Hebrew keys' path finds him ...
    path = SCREENER.cross_script.matches("אמיר כהן", SCREENER.thresholds.near)
    assert "kahane" in {m.candidate.entry.entry_id for m in path}
    # ... but forty listed people share those parts: it singles out no one.
    assert _flagged("אמיר כהן") == set()


def test_a_listed_person_with_rare_name_parts_is_still_found_by_name_alone() -> None:
    assert _flagged("יצחק רבין") == {"rabin"}


def test_key_parts_pair_as_spelled_parts_do_not_only_when_equal() -> None:
    # בנימין is "bnmn", "Benjamin" "bnjmn": one Hebrew name spelled by two conventions, a part of the evidence.
    assert _flagged("בנימין נתניהו") == {"netanyahu"}


def test_a_listed_person_with_common_name_parts_is_found_with_the_agreeing_birth_year() -> None:
    assert _flagged("מאיר כהנא") == set()
    assert _flagged("מאיר כהנא", year=1932) == {"kahane"}
    # The ordinary person born in another year, or Israeli, still singles out no one.
    assert _flagged("אמיר כהן", year=1990, nationality="ISR") == set()
    assert _flagged("מאיר כהנא", year=1990) == set()


def test_a_disagreeing_birth_year_still_clears_a_match_the_name_found() -> None:
    assert _flagged("יצחק רבין", year=1922, nationality="ISR") == {"rabin"}
    assert _flagged("יצחק רבין", year=1960, nationality="ISR") == set()

"""A match through a reading whose name parts alone do not single out its entry still counts when the
entry agrees with the person's birth year and nationality and those make up the difference, counted by
the lists' own frequencies (``ml.screening.corroboration``); a disagreeing identifier still clears it."""

from __future__ import annotations

import pytest

from domain.checks import ModelProvenance
from domain.ports.screening import EntityKind, ListedName, NameKind, ScreeningQuery, Watchlist, WatchlistEntry
from domain.screening_rules import ListedBirthDate, MatchLevel
from ml.screening.screener import RapidfuzzSanctionsScreener
from tests.unit.screening.support import unrelated_entries

pytestmark = pytest.mark.unit


def _entry(entry_id: str, name: str, nationality: str, year: int) -> WatchlistEntry:
    return WatchlistEntry("UN", entry_id, EntityKind.INDIVIDUAL, (ListedName(name, NameKind.PRIMARY),),
                          birth_dates=(ListedBirthDate(year, year),), nationalities=(nationality,))


# DPRK entries built of the syllables "Song" and "Jun", born 1960, as the lists' DPRK entries share theirs.
SHARED = tuple(_entry(f"k{family}{n}", f"{family} {first} {second}", "PRK", 1960)
               for family in ("Ri", "Kim", "Pak", "Choe", "Jo", "Kang", "Han", "Yun")
               for n, (first, second) in enumerate((("Song", "Il"), ("Jun", "Nam"), ("Song", "Jun"))))
ENTRIES = (*SHARED, _entry("cn1", "SONG Jun", "CHN", 1970), _entry("kp1", "Song Jun", "PRK", 1975),
           *unrelated_entries())
SCREENER = RapidfuzzSanctionsScreener(Watchlist(ENTRIES, ModelProvenance("test-lists", "1", "0" * 64)))


def flagged(year: int | None = None, nationality: str | None = None) -> dict[str, MatchLevel]:
    # 宋军 is read "song jun" (pinyin) and eight other ways: an exact reading of both listed "Song Jun".
    hits = SCREENER.screen(ScreeningQuery("宋军", birth_year=year, nationality=nationality)).hits
    return {h.entry_id: h.level for h in hits if h.level is not MatchLevel.CLEARED}


def test_by_name_alone_a_reading_on_shared_parts_singles_out_no_entry() -> None:
    assert flagged() == {}


def test_an_agreeing_birth_year_and_nationality_make_it_a_near_hit() -> None:
    assert flagged(1970, "CHN") == {"cn1": MatchLevel.NEAR_HIT}
    assert flagged(1975, "PRK") == {"kp1": MatchLevel.NEAR_HIT}


def test_an_agreeing_birth_year_alone_counts_by_its_rarity_in_the_lists() -> None:
    assert flagged(1970) == {"cn1": MatchLevel.NEAR_HIT}


def test_a_nationality_counts_the_name_parts_among_that_nationality_s_entries_only() -> None:
    # One listed entry is Chinese: a Chinese person meets no other by chance. Among the 25 DPRK entries,
    # "Song" and "Jun" are as common as anywhere: the nationality does not single out "Song Jun" there.
    assert flagged(nationality="CHN") == {"cn1": MatchLevel.NEAR_HIT}
    assert flagged(nationality="PRK") == {}


def test_a_disagreeing_identifier_still_clears_the_match() -> None:
    assert flagged(1990, "CHN") == {}
    assert flagged(1970, "PRK") == {}

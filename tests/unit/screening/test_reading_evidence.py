"""A match found through the readings of a name (``ml.screening.readings``) must be carried by name parts
rare enough to single out its entry, counting each reading tried as one more chance to meet an
unrelated listed name (``ml.screening.evidence``); a rare listed name is still found through them."""

from __future__ import annotations

import pytest

from domain.checks import ModelProvenance
from domain.ports.screening import EntityKind, ListedName, NameKind, ScreeningQuery, Watchlist, WatchlistEntry
from domain.screening_rules import MatchLevel
from ml.screening.evidence import carried_bits, singles_out
from ml.screening.normalise import fold_name
from ml.screening.screener import RapidfuzzSanctionsScreener
from tests.unit.screening.support import unrelated_entries

pytestmark = pytest.mark.unit

# Korean names that share the syllables "Chun" and "Song" as the lists' DPRK entries do.
SHARED = tuple(f"{family} {syllable} {other}" for syllable in ("Chun", "Song")
               for family in ("Ri", "Kim", "Pak", "Choe", "Jo", "Kang", "Han", "Yun", "Ju", "O")
               for other in ("Il", "Nam"))
NAMES = (*SHARED, "Chiang Ching-kuo")


def _entry(number: int, name: str) -> WatchlistEntry:
    return WatchlistEntry("UN", f"e{number}", EntityKind.INDIVIDUAL, (ListedName(name, NameKind.PRIMARY),))


SCREENER = RapidfuzzSanctionsScreener(Watchlist((*(_entry(i, n) for i, n in enumerate(NAMES)), *unrelated_entries()),
                                                ModelProvenance("test-lists", "1", "0" * 64)))
RARE = f"e{len(NAMES) - 1}"


def _flagged(name: str) -> set[str]:
    hits = SCREENER.screen(ScreeningQuery(name)).hits
    return {h.entry_id for h in hits if h.level is not MatchLevel.CLEARED}


def test_each_reading_tried_asks_for_rarer_parts() -> None:
    # "Song Chun" pairs both parts of "Kim Chun Song" exactly; each part is in 20 of 141 entries: rare
    # enough for a name compared once, not for one compared in a dozen readings.
    query, listed = fold_name("Song Chun"), fold_name("Kim Chun Song")
    assert singles_out(query, listed, SCREENER.index, joined_given=True)
    assert not singles_out(query, listed, SCREENER.index, tries=12, joined_given=True)


def test_an_ordinary_han_name_meeting_listed_names_on_shared_syllables_is_not_flagged() -> None:
    # 宋军 is read "song jun", "sung chun", "song chun", ...: each reading is one more chance to meet
    # one of the forty names built of "Chun" and "Song".
    assert len(SCREENER.cross_script.readings("宋军")) > 4
    assert _flagged("宋军") == set()


def test_a_rare_listed_name_is_still_found_through_a_reading() -> None:
    assert _flagged("蔣經國") == {RARE}


def test_a_given_name_written_in_syllables_carries_each_syllable() -> None:
    # The reading joins the given name ("chingkuo"), the list writes it in two parts ("Ching-kuo").
    listed = fold_name("Chiang Ching-kuo")
    assert listed.tokens == ("chiang", "ching", "kuo")
    joined = carried_bits(fold_name("chiang chingkuo"), listed, SCREENER.index, joined_given=True)
    family_only = carried_bits(fold_name("chiang mingkuo"), listed, SCREENER.index, joined_given=True)
    assert joined > family_only > 0


def test_a_name_spelled_as_listed_is_not_subject_to_the_reading_rule() -> None:
    # Latin names keep their tuned thresholds: a common-syllable Latin name still near-hits.
    assert NAMES[0] == "Ri Chun Il"
    assert "e0" in _flagged("Ri Chun Il")

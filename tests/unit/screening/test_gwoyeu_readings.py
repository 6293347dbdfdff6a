"""Gwoyeu Romatzyh readings of Han names (``ml.screening.gwoyeu``): the tone spelled into the letters."""

from __future__ import annotations

import pytest

from domain.checks import ModelProvenance
from domain.ports.screening import EntityKind, ListedName, NameKind, ScreeningQuery, Watchlist, WatchlistEntry
from domain.screening_rules import MatchLevel
from ml.screening.gwoyeu import gwoyeu_syllables
from ml.screening.readings import latin_readings
from ml.screening.screener import RapidfuzzSanctionsScreener
from tests.unit.screening.support import unrelated_entries

pytestmark = pytest.mark.unit

ENTRIES = (
    WatchlistEntry("TEST", "tw1", EntityKind.INDIVIDUAL, (ListedName("Wu Jaushieh", NameKind.PRIMARY),)),
    WatchlistEntry("TEST", "tw2", EntityKind.INDIVIDUAL, (ListedName("Jiang Yi-huah", NameKind.PRIMARY),)),
)
SCREENER = RapidfuzzSanctionsScreener(Watchlist((*ENTRIES, *unrelated_entries()),
                                                ModelProvenance("test-lists", "1", "0" * 64)))


def levels(name: str) -> dict[str, MatchLevel]:
    return {h.entry_id: h.level for h in SCREENER.screen(ScreeningQuery(name)).hits}


def test_each_tone_changes_the_letters() -> None:
    # zhāo (1st) jau, xiè (4th) shieh, huà (4th) huah, xiù (4th) shiow, yǒu (3rd) yeou, hóu (2nd) hour
    assert gwoyeu_syllables("釗燮樺秀友侯", ["zhao", "xie", "hua", "xiu", "you", "hou"]) == [
        "jau", "shieh", "huah", "shiow", "yeou", "hour"]


def test_a_character_with_two_readings_is_read_as_the_toneless_reading_says() -> None:
    assert gwoyeu_syllables("行", ["hang"]) == ["harng"]  # háng, not xíng
    assert gwoyeu_syllables("行", ["xing"]) == ["shying"]
    assert gwoyeu_syllables("A", ["a"]) is None  # no Mandarin reading


def test_a_han_name_gets_its_gwoyeu_reading_beside_pinyin_and_wade_giles() -> None:
    assert {"wu zhaoxie", "wu chaohsieh", "wu jaushieh"} <= set(latin_readings("吳釗燮"))


def test_a_gwoyeu_spelled_listing_is_found_as_a_near_hit_only() -> None:
    assert levels("吳釗燮") == {"tw1": MatchLevel.NEAR_HIT}
    assert levels("江宜樺") == {"tw2": MatchLevel.NEAR_HIT}


def test_the_same_family_name_with_another_given_name_is_not_flagged() -> None:
    assert levels("吳志明") == levels("江建國") == {}

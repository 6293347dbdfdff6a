"""Hokkien readings of Chinese given names (POJ and the Singapore/Malaysia spellings), and names with
two family names: what they find stays a near-hit, and only for the name they spell."""

from __future__ import annotations

import pytest

from domain.checks import ModelProvenance
from domain.ports.screening import EntityKind, ListedName, NameKind, ScreeningQuery, Watchlist, WatchlistEntry
from domain.screening_rules import MatchLevel
from ml.screening.hokkien import hokkien_givens, poj, straits, tailo_readings
from ml.screening.readings import latin_readings
from ml.screening.screener import RapidfuzzSanctionsScreener
from tests.unit.screening.support import unrelated_entries

pytestmark = pytest.mark.unit

ENTRIES = (
    WatchlistEntry("TEST", "sg1", EntityKind.INDIVIDUAL, (ListedName("Tan Chee Hean", NameKind.PRIMARY),)),
    WatchlistEntry("TEST", "my1", EntityKind.INDIVIDUAL, (ListedName("Lim Swee Keat", NameKind.PRIMARY),)),
    WatchlistEntry("TEST", "tw1", EntityKind.INDIVIDUAL, (ListedName("Hsiao Bi-khim", NameKind.PRIMARY),)),
    WatchlistEntry("TEST", "hk1", EntityKind.INDIVIDUAL, (ListedName("Lam Cheng Mei-ling", NameKind.PRIMARY),)),
    WatchlistEntry("TEST", "hk2", EntityKind.INDIVIDUAL, (ListedName("Au-Yeung Mei-ling", NameKind.PRIMARY),)),
)
SCREENER = RapidfuzzSanctionsScreener(Watchlist((*ENTRIES, *unrelated_entries()),
                                                ModelProvenance("test-lists", "1", "0" * 64)))


def levels(name: str) -> dict[str, MatchLevel]:
    return {h.entry_id: h.level for h in SCREENER.screen(ScreeningQuery(name)).hits}


def test_taibun_gives_every_reading_of_a_character_without_tones() -> None:
    assert tailo_readings("庆") == ["khing"]
    assert tailo_readings("鶴") == ["hoh", "hok"]
    assert tailo_readings("鹤") == ["hoh", "hok"]  # simplified characters through its traditional table
    assert tailo_readings("A") == []


def test_poj_spells_tailo_by_the_church_romanisation() -> None:
    pairs = {"tshing": "chheng", "tsi": "chi", "kuan": "koan", "ngoo": "ngo", "siunn": "siu", "sik": "sek"}
    assert {t: poj(t) for t in pairs} == pairs


def test_straits_spelling_follows_the_singapore_and_malaysia_simplifications_of_poj() -> None:
    pairs = {"khing": "keng", "sui": "swee", "hian": "hean", "kiat": "keat", "bun": "boon", "uan": "wan",
             "iam": "yam", "tsi": "chee", "siau": "seow", "siu": "siew", "khu": "koo", "tshua": "chua",
             "goo": "goh", "tsing": "cheng"}
    assert {t: straits(t) for t in pairs} == pairs


def test_a_given_name_of_two_characters_is_spelled_in_poj_and_straits_by_its_first_readings() -> None:
    assert hokkien_givens("庆炎") == ["khengiam", "kengyam"]
    assert hokkien_givens("鶴年") == ["hohlian", "hohlean"]  # 鶴 hoh before hok, 年 liân before nî
    assert hokkien_givens("庆A") == []
    assert hokkien_givens("坤") == []  # one syllable meets too many listed names by chance


def test_singapore_and_taiwan_hokkien_spellings_find_their_listing_as_near_hits_only() -> None:
    assert levels("陈志贤").get("sg1") is MatchLevel.NEAR_HIT
    assert levels("林瑞杰").get("my1") is MatchLevel.NEAR_HIT
    assert levels("蕭美琴").get("tw1") is MatchLevel.NEAR_HIT


def test_other_given_names_with_the_same_family_names_find_none_of_them() -> None:
    assert "sg1" not in levels("陈国华")
    assert "my1" not in levels("林美玲")
    assert "tw1" not in levels("蕭國強")


def test_two_family_names_are_read_as_two_words_too() -> None:
    assert "lam cheng meiling" in latin_readings("林鄭美玲")
    assert "au yeung meiling" in latin_readings("歐陽美玲")
    assert levels("林鄭美玲").get("hk1") is MatchLevel.NEAR_HIT
    assert levels("歐陽美玲").get("hk2") is MatchLevel.NEAR_HIT
    assert "hk1" not in levels("林美玲") and "hk2" not in levels("歐陽國強")


@pytest.mark.parametrize("listed", ["Chiang Ching-kuo", "Chiang Chingkuo", "Chiang Ching Kuo", "Ching-kuo Chiang"])
def test_a_wade_giles_given_name_is_found_hyphenated_joined_or_split(listed: str) -> None:
    entries = (WatchlistEntry("TEST", "wg1", EntityKind.INDIVIDUAL, (ListedName(listed, NameKind.PRIMARY),)),)
    screener = RapidfuzzSanctionsScreener(Watchlist((*entries, *unrelated_entries()),
                                                    ModelProvenance("test-lists", "1", "0" * 64)))
    assert {h.entry_id: h.level for h in screener.screen(ScreeningQuery("蔣經國")).hits} == {"wg1": MatchLevel.NEAR_HIT}
    assert screener.screen(ScreeningQuery("蔣介石")).hits == ()

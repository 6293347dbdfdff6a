"""Latin readings of Han and kanji names by the conventions their bearers use: Wade-Giles, Hong Kong
Cantonese, Japanese passport Hepburn; what they find stays a near-hit."""

from __future__ import annotations

import pytest

from domain.checks import ModelProvenance
from domain.ports.screening import EntityKind, ListedName, NameKind, ScreeningQuery, Watchlist, WatchlistEntry
from domain.screening_rules import MatchLevel
from ml.screening.chinese_surnames import surname_spellings
from ml.screening.macau import macau
from ml.screening.readings import hong_kong, japanese_reading, japanese_readings, latin_readings, wade_giles
from ml.screening.screener import RapidfuzzSanctionsScreener
from tests.unit.screening.support import unrelated_entries

pytestmark = pytest.mark.unit

ENTRIES = (
    WatchlistEntry("TEST", "tw1", EntityKind.INDIVIDUAL, (ListedName("Tsai Ing-wen", NameKind.PRIMARY),)),
    WatchlistEntry("TEST", "hk1", EntityKind.INDIVIDUAL, (ListedName("Li Ka-shing", NameKind.PRIMARY),)),
    WatchlistEntry("TEST", "jp1", EntityKind.INDIVIDUAL, (ListedName("ABE Shinzo", NameKind.PRIMARY),)),
    WatchlistEntry("TEST", "sg1", EntityKind.INDIVIDUAL, (ListedName("Tan Chien-ming", NameKind.PRIMARY),)),
)
SCREENER = RapidfuzzSanctionsScreener(Watchlist((*ENTRIES, *unrelated_entries()),
                                                ModelProvenance("test-lists", "1", "0" * 64)))


def levels(name: str) -> dict[str, MatchLevel]:
    return {h.entry_id: h.level for h in SCREENER.screen(ScreeningQuery(name)).hits}


def test_wade_giles_follows_the_pinyin_correspondence_table() -> None:
    pairs = {"jing": "ching", "guo": "kuo", "zhi": "chih", "xi": "hsi", "zhou": "chou", "duo": "to",
             "dong": "tung", "ze": "tse", "si": "ssu", "cai": "tsai", "qian": "chien", "ye": "yeh", "ge": "ko"}
    assert {p: wade_giles(p) for p in pairs} == pairs


def test_hong_kong_spelling_follows_the_government_romanisation_of_jyutping() -> None:
    pairs = {"loeng4": "leung", "sing4": "shing", "gaa1": "ka", "kyun4": "kuen", "seoi2": "shui", "zi1": "chi",
             "jing1": "ying", "wong4": "wong", "si1": "sze", "gwok3": "kwok"}
    assert {j: hong_kong(j) for j in pairs} == pairs


def test_a_traditional_han_name_gets_pinyin_wade_giles_and_cantonese_readings() -> None:
    readings = latin_readings("李嘉誠")
    assert readings[:3] == ["li jiacheng", "li chiacheng", "lei kashing"]


def test_a_kanji_name_gets_its_japanese_reading_and_a_chinese_name_none() -> None:
    assert japanese_reading("安倍晋三") == "abe shinzo"
    assert japanese_reading("王伟") is None  # the dictionary knows no person's name in it


def test_wade_giles_cantonese_and_kanji_names_find_their_listing_as_near_hits_only() -> None:
    assert levels("蔡英文") == {"tw1": MatchLevel.NEAR_HIT}
    assert levels("李嘉誠") == {"hk1": MatchLevel.NEAR_HIT}
    assert levels("安倍晋三") == {"jp1": MatchLevel.NEAR_HIT}


def test_another_han_name_finds_none_of_them() -> None:
    assert levels("王伟") == levels("梁振英") == levels("岸田文雄") == {}


def test_a_family_name_takes_its_spellings_in_the_other_chinese_languages() -> None:
    assert surname_spellings("陳") == surname_spellings("陈") == ("chen", "chan", "tan", "chin", "chun")
    assert {"ng", "wee", "oei"} <= set(surname_spellings("黃"))
    assert surname_spellings("歐陽") == ()
    readings = latin_readings("陳建明")
    assert {"tan jianming", "tan chienming", "chan kinming"} <= set(readings)


def test_a_hokkien_family_name_with_a_wade_giles_given_name_is_a_near_hit_and_only_for_that_surname() -> None:
    assert levels("陳建明") == {"sg1": MatchLevel.NEAR_HIT}
    assert "sg1" not in levels("林建明")  # Lin / Lam / Lim is not Tan
    assert "sg1" not in levels("陳家豪")  # same family name, another given name


def test_a_kanji_name_word_is_also_read_by_its_next_name_reading_of_the_same_kind() -> None:
    assert "kishida fumio" in japanese_readings("岸田文雄")
    assert "suga yoshihide" in japanese_readings("菅義偉")  # 菅 as a family name: Kan, then Suga
    assert japanese_readings("王伟") == []  # still no reading where the dictionary knows no name
    assert levels("岸田文雄") == {}  # a reading finds only its own listing: Abe is not Kishida


def test_macau_spelling_follows_its_portuguese_based_romanisation_of_jyutping() -> None:
    pairs = {"jat1": "iat", "sing4": "seng", "siu2": "sio", "loeng4": "leong", "zeon3": "chon", "hou6": "hou",
             "ceoi1": "chui", "dak6": "tac", "gwok3": "kuoc", "jip6": "ip", "wong4": "wong"}
    assert {j: macau(j) for j in pairs} == pairs


def test_a_han_name_gets_its_macau_reading() -> None:
    assert "ho iatseng" in latin_readings("賀一誠")


def test_a_macau_spelled_listing_is_found_as_a_near_hit_and_another_given_name_is_not() -> None:
    listed = WatchlistEntry("TEST", "mo1", EntityKind.INDIVIDUAL, (ListedName("Ho Iat Seng", NameKind.PRIMARY),))
    screener = RapidfuzzSanctionsScreener(Watchlist((listed, *unrelated_entries()),
                                                    ModelProvenance("test-lists", "1", "0" * 64)))
    found = {name: {h.entry_id: h.level for h in screener.screen(ScreeningQuery(name)).hits}
             for name in ("賀一誠", "賀家豪")}
    assert found == {"賀一誠": {"mo1": MatchLevel.NEAR_HIT}, "賀家豪": {}}

"""Korean names written in hanja are read as Korean (``ml.screening.sino_korean``) and meet the lists'
McCune-Reischauer and South Korean spellings on the Hangul path, at most as a near-hit and only when
their parts single out the entry, counting every reading tried (``ml.screening.evidence``)."""

from __future__ import annotations

import pytest

from domain.checks import ModelProvenance
from domain.ports.screening import EntityKind, ListedName, NameKind, ScreeningQuery, Watchlist, WatchlistEntry
from domain.screening_rules import MatchLevel
from ml.screening.romanise import korean_key
from ml.screening.screener import RapidfuzzSanctionsScreener
from ml.screening.sino_korean import initial_sound_rule, korean_readings
from tests.unit.screening.support import unrelated_entries

pytestmark = pytest.mark.unit

# Korean names that share the syllables "Kim", "Yong" and "Chol" as the lists' DPRK entries do.
SHARED = (*(f"{family} {first} {second}" for family in ("Ri", "Pak", "Choe", "Jo", "Kang", "Han", "Yun", "Ju")
            for first, second in (("Yong", "Il"), ("Song", "Chol"), ("Yong", "Nam"))),
          *(f"Kim {first} Chol" for first in ("Song", "Kwang", "Chang", "Myong", "Tong", "Hyok")), "Kim Chol")
ENTRIES = (
    WatchlistEntry("UN", "kp1", EntityKind.INDIVIDUAL, (ListedName("KIM YONG CHOL", NameKind.PRIMARY),),
                   nationalities=("PRK",)),
    WatchlistEntry("UN", "kp2", EntityKind.INDIVIDUAL, (ListedName("RI SU YONG", NameKind.PRIMARY),)),
    WatchlistEntry("TEST", "kr1", EntityKind.INDIVIDUAL, (ListedName("Roh Moo-hyun", NameKind.PRIMARY),)),
    *(WatchlistEntry("UN", f"s{i}", EntityKind.INDIVIDUAL, (ListedName(n, NameKind.PRIMARY),))
      for i, n in enumerate(SHARED)),
)
SCREENER = RapidfuzzSanctionsScreener(Watchlist((*ENTRIES, *unrelated_entries()),
                                                ModelProvenance("test-lists", "1", "0" * 64)))


def flagged(name: str, **identifiers: object) -> dict[str, MatchLevel]:
    hits = SCREENER.screen(ScreeningQuery(name, **identifiers)).hits  # type: ignore[arg-type]
    return {h.entry_id: h.level for h in hits if h.level is not MatchLevel.CLEARED}


def test_kim_as_a_family_name_is_not_read_kum() -> None:
    # 金 is 금 ("gold") by its dictionary sound, 김 as a family name; in a given name it stays 금.
    assert korean_readings("金英哲") == ["김 영철"]
    assert korean_readings("朴金哲") == ["박 금철"]


def test_the_initial_sound_rule_gives_the_south_korean_spelling_beside_the_north_korean_one() -> None:
    assert [initial_sound_rule(s) for s in "리로류녀라김"] == list("이노유여나김")
    assert korean_readings("李洙墉") == ["리 수용", "이 수용"]
    assert korean_readings("盧武鉉") == ["로 무현", "노 무현"]
    assert korean_readings("崔龍海") == ["최 룡해", "최 용해"]  # the given name starts a word too


def test_only_a_name_of_two_to_four_han_characters_is_read_as_korean() -> None:
    assert korean_readings("金") == []
    assert korean_readings("金 Jong") == []
    assert korean_readings("김정은") == []
    assert korean_readings("南宮玉分") == ["남궁 옥분"]  # a two-character family name


def test_a_korean_name_in_hanja_finds_its_mccune_reischauer_listing_as_a_near_hit() -> None:
    assert flagged("金英哲") == {"kp1": MatchLevel.NEAR_HIT}
    assert flagged("李洙墉") == {"kp2": MatchLevel.NEAR_HIT}


def test_a_korean_name_in_hanja_finds_its_south_korean_spelling() -> None:
    assert flagged("盧武鉉") == {"kr1": MatchLevel.NEAR_HIT}


def test_a_disagreeing_nationality_clears_a_hanja_match() -> None:
    assert flagged("金英哲", nationality="PRK") == {"kp1": MatchLevel.NEAR_HIT}
    assert flagged("金英哲", nationality="CHN") == {}


def test_a_hanja_name_of_parts_shared_by_many_listed_names_is_not_flagged() -> None:
    # 金哲 reads 김 철, "Kim Chol" exactly, but both parts are in several listed names and it was compared
    # in several readings: no evidence of that one entry. Written in Hangul, it is no guess at a
    # reading, and the Hangul path finds the listing.
    assert korean_readings("金哲") == ["김 철"]
    assert flagged("金哲") == {}
    assert flagged("김철") == {f"s{len(SHARED) - 1}": MatchLevel.NEAR_HIT}


def test_korean_keys_fold_the_dprk_aspirates_and_the_spoken_hui() -> None:
    # The DPRK writes MR's t' as "th" ("Jang Song Thaek"); 희 (MR "hui") is spelled "hee" or "hi".
    assert korean_key("thaek") == korean_key("taek") and korean_key("phyong") == korean_key("pyong")
    assert korean_key("hui") == korean_key("hee") == korean_key("hi")
    assert korean_key("ui") != korean_key("i")  # 의 alone keeps its vowel

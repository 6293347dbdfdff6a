"""Cross-script screening: consonant keys for Arabic/Hebrew/Thai, Hangul and Han/kana readings, and
the cap that keeps a cross-script match at a near-hit."""

from __future__ import annotations

import pytest

from domain.checks import ModelProvenance
from domain.ports.screening import (
    EntityKind,
    ListedName,
    NameKind,
    ScreeningQuery,
    Watchlist,
    WatchlistEntry,
    screening_check_result,
)
from domain.screening_rules import MatchLevel
from ml.screening.consonants import consonant_name
from ml.screening.cross_script import MIN_ABJAD_LETTERS, EnoughLetters
from ml.screening.romanise import kana_reading, korean_key, latin_reading
from ml.screening.screener import RapidfuzzSanctionsScreener
from tests.unit.screening.support import unrelated_entries

pytestmark = pytest.mark.unit

PRIMARY = NameKind.PRIMARY
ENTRIES = (
    WatchlistEntry("UN", "IQi.001", EntityKind.INDIVIDUAL, (ListedName("SADDAM HUSSEIN AL-TIKRITI", PRIMARY),),
                   nationalities=("IRQ",)),
    WatchlistEntry("UN", "QDi.001", EntityKind.INDIVIDUAL,
                   (ListedName("ABDUL RAHMAN YASIN", PRIMARY),
                    ListedName("عبد الرحمن ياسين", NameKind.ALIAS, "original script"))),
    WatchlistEntry("UN", "KPi.002", EntityKind.INDIVIDUAL, (ListedName("RI JE-SON", PRIMARY),)),
    WatchlistEntry("TEST", "zh1", EntityKind.INDIVIDUAL, (ListedName("XI Jinping", PRIMARY),)),
    WatchlistEntry("TEST", "ja1", EntityKind.INDIVIDUAL, (ListedName("ASAHARA Shoko", PRIMARY),)),
    WatchlistEntry("TEST", "he1", EntityKind.INDIVIDUAL, (ListedName("Yitzhak Rabin", PRIMARY),)),
)
# A list of a real list's size: the rarity rule (``ml.screening.evidence``) weighs a name part by how few
# entries share it, which six entries cannot tell (one more reading of a Han name tipped 习近平 over).
LISTS = Watchlist((*ENTRIES, *unrelated_entries()), ModelProvenance("test-lists", "1", "0" * 64))
SCREENER = RapidfuzzSanctionsScreener(LISTS)
SPELLED_ONLY = RapidfuzzSanctionsScreener(LISTS, cross_script=False)


def levels(screener: RapidfuzzSanctionsScreener, name: str, **kwargs: object) -> dict[str, MatchLevel]:
    query = ScreeningQuery(name, **kwargs)  # type: ignore[arg-type]
    return {h.entry_id: h.level for h in screener.screen(query).hits}


def test_consonant_keys_of_arabic_and_latin_spellings_agree() -> None:
    assert consonant_name("صدام حسين التكريتي").tokens == consonant_name("SADDAM HUSSEIN AL-TIKRITI").tokens
    assert consonant_name("عبد الله").tokens == consonant_name("Abdullah").tokens == consonant_name("Abd Allah").tokens
    assert consonant_name("عبد الرحمن").tokens == consonant_name("Abdulrahman").tokens
    assert consonant_name("علي").tokens != consonant_name("عبد الله").tokens  # Ali is not Allah


def test_readings_follow_the_conventions_lists_use() -> None:
    assert latin_reading("리제선") == "ri je son"
    assert latin_reading("习近平") == "xi jinping"
    assert kana_reading("ショウコウ") == "shoko"
    assert [korean_key(t) for t in ("jeong", "eun")] == [korean_key(t) for t in ("jong", "un")]


def test_an_arabic_script_name_finds_the_latin_listing_as_a_near_hit_only() -> None:
    assert levels(SPELLED_ONLY, "صدام حسين التكريتي") == {}
    assert levels(SCREENER, "صدام حسين التكريتي") == {"IQi.001": MatchLevel.NEAR_HIT}


def test_the_lists_own_original_script_alias_still_hits_in_full() -> None:
    assert levels(SCREENER, "عبد الرحمن ياسين")["QDi.001"] is MatchLevel.HIT


def test_hangul_han_kana_and_hebrew_names_find_their_latin_listings() -> None:
    assert levels(SCREENER, "리제선") == {"KPi.002": MatchLevel.NEAR_HIT}
    assert levels(SCREENER, "习近平") == {"zh1": MatchLevel.NEAR_HIT}
    assert levels(SCREENER, "あさはら しょうこう") == {"ja1": MatchLevel.NEAR_HIT}
    assert levels(SCREENER, "יצחק רבין") == {"he1": MatchLevel.NEAR_HIT}
    assert levels(SPELLED_ONLY, "리제선") == levels(SPELLED_ONLY, "יצחק רבין") == {}


def test_a_disagreeing_nationality_clears_a_cross_script_match() -> None:
    assert levels(SCREENER, "صدام حسين التكريتي", nationality="EGY") == {"IQi.001": MatchLevel.CLEARED}


def test_short_or_partial_cross_script_matches_are_not_flagged() -> None:
    # Two common short names of a four-name listing say too little, and so does one Korean syllable.
    assert levels(SCREENER, "حسين كريم") == {}
    assert levels(SCREENER, "리철") == {}


def test_the_check_result_says_which_path_matched() -> None:
    hits = screening_check_result(SCREENER.screen(ScreeningQuery("리제선"))).details["hits"]
    assert [h["via"] for h in hits] == ["hangul"]
    spelled = screening_check_result(SCREENER.screen(ScreeningQuery("Ri Je Son"))).details["hits"]
    assert "via" not in spelled[0]


def test_a_name_in_another_script_meets_latin_names_only_through_its_own_path() -> None:
    # Folded letter by letter, "ري جي سن" would be "ry jy sn"; it must not find "RI JE-SON" that way.
    result = SCREENER.screen(ScreeningQuery("حسين"))
    assert all(h.via != "spelled" or not h.matched_name.text.isascii() for h in result.hits)


def test_korean_syllables_must_all_agree() -> None:
    assert levels(SCREENER, "리제순") == {"KPi.002": MatchLevel.NEAR_HIT}  # "sun" for "son", as in "Suk"
    assert levels(SCREENER, "리제혁") == {}


def test_a_persian_compound_pairs_only_the_letters_it_shares_with_a_listed_name() -> None:
    enough = EnoughLetters(MIN_ABJAD_LETTERS)
    # "Mohammadreza" written as one word pairs with "Mohammed" by four letters: not enough.
    assert not enough(consonant_name("محمدرضا پویان"), consonant_name("Army of Mohammed"))
    assert enough(consonant_name("صدام حسين التكريتي"), consonant_name("SADDAM HUSSEIN AL-TIKRITI"))

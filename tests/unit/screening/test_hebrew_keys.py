"""Hebrew consonant keys fold what Hebrew letters and their Latin spellings do not tell apart
(b/v, h/ch/kh/k, s/ts/tz/z, p/f, geresh letters), and nothing more."""

from __future__ import annotations

import pytest

from domain.checks import ModelProvenance
from domain.ports.screening import EntityKind, ListedName, NameKind, ScreeningQuery, Watchlist, WatchlistEntry
from domain.screening_rules import MatchLevel
from ml.screening.cross_script import hebrew_name
from ml.screening.hebrew import hebrew_word_key, hebrew_word_keys, latin_word_key
from ml.screening.screener import RapidfuzzSanctionsScreener
from tests.unit.screening.support import unrelated_entries

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("hebrew", "latin"), [
    ("ראובן", "reuven"),  # ב written "v"
    ("חיים", "chaim"),  # ח written "ch"
    ("מנחם", "menachem"),
    ("ברוך", "baruch"),  # final ך written "ch"
    ("משה", "moshe"),  # final ה a vowel letter
    ("ג'ורג'", "george"),  # ג' is "j"
    ("קצב", "katsav"),
])
def test_a_hebrew_word_and_its_usual_latin_spelling_share_a_key(hebrew: str, latin: str) -> None:
    assert hebrew_word_key(hebrew) == latin_word_key(latin)


def test_letters_hebrew_does_tell_apart_keep_apart() -> None:
    assert hebrew_word_key("רבין") != latin_word_key("rabim")  # n is not m
    assert latin_word_key("levin") != latin_word_key("lemin")  # b/v is not m
    assert hebrew_word_key("דן") != hebrew_word_key("תן")  # d is not t
    assert hebrew_word_key("גולדה") == "jld"  # a vav between consonants is a vowel, not "v"


ENTRIES = (WatchlistEntry("TEST", "he1", EntityKind.INDIVIDUAL, (ListedName("Reuven Rivlin", NameKind.PRIMARY),)),)
SCREENER = RapidfuzzSanctionsScreener(Watchlist(ENTRIES, ModelProvenance("test-lists", "1", "0" * 64)))


def test_a_hebrew_name_finds_its_latin_listing_as_a_near_hit_and_a_different_name_does_not() -> None:
    assert hebrew_name("ראובן ריבלין").tokens == hebrew_name("Reuven Rivlin").tokens
    assert {h.entry_id: h.level for h in SCREENER.screen(ScreeningQuery("ראובן ריבלין")).hits} == {
        "he1": MatchLevel.NEAR_HIT}
    assert SCREENER.screen(ScreeningQuery("ראובן כהן")).hits == ()


def test_a_vav_inside_a_word_is_read_both_as_a_vowel_and_as_v() -> None:
    assert hebrew_word_keys("דוד") == ["d", latin_word_key("david")]  # repeated letters fold
    assert hebrew_word_keys("לוי")[1] == latin_word_key("levi")
    assert hebrew_word_keys("משה") == ["ms"]  # no vav: one key
    assert hebrew_word_keys("גולדה")[0] == latin_word_key("golda")  # the vowel reading stays first
    assert latin_word_key("weizmann") == latin_word_key("veizman") == hebrew_word_key("ויצמן")  # Yiddish "w"


def test_the_v_reading_of_a_vav_finds_its_listing_but_not_another_name() -> None:
    # Among other listed names: a match must single out its entry (``ml.screening.evidence``), which no
    # name part can in a list of one entry.
    screener = RapidfuzzSanctionsScreener(Watchlist(
        (WatchlistEntry("TEST", "he2", EntityKind.INDIVIDUAL, (ListedName("David Ben-Gurion", NameKind.PRIMARY),)),
         *unrelated_entries()),
        ModelProvenance("test-lists", "1", "0" * 64)))
    assert {h.entry_id: h.level for h in screener.screen(ScreeningQuery("דוד בן גוריון")).hits} == {
        "he2": MatchLevel.NEAR_HIT}
    assert screener.screen(ScreeningQuery("דוד כהן")).hits == ()

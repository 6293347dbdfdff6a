"""Hebrew consonant keys fold what Hebrew letters and their Latin spellings do not tell apart
(b/v, h/ch/kh/k, s/ts/tz/z, p/f, geresh letters), and nothing more."""

from __future__ import annotations

import pytest

from domain.checks import ModelProvenance
from domain.ports.screening import EntityKind, ListedName, NameKind, ScreeningQuery, Watchlist, WatchlistEntry
from domain.screening_rules import MatchLevel
from ml.screening.cross_script import hebrew_name
from ml.screening.hebrew import hebrew_word_key, latin_word_key
from ml.screening.screener import RapidfuzzSanctionsScreener

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

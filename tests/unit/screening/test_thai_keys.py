"""Thai consonant keys fold what RTGS and letter-by-letter personal spellings write differently, drop
letters that are not sounded, and keep a Thai name's match against a Latin name at a near-hit."""

from __future__ import annotations

import pytest

from domain.checks import ModelProvenance
from domain.ports.screening import EntityKind, ListedName, NameKind, ScreeningQuery, Watchlist, WatchlistEntry
from domain.screening_rules import MatchLevel
from ml.screening.screener import RapidfuzzSanctionsScreener
from ml.screening.thai import latin_word_key, thai_word_key

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("thai", "latin"), [
    ("ชินวัตร", "shinawatra"),  # letter by letter: ช written "sh"
    ("ทักษิณ", "thaksin"),  # ท written "th", ษ "s", final ณ "n"
    ("อภิสิทธิ์", "abhisit"),  # ธิ under the thanthakhat is not sounded
    ("หลีกภัย", "leekpai"),  # ห before a sonorant is not sounded; ภ written "p"
    ("ชาญวีรกูล", "charnvirakul"),  # "ar" marks a long vowel
    ("สุวรรณ", "suwan"),  # รร writes a vowel
])
def test_a_thai_word_and_its_latin_spelling_share_a_key(thai: str, latin: str) -> None:
    assert thai_word_key(thai) == latin_word_key(latin)


def test_sounds_thai_does_tell_apart_keep_apart() -> None:
    assert thai_word_key("มานะ") != thai_word_key("นานะ")  # m is not n
    assert latin_word_key("somchai") != latin_word_key("somkai")  # ch/s is not k


def test_a_thai_name_meets_a_latin_listing_at_most_as_a_near_hit() -> None:
    entries = (WatchlistEntry("TEST", "th1", EntityKind.INDIVIDUAL,
                              (ListedName("Thaksin Shinawatra", NameKind.PRIMARY),)),)
    screener = RapidfuzzSanctionsScreener(Watchlist(entries, ModelProvenance("test-lists", "1", "0" * 64)))
    found = {h.entry_id: h.level for h in screener.screen(ScreeningQuery("ทักษิณ ชินวัตร")).hits}
    assert found == {"th1": MatchLevel.NEAR_HIT}
    assert screener.screen(ScreeningQuery("สมชาย ใจดี")).hits == ()

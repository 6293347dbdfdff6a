"""Thai consonant keys fold what RTGS and letter-by-letter personal spellings write differently, drop
letters that are not sounded, and keep a Thai name's match against a Latin name at a near-hit."""

from __future__ import annotations

import pytest

from domain.checks import ModelProvenance
from domain.ports.screening import EntityKind, ListedName, NameKind, ScreeningQuery, Watchlist, WatchlistEntry
from domain.screening_rules import MatchLevel
from ml.screening.screener import RapidfuzzSanctionsScreener
from ml.screening.thai import latin_word_key, thai_word_key, thai_word_keys

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


@pytest.mark.parametrize(("thai", "latin"), [
    ("ลักษณ์", "luck"),  # ษ before ณ under the thanthakhat: a silent final cluster
    ("จันทร์", "chan"),  # ทร์ likewise
    ("ธรรม", "tham"),  # รร before a closing consonant is "a"
])
def test_silent_final_clusters_and_ro_han_follow_thai_spelling_rules(thai: str, latin: str) -> None:
    assert thai_word_key(thai) == latin_word_key(latin)


@pytest.mark.parametrize(("thai", "letter_by_letter", "rtgs"), [
    ("ชินวัตร", "shinawatra", "chinnawat"),  # final ร after a consonant is silent in RTGS
    ("สมัคร", "samakhara", "samak"),
    ("บรรหาร", "banhara", "banharn"),  # รร before an opening consonant is "an"; a closing ร sounds "n"
    ("สวัสดิ์", "sawas", "sawat"),  # a closing s-class letter sounds "t"
    ("เศรษฐา", "sreshtha", "srettha"),  # an s-class letter before a t-class one closes its syllable as "t"
])
def test_a_word_keeps_its_letter_by_letter_key_and_gains_its_rtgs_final_sound_key(
    thai: str, letter_by_letter: str, rtgs: str,
) -> None:
    keys = thai_word_keys(thai)
    assert (keys[0], keys[-1]) == (latin_word_key(letter_by_letter), latin_word_key(rtgs))


@pytest.mark.parametrize(("thai", "personal"), [
    ("อานันท์", "anand"),  # the letter under the thanthakhat written all the same
    ("ศักดิ์", "sakdi"),
])
def test_a_word_with_a_thanthakhat_also_gets_the_key_that_keeps_its_letter(thai: str, personal: str) -> None:
    keys = thai_word_keys(thai)
    assert latin_word_key(personal) in keys[1:-1]
    assert keys[0] != latin_word_key(personal)  # the letter-by-letter key leaves it out


def test_ng_before_a_silent_letter_closes_its_syllable() -> None:
    assert thai_word_key("อนุพงษ์") == latin_word_key("anupong")  # not a silent cluster like ลักษณ์
    assert thai_word_key("ลักษณ์") == latin_word_key("lak")


@pytest.mark.parametrize(("thai", "rtgs", "not_rtgs"), [
    ("พิศสุวรรณ", "phitsuwan", "phisuwan"),  # ศ before ส closes its syllable as "t"
    ("จตุพร", "chatupho", "tupho"),  # a word's first letter opens its syllable: จ is not a final "t"
])
def test_an_s_class_letter_closes_its_syllable_before_another_unless_it_opens_the_word(
    thai: str, rtgs: str, not_rtgs: str,
) -> None:
    sounded = thai_word_key(thai, final_sounds=True)
    assert sounded == latin_word_key(rtgs)
    assert sounded != latin_word_key(not_rtgs)


def test_a_word_with_a_vowel_before_its_cluster_keeps_its_letters() -> None:
    assert thai_word_keys("วงศ์")[0] == latin_word_key("wong")  # ง opens no cluster: only ศ์ is silent
    assert thai_word_keys("ศิลปอาชา") == [latin_word_key("silpaarcha")]  # ชา ends in a vowel: no final sound
    assert thai_word_key("สมัคร", final_sounds=True) != latin_word_key("samat")  # k is not t


def test_an_rtgs_reading_finds_its_listing_as_a_near_hit_and_another_name_does_not() -> None:
    entries = (WatchlistEntry("TEST", "th2", EntityKind.INDIVIDUAL,
                              (ListedName("Somchai Wongsawat", NameKind.PRIMARY),)),)
    screener = RapidfuzzSanctionsScreener(Watchlist(entries, ModelProvenance("test-lists", "1", "0" * 64)))
    found = {h.entry_id: h.level for h in screener.screen(ScreeningQuery("สมชาย วงศ์สวัสดิ์")).hits}
    assert found == {"th2": MatchLevel.NEAR_HIT}
    assert screener.screen(ScreeningQuery("สมชาย วงศ์ใหญ่")).hits == ()


def test_a_name_spelled_by_rtgs_in_every_word_finds_its_listing() -> None:
    entries = (WatchlistEntry("TEST", "th3", EntityKind.INDIVIDUAL, (ListedName("Sarit Thanarat", NameKind.PRIMARY),)),)
    screener = RapidfuzzSanctionsScreener(Watchlist(entries, ModelProvenance("test-lists", "1", "0" * 64)))
    found = {h.entry_id: h.level for h in screener.screen(ScreeningQuery("สฤษดิ์ ธนะรัชต์")).hits}
    assert found == {"th3": MatchLevel.NEAR_HIT}
    assert screener.screen(ScreeningQuery("สฤษดิ์ ใจดี")).hits == ()

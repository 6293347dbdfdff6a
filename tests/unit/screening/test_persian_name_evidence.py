"""Ordinary Persian names against listed ones: a match of a name without short vowels rests on two rare
enough parts, a compound given name is no evidence of its first part on consonant keys either, a part
continued by a suffix carries only what it shares, and the letters Persian reads otherwise than Arabic
(پ, ث) get their own keys (``ml.screening.evidence``, ``ml.screening.consonants``)."""

from __future__ import annotations

import pytest

from domain.checks import ModelProvenance
from domain.ports.screening import EntityKind, ListedName, NameKind, ScreeningQuery, Watchlist, WatchlistEntry
from domain.screening_rules import MatchLevel
from ml.screening.consonants import consonant_name, consonant_names
from ml.screening.evidence import KEY_COMPOUND_TAIL, carried_bits, is_compound_of, part_bits
from ml.screening.screener import RapidfuzzSanctionsScreener
from tests.unit.screening.support import unrelated_entries

pytestmark = pytest.mark.unit


def _entry(number: int, *names: str) -> WatchlistEntry:
    kinds = (NameKind.PRIMARY, *(NameKind.ALIAS for _ in names[1:]))
    return WatchlistEntry("UN", f"IRi.{number}", EntityKind.INDIVIDUAL,
                          tuple(ListedName(n, kind) for n, kind in zip(names, kinds, strict=True)))


# "Mohammad" and "Noor" are in the names of many entries; "Rasul", "Karim", "Saqib", "Nourani" in one each.
COMMON = tuple(_entry(i, f"Mohammad {last} Noor") for i, last in enumerate(
    ("Hashemi", "Bagheri", "Rahimi", "Ghorbani", "Moradi", "Rostami", "Akbari", "Naderi")))
SCREENER = RapidfuzzSanctionsScreener(Watchlist((
    *unrelated_entries(), *COMMON,
    _entry(20, "Mohammad Rasul Ayyub", "محمد رسول ایوب"), _entry(21, "Mohammad Karim"),
    _entry(22, "Noor Mohammad Saqib"), _entry(23, "Hossein Nourani"), _entry(24, "Omar Mahmoud Uthman"),
    _entry(25, "Fares Zubaidi"),
), ModelProvenance("test-lists", "1", "0" * 64)))
ABJAD = SCREENER.cross_script.abjad


def _flagged(name: str) -> set[str]:
    hits = SCREENER.screen(ScreeningQuery(name)).hits
    return {h.entry_id for h in hits if h.level is not MatchLevel.CLEARED}


def test_one_rare_part_with_a_loosely_similar_one_is_no_match() -> None:
    # "Mehdi Rasuli" against the list's own "محمد رسول ایوب": "rswly"/"rswl" pairs well, "mhdy"/"mhmd" only
    # loosely (0.87); "Rasul" is in one entry here (in two of the real lists'), but it is one part.
    assert _flagged("مهدی رسولی") == set()
    assert _flagged("محمد رسول ایوب") == {"IRi.20"}  # the listed person's own name is still found


def test_a_compound_given_name_is_no_evidence_of_its_first_part_on_keys() -> None:
    # Vowels are not written, so "Yasin", "Reza", "Javad" are two consonants: "mhmdsn" is Mohammad-Yasin.
    assert is_compound_of("mhmdsn", "mhmd", KEY_COMPOUND_TAIL)
    assert is_compound_of("mhmdrd", "mhmd", KEY_COMPOUND_TAIL)
    assert not is_compound_of("mnsrn", "mnsr", KEY_COMPOUND_TAIL)  # Mansourian: a suffix
    assert _flagged("محمدیاسین کریمی") == set()  # paired "mhmdsn"/"mhmd" and "krm"/"krm" before
    assert _flagged("محمد کریمی") == {"IRi.21"}  # "Mohammad Karimi": both parts pair


def test_a_part_continued_by_a_suffix_carries_only_what_the_two_share() -> None:
    # "Nouri" ("nr", common here) against "Nourani" ("nrn", in one entry): the pair shares "nr".
    nourani = consonant_name("Hossein Nourani")
    nouri = carried_bits(consonant_name("حسین نوری"), nourani, ABJAD, keys=True)
    assert nouri == pytest.approx(part_bits(ABJAD, "hsn") + part_bits(ABJAD, "nr"))
    assert nouri < carried_bits(consonant_name("حسین نورانی"), nourani, ABJAD, keys=True)


def test_persian_p_is_not_f() -> None:
    assert consonant_name("پارسا").tokens == consonant_name("Parsa").tokens
    assert consonant_name("پارسا").tokens != consonant_name("Fares").tokens
    assert consonant_name("Mustapha").tokens == consonant_name("Mustafa").tokens  # "ph" is still f
    assert _flagged("پارسا زبیدی") == set()  # "Parsa Zubaidi" is not "Fares Zubaidi"
    assert _flagged("فارس زبیدی") == {"IRi.25"}


def test_tha_is_read_as_s_too() -> None:
    assert [n.tokens for n in consonant_names("نور محمد ثاقب")] == [("nr", "mhmd", "tkb"), ("nr", "mhmd", "skb")]
    assert _flagged("نور محمد ثاقب") == {"IRi.22"}  # Saqib, as Urdu and Persian read ث
    assert _flagged("عمر محمود عثمان") == {"IRi.24"}  # Uthman, as Arabic reads it
    assert len(consonant_names("محمد کریمی")) == 1
    query, listed = consonant_name("نور محمد ثاقب"), consonant_name("Noor Mohammad Saqib")
    bits = carried_bits(consonant_names("نور محمد ثاقب")[1], listed, ABJAD, keys=True)
    assert bits > 0 and carried_bits(query, listed, ABJAD, keys=True) < bits

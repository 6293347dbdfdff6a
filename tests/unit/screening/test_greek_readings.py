"""Greek names read by ELOT 743 (the passport standard) and as spoken; what the readings find is a
near-hit at most, while the letter-by-letter spelling still hits as before."""

from __future__ import annotations

import pytest

from domain.checks import ModelProvenance
from domain.ports.screening import EntityKind, ListedName, NameKind, ScreeningQuery, Watchlist, WatchlistEntry
from domain.screening_rules import MatchLevel
from ml.screening.greek import greek_readings
from ml.screening.screener import RapidfuzzSanctionsScreener

pytestmark = pytest.mark.unit


def test_elot_743_digraphs_and_the_spoken_spelling() -> None:
    assert greek_readings("Ανδρέας Παπανδρέου") == ["andreas papandreou"]  # ου is "ou"
    assert greek_readings("Ευάγγελος") == ["evangelos"]  # ευ before a vowel is "ev", γγ is "ng"
    assert greek_readings("Ευθύμιος")[0] == "efthymios"  # ευ before a voiceless consonant is "ef"
    assert greek_readings("Γιάνης") == ["gianis", "yanis"]  # γι before a vowel is spoken "y"
    assert greek_readings("Μπακογιάννη") == ["bakogianni", "bakoyanni"]  # initial μπ is "b"


def test_a_spoken_spelling_is_found_as_a_near_hit_and_another_name_is_not() -> None:
    listed = (ListedName("Yanis Varoufakis", NameKind.PRIMARY),)
    entries = (WatchlistEntry("TEST", "gr1", EntityKind.INDIVIDUAL, listed),)
    screener = RapidfuzzSanctionsScreener(Watchlist(entries, ModelProvenance("test-lists", "1", "0" * 64)))
    assert {h.entry_id: h.level for h in screener.screen(ScreeningQuery("Γιάνης Βαρουφάκης")).hits} == {
        "gr1": MatchLevel.NEAR_HIT}
    assert screener.screen(ScreeningQuery("Γιώργος Παπαδόπουλος")).hits == ()

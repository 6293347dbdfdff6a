"""A name-only near-hit on a common name, or across scripts, asks for the birth date and nationality
instead of counting as a potential match; recorded results without that reason replay unchanged."""

from __future__ import annotations

import pytest

from domain.checks import CheckType, ModelProvenance, Outcome
from domain.ports.screening import (
    EntityKind,
    ListedName,
    NameKind,
    ScreeningQuery,
    Watchlist,
    WatchlistEntry,
    screening_check_result,
)
from domain.screening_rules import ListedBirthDate, MatchLevel, asks_for_more_data
from ml.screening.screener import RapidfuzzSanctionsScreener
from policies.document import DEFAULT_POLICY
from policies.evaluate import evaluate
from tests.unit.policies.builders import all_pass, inputs
from tests.unit.sessions.support import result

pytestmark = pytest.mark.unit

H, N, C = MatchLevel.HIT, MatchLevel.NEAR_HIT, MatchLevel.CLEARED


def _entry(number: int, name: str) -> WatchlistEntry:
    return WatchlistEntry("UN", f"QDi.{number}", EntityKind.INDIVIDUAL, (ListedName(name, NameKind.PRIMARY),),
                          birth_dates=(ListedBirthDate(1970, 1970),), nationalities=("IRQ",))


# "Mohammed", "Ali" and "Hassan" each appear in three or more entries; "Zubaidi" in one.
SCREENER = RapidfuzzSanctionsScreener(Watchlist((
    _entry(1, "Mohammed Ali Hassan Saleh"), _entry(2, "Mohammed Hassan Karim Jaber"),
    _entry(3, "Ali Mohammed Hassan Saleh"), _entry(4, "Mohammed Hamza Zubaidi Jaber"),
    _entry(5, "Ali Hassan Mohammed Karim"),
), ModelProvenance("test-lists", "1", "0" * 64)))


def test_the_rule_asks_only_for_name_only_near_hits_that_the_name_cannot_settle() -> None:
    assert asks_for_more_data((N, C), (False, True), identifiers_given=False)
    assert not asks_for_more_data((N, N), (False, True), identifiers_given=False)  # one near-hit stands alone
    assert not asks_for_more_data((H, N), (False, False), identifiers_given=False)  # a hit is never downgraded
    assert not asks_for_more_data((N,), (False,), identifiers_given=True)
    assert not asks_for_more_data((), (), identifiers_given=False)


def test_a_common_name_near_hit_asks_for_more_data_and_a_rare_one_does_not() -> None:
    common = SCREENER.screen(ScreeningQuery("Mohammed Hassan"))
    assert common.outcome is Outcome.UNCERTAIN and common.needs_more_data
    rare = SCREENER.screen(ScreeningQuery("Mohammed Zubaidi"))
    assert rare.outcome is Outcome.UNCERTAIN and not rare.needs_more_data


def test_given_identifiers_settle_it_either_way() -> None:
    assert not SCREENER.screen(ScreeningQuery("Mohammed Hassan", birth_year=1970, nationality="IRQ")).needs_more_data
    cleared = SCREENER.screen(ScreeningQuery("Mohammed Hassan", birth_year=1999, nationality="FRA"))
    assert cleared.outcome is Outcome.PASS


def test_a_cross_script_near_hit_asks_for_more_data() -> None:
    found = SCREENER.screen(ScreeningQuery("محمد حمزة الزبيدي"))
    assert [h.level for h in found.hits] == [MatchLevel.NEAR_HIT] and found.needs_more_data


def test_the_policy_gives_its_own_reason_and_old_results_keep_theirs() -> None:
    checks = ("ocr", "face_match", "liveness", "screening")
    asked = screening_check_result(SCREENER.screen(ScreeningQuery("Mohammed Hassan")))
    assert asked.reasons == ("sanctions_near_hit", "sanctions_needs_more_data")
    outcome = evaluate(DEFAULT_POLICY, inputs(*all_pass(), asked, checks=checks))
    assert "screening_needs_more_data" in outcome.reason_codes
    assert (outcome.decision.value, outcome.route.value) == ("review", "manual_review")
    recorded = result(CheckType.SCREENING, Outcome.UNCERTAIN, ("sanctions_near_hit",))  # as recorded before
    old = evaluate(DEFAULT_POLICY, inputs(*all_pass(), recorded, checks=checks))
    assert "screening_potential_match" in old.reason_codes and "screening_needs_more_data" not in old.reason_codes

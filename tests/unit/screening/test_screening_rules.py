"""Domain rules of screening: thresholds, birth date / nationality agreement, levels, outcome, mapping."""

from __future__ import annotations

import pytest

from domain.checks import CheckType, ModelProvenance, Outcome
from domain.errors import InvalidArgumentError
from domain.ports.screening import (
    EntityKind,
    ListedName,
    NameKind,
    ScreeningHit,
    ScreeningQuery,
    ScreeningQueryError,
    ScreeningResult,
    screening_check_result,
    screening_outcome,
)
from domain.screening_rules import (
    Agreement,
    ListedBirthDate,
    MatchLevel,
    ScreeningThresholds,
    birth_date_agreement,
    match_level,
    nationality_agreement,
)

pytestmark = pytest.mark.unit

T = ScreeningThresholds(hit=0.9, near=0.8)
U = Agreement.UNKNOWN


@pytest.mark.parametrize(("hit", "near"), [(0.8, 0.9), (1.1, 0.5), (0.9, 0.0)])
def test_thresholds_must_be_ordered_within_0_and_1(hit: float, near: float) -> None:
    with pytest.raises(InvalidArgumentError):
        ScreeningThresholds(hit=hit, near=near)


def test_birth_year_agreement_allows_one_year_on_exact_dates_and_three_on_approximate() -> None:
    exact = (ListedBirthDate(1970, 1970, 5, 1),)
    assert birth_date_agreement(1971, exact) is Agreement.MATCH
    assert birth_date_agreement(1972, exact) is Agreement.MISMATCH
    approx = (ListedBirthDate(1970, 1970, approximate=True),)
    assert birth_date_agreement(1973, approx) is Agreement.MATCH
    assert birth_date_agreement(1974, approx) is Agreement.MISMATCH


def test_birth_year_agreement_uses_ranges_and_any_of_several_dates() -> None:
    dates = (ListedBirthDate(1960, 1962), ListedBirthDate(1980, 1980))
    assert birth_date_agreement(1961, dates) is Agreement.MATCH
    assert birth_date_agreement(1981, dates) is Agreement.MATCH
    assert birth_date_agreement(1970, dates) is Agreement.MISMATCH
    assert birth_date_agreement(None, dates) is Agreement.UNKNOWN
    assert birth_date_agreement(1970, ()) is Agreement.UNKNOWN


def test_nationality_agreement_matches_any_listed_country() -> None:
    assert nationality_agreement("irq", ("SYR", "IRQ")) is Agreement.MATCH
    assert nationality_agreement("FRA", ("SYR", "IRQ")) is Agreement.MISMATCH
    assert nationality_agreement(None, ("SYR",)) is Agreement.UNKNOWN
    assert nationality_agreement("FRA", ()) is Agreement.UNKNOWN


def test_name_score_bands_give_hit_near_and_cleared() -> None:
    assert match_level(0.95, U, U, T) is MatchLevel.HIT
    assert match_level(0.85, U, U, T) is MatchLevel.NEAR_HIT
    assert match_level(0.79, U, U, T) is MatchLevel.CLEARED


def test_each_disagreeing_identifier_lowers_one_level_and_agreement_never_raises() -> None:
    assert match_level(0.95, Agreement.MISMATCH, U, T) is MatchLevel.NEAR_HIT
    assert match_level(0.95, Agreement.MISMATCH, Agreement.MISMATCH, T) is MatchLevel.CLEARED
    assert match_level(0.85, U, Agreement.MISMATCH, T) is MatchLevel.CLEARED
    assert match_level(0.85, Agreement.MATCH, Agreement.MATCH, T) is MatchLevel.NEAR_HIT


def test_a_weak_alias_is_at_most_a_near_hit() -> None:
    assert match_level(1.0, U, U, T, weak_alias=True) is MatchLevel.NEAR_HIT


def test_outcome_is_fail_on_any_hit_uncertain_on_near_hits_pass_otherwise() -> None:
    assert screening_outcome([MatchLevel.NEAR_HIT, MatchLevel.HIT]) is Outcome.FAIL
    assert screening_outcome([MatchLevel.CLEARED, MatchLevel.NEAR_HIT]) is Outcome.UNCERTAIN
    assert screening_outcome([MatchLevel.CLEARED]) is Outcome.PASS
    assert screening_outcome([]) is Outcome.PASS


def test_query_rejects_empty_names_and_non_alpha3_nationality() -> None:
    with pytest.raises(ScreeningQueryError):
        ScreeningQuery("  ")
    with pytest.raises(ScreeningQueryError):
        ScreeningQuery("Jane Roe", nationality="FR")
    assert "Jane" not in repr(ScreeningQuery("Jane Roe", birth_year=1980))


def test_check_result_carries_list_ids_and_scores_but_no_name() -> None:
    hit = ScreeningHit(
        list_name="UN", entry_id="QDi.001", entity_kind=EntityKind.INDIVIDUAL,
        matched_name=ListedName("Zzyzx Qwertyuiop", NameKind.ALIAS, "Good"), matched_name_index=2,
        name_score=0.97, birth_date=Agreement.MISMATCH, nationality=U, level=MatchLevel.NEAR_HIT,
    )
    result = ScreeningResult(hits=(hit,), thresholds=T, lists=ModelProvenance("lists", "v", "ab" * 32))
    check = screening_check_result(result)
    assert check.check is CheckType.SCREENING
    assert check.outcome is Outcome.UNCERTAIN
    assert check.reasons == ("sanctions_near_hit", "birth_date_mismatch_lowered_candidate")
    assert check.details["hits"] == [{
        "list": "UN", "entry_id": "QDi.001", "entity_kind": "individual", "name_kind": "alias",
        "name_index": 2, "name_score": 0.97, "birth_date": "mismatch", "nationality": "unknown",
        "level": "near_hit",
    }]
    assert "zzyzx" not in repr(check).lower()
    assert check.models == (ModelProvenance("lists", "v", "ab" * 32),)

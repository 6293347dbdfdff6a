"""The rapidfuzz screener over an in-memory list: hits, near-hits, secondary identifiers, blocking."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.checks import ModelProvenance, Outcome
from domain.ports.screening import (
    EntityKind,
    ListedName,
    NameKind,
    ScreeningQuery,
    Watchlist,
    WatchlistEntry,
    screening_check_result,
)
from domain.screening_rules import Agreement, ListedBirthDate, MatchLevel, ScreeningThresholds
from ml.screening.normalise import fold_name
from ml.screening.screener import RapidfuzzSanctionsScreener
from ml.screening.similarity import name_similarity

pytestmark = pytest.mark.unit

PRIMARY, ALIAS = NameKind.PRIMARY, NameKind.ALIAS
GENERATED = tuple(
    WatchlistEntry("GEN", f"g{i}", EntityKind.INDIVIDUAL, (ListedName(f"{first} {last}", PRIMARY),))
    for i, (first, last) in enumerate(
        (f, ln) for f in ("Anna", "Boris", "Chen", "Dario", "Eva") for ln in ("Novak", "Ivanova", "Li", "Rossi")
    )
)
ENTRIES = (
    WatchlistEntry("UN", "QDi.900", EntityKind.INDIVIDUAL,
                   (ListedName("KHOROSHEV, Dmitry Yuryevich", PRIMARY), ListedName("Dima Kho", ALIAS, "Low")),
                   birth_dates=(ListedBirthDate(1993, 1993, 4, 17),), nationalities=("RUS",)),
    WatchlistEntry("OFAC SDN", "48000", EntityKind.INDIVIDUAL,
                   (ListedName("ABDUL RAHMAN, Yasin Saleh", PRIMARY),)),
    WatchlistEntry("OFAC SDN", "48001", EntityKind.ENTITY, (ListedName("IRAN AIRCRAFT INDUSTRIES", PRIMARY),)),
    *GENERATED,
)
SCREENER = RapidfuzzSanctionsScreener(
    Watchlist(ENTRIES, ModelProvenance("test-lists", "1", "0" * 64)), ScreeningThresholds(hit=0.9, near=0.8)
)


def levels(name: str, **kwargs: object) -> dict[str, MatchLevel]:
    return {h.entry_id: h.level for h in SCREENER.screen(ScreeningQuery(name, **kwargs)).hits}  # type: ignore[arg-type]


def test_exact_name_in_another_order_and_script_is_a_hit() -> None:
    assert levels("Dmitry Yuryevich Khoroshev") == {"QDi.900": MatchLevel.HIT}
    assert levels("Дмитрий Юрьевич Хорошев")["QDi.900"] in (MatchLevel.HIT, MatchLevel.NEAR_HIT)


def test_a_typo_still_hits_and_a_missing_patronymic_is_a_near_hit() -> None:
    assert levels("Dmitry Yuryevich Kohroshev")["QDi.900"] is MatchLevel.HIT
    assert levels("Dmitry Khoroshev")["QDi.900"] is MatchLevel.NEAR_HIT


def test_compound_written_as_one_word_is_found() -> None:
    result = SCREENER.screen(ScreeningQuery("Yasin Saleh Abdulrahman"))
    assert [(h.entry_id, h.level) for h in result.hits] == [("48000", MatchLevel.HIT)]


def test_unrelated_people_clear() -> None:
    result = SCREENER.screen(ScreeningQuery("Eva Rossini Smith"))
    assert result.outcome is Outcome.PASS
    assert result.hits == ()


def test_birth_year_and_nationality_cut_a_false_hit() -> None:
    assert levels("Dmitry Yuryevich Khoroshev", birth_year=1993, nationality="RUS") == {"QDi.900": MatchLevel.HIT}
    assert levels("Dmitry Yuryevich Khoroshev", birth_year=1960) == {"QDi.900": MatchLevel.NEAR_HIT}
    assert levels("Dmitry Yuryevich Khoroshev", birth_year=1960, nationality="FRA") == {"QDi.900": MatchLevel.CLEARED}
    result = SCREENER.screen(ScreeningQuery("Dmitry Yuryevich Khoroshev", birth_year=1960, nationality="FRA"))
    assert result.outcome is Outcome.PASS  # kept for audit, but cleared
    assert (result.hits[0].birth_date, result.hits[0].nationality) == (Agreement.MISMATCH, Agreement.MISMATCH)


def test_a_weak_alias_alone_only_reaches_review() -> None:
    hits = SCREENER.screen(ScreeningQuery("Dima Kho")).hits
    assert [(h.entry_id, h.matched_name.quality, h.level) for h in hits] == [("QDi.900", "Low", MatchLevel.NEAR_HIT)]


def test_hit_names_the_list_entry_and_which_name_matched() -> None:
    (hit,) = SCREENER.screen(ScreeningQuery("Iran Aircraft Industries")).hits
    assert (hit.list_name, hit.entry_id, hit.matched_name_index, hit.name_score) == ("OFAC SDN", "48001", 0, 1.0)
    check = screening_check_result(SCREENER.screen(ScreeningQuery("Iran Aircraft Industries")))
    assert check.outcome is Outcome.FAIL
    assert check.reasons == ("sanctions_hit",)


def test_blocking_scores_only_names_sharing_resembling_tokens() -> None:
    result = SCREENER.screen(ScreeningQuery("Anna Novak"))
    assert result.candidates_scored < len(SCREENER.index) / 4
    assert [h.entry_id for h in result.hits] == ["g0"]


def test_for_folder_loads_once_per_process(tmp_path: Path) -> None:
    (tmp_path / "sdn.csv").write_text('1,"ROE, Jane","individual","X",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n')
    first = RapidfuzzSanctionsScreener.for_folder(tmp_path)
    assert RapidfuzzSanctionsScreener.for_folder(tmp_path) is first
    assert first.screen(ScreeningQuery("Jane Roe")).outcome is Outcome.FAIL


@pytest.mark.parametrize("query", ["Dmitry Yuryevich Kohroshev", "Yasin Saleh Abdulrahman", "Al Dima Kho",
                                   "Anna Anna Novak", "Ivanova", "Chen Li Rossi Eva"])
def test_vectorised_scores_equal_the_reference_scalar_scores(query: str) -> None:
    import numpy as np

    folded = fold_name(query)
    every_name = np.arange(len(SCREENER.index), dtype=np.int32)
    batch = SCREENER.index.matrix.scores(folded, every_name)
    scalar = [name_similarity(folded, n.folded) for n in SCREENER.index.names]
    assert batch.tolist() == pytest.approx(scalar, abs=1e-6)

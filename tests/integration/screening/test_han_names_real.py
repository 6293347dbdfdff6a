"""Names written in Han characters against the real lists (../shared/data/sanctions): Korean names in
hanja (the UN list prints its DPRK entries in McCune-Reischauer only, and a Han name read in Mandarin
alone never met them), and Chinese names screened as the product screens them, with the document's
birth year and nationality (``ml.screening.corroboration``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.ports.screening import EntityKind, ListedName, NameKind, ScreeningQuery, Watchlist, WatchlistEntry
from domain.screening_rules import ListedBirthDate, MatchLevel
from ml.screening.loader import load_watchlists
from ml.screening.screener import RapidfuzzSanctionsScreener
from tools.eval.screening_scripts import chinese_as_written

pytestmark = pytest.mark.integration

LISTS = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "sanctions"


@pytest.fixture(scope="module")
def screener() -> RapidfuzzSanctionsScreener:
    return RapidfuzzSanctionsScreener.for_folder(LISTS)


def flagged(screener: RapidfuzzSanctionsScreener, query: ScreeningQuery) -> dict[str, MatchLevel]:
    return {h.entry_id: h.level for h in screener.screen(query).hits if h.level is not MatchLevel.CLEARED}


def test_a_dprk_name_in_hanja_finds_its_un_entry_as_a_near_hit(screener: RapidfuzzSanctionsScreener) -> None:
    # 金英哲 is 김영철, "KIM YONG CHOL" (KPi.024, born 1962, DPRK); 李洙墉 is 리수용, "RI SU YONG" (KPi.052).
    assert flagged(screener, ScreeningQuery("金英哲")).get("KPi.024") is MatchLevel.NEAR_HIT
    assert flagged(screener, ScreeningQuery("李洙墉")).get("KPi.052") is MatchLevel.NEAR_HIT
    with_identifiers = ScreeningQuery("金英哲", birth_year=1962, nationality="PRK")
    assert flagged(screener, with_identifiers).get("KPi.024") is MatchLevel.NEAR_HIT


def test_a_hanja_match_is_cleared_by_a_disagreeing_birth_year(screener: RapidfuzzSanctionsScreener) -> None:
    assert "KPi.024" not in flagged(screener, ScreeningQuery("金英哲", birth_year=1990, nationality="PRK"))


def test_a_listed_name_of_common_parts_is_found_with_the_document_s_birth_year_and_nationality() -> None:
    # 陈志明 read in Hokkien is "Tan Chee Meng": "Tan" and "Chee" are common, and the name is read in many
    # ways, so by name alone the reading does not single out the entry; with an agreeing birth year and
    # nationality it does, and a disagreeing birth year clears it.
    lists = load_watchlists(LISTS)
    listed = WatchlistEntry("TEST", "sg1", EntityKind.INDIVIDUAL, (ListedName("TAN Chee Meng", NameKind.PRIMARY),),
                            birth_dates=(ListedBirthDate(1970, 1970),), nationalities=("CHN",))
    screener = RapidfuzzSanctionsScreener(Watchlist((*lists.entries, listed), lists.provenance))
    assert "sg1" not in flagged(screener, ScreeningQuery("陈志明"))
    assert flagged(screener, ScreeningQuery("陈志明", birth_year=1970, nationality="CHN"))["sg1"] is MatchLevel.NEAR_HIT
    assert "sg1" not in flagged(screener, ScreeningQuery("陈志明", birth_year=1990, nationality="CHN"))


def test_ordinary_chinese_names_with_their_birth_year_and_nationality_are_not_flagged(
    screener: RapidfuzzSanctionsScreener,
) -> None:
    people = chinese_as_written("zh_CN", "CHN", 40, seed=5) + chinese_as_written("zh_TW", "TWN", 40, seed=5)
    flags = {name: found for name, year, nationality in people
             if (found := flagged(screener, ScreeningQuery(name, birth_year=year, nationality=nationality)))}
    assert flags == {}

"""Korean names written in hanja against the real lists (../shared/data/sanctions): the UN list prints
its DPRK entries in McCune-Reischauer only, and a Han name read in Mandarin alone never met them."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.ports.screening import ScreeningQuery
from domain.screening_rules import MatchLevel
from ml.screening.screener import RapidfuzzSanctionsScreener

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

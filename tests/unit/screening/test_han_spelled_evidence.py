"""A name in Han characters compared as written with the lists' own Han names: Han has no spaces, so each
name is one part, and a shared first syllable made a person's name resemble a company's. Such a match
must rest on rare parts like any other (``ml.screening.evidence``); a listed Han name still meets itself."""

from __future__ import annotations

import pytest

from domain.checks import ModelProvenance
from domain.ports.screening import EntityKind, ListedName, NameKind, ScreeningQuery, Watchlist, WatchlistEntry
from domain.screening_rules import MatchLevel
from ml.screening.screener import RapidfuzzSanctionsScreener
from tests.unit.screening.support import unrelated_entries

pytestmark = pytest.mark.unit

COMPANY = WatchlistEntry("UN", "kpe1", EntityKind.ENTITY, (ListedName("CHANG AN HAI LIAN", NameKind.PRIMARY),
                                                             ListedName("長安海連技術有限公司", NameKind.ALIAS)))
SCREENER = RapidfuzzSanctionsScreener(Watchlist((COMPANY, *unrelated_entries()),
                                                ModelProvenance("test-lists", "1", "0" * 64)))


def flagged(name: str) -> dict[str, MatchLevel]:
    hits = SCREENER.screen(ScreeningQuery(name)).hits
    return {h.entry_id: h.level for h in hits if h.level is not MatchLevel.CLEARED}


def test_a_person_sharing_a_first_syllable_with_a_listed_han_name_is_not_flagged() -> None:
    assert flagged("张军") == {}
    assert flagged("張慧玲") == {}


def test_the_listed_han_name_still_hits_itself() -> None:
    assert flagged("長安海連技術有限公司") == {"kpe1": MatchLevel.HIT}
    assert flagged("长安海连技术有限公司") == {"kpe1": MatchLevel.HIT}  # simplified characters fold alike

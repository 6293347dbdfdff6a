"""The cross-script pair sets of the evaluation (``tools/eval/screening_*.py``): the sixth, held-out
Chinese set shares no person with an earlier set, by native name or by Latin spelling, so its figure
measures rules that were never chosen on its people; and it is screened as its own split, with the
birth year and nationality it carries."""

from __future__ import annotations

import re
import unicodedata

from tools.eval.screening_fifth import FIFTH_FIGURES
from tools.eval.screening_fourth import FOURTH_FIGURES
from tools.eval.screening_fresh import FRESH_FIGURES
from tools.eval.screening_hanja import HANJA_FIGURES
from tools.eval.screening_heldout import HELD_OUT_FIGURES
from tools.eval.screening_identifiers import IDENTIFIERS
from tools.eval.screening_pairs import PUBLIC_FIGURES
from tools.eval.screening_scripts import FIFTH, FOURTH, FRESH, HELD_OUT, SIXTH, _figure_entry
from tools.eval.screening_sixth import SIXTH_FIGURES

EARLIER: list[tuple[str, str]] = [
    *((native, latin) for _, native, latin in PUBLIC_FIGURES),
    *((native, latin) for _, native, latin in HELD_OUT_FIGURES),
    *((native, latin) for _, native, latin, _ in FRESH_FIGURES),
    *((native, latin) for _, native, latin, _ in FOURTH_FIGURES),
    *((native, latin) for _, native, latin, _ in HANJA_FIGURES),
    *((native, latin) for native, latin, *_ in FIFTH_FIGURES),
]


def latin_key(spelling: str) -> str:
    """A Latin spelling with case, hyphens, spaces and accents set aside: "Lee Peng-fei" is "LEE PENG FEI"."""
    folded = unicodedata.normalize("NFKD", spelling).casefold()
    return re.sub(r"[^a-z]", "", folded)


def shared_people(new: list[tuple[str, str]], earlier: list[tuple[str, str]]) -> list[tuple[str, str]]:
    natives = {native.replace(" ", "") for native, _ in earlier} | set(IDENTIFIERS)
    spellings = {latin_key(latin) for _, latin in earlier}
    return [(n, la) for n, la in new if n.replace(" ", "") in natives or latin_key(la) in spellings]


def test_the_sixth_set_shares_no_native_name_or_latin_spelling_with_an_earlier_set() -> None:
    sixth = [(native, latin) for native, latin, *_ in SIXTH_FIGURES]
    assert len(EARLIER) > 300 and len(sixth) >= 60
    assert shared_people(sixth, EARLIER) == []


def test_a_person_of_an_earlier_set_written_again_is_caught_by_either_name() -> None:
    # The check above must be able to fail: the same person respelled only in case and hyphens, or
    # given another Latin spelling but the same native name, is reported.
    assert shared_people([("某某", "LEE KUAN-YEW")], EARLIER) == [("某某", "LEE KUAN-YEW")]
    assert shared_people([("李光耀", "Harry Lee")], EARLIER) == [("李光耀", "Harry Lee")]
    assert shared_people([("某某", "Nobody Here")], EARLIER) == []


def test_the_sixth_set_names_each_person_once() -> None:
    assert len({native for native, *_ in SIXTH_FIGURES}) == len(SIXTH_FIGURES)
    assert len({latin_key(latin) for _, latin, *_ in SIXTH_FIGURES}) == len(SIXTH_FIGURES)


def test_every_sixth_figure_is_han_written_with_a_birth_year_and_a_passport_nationality() -> None:
    for native, latin, year, nationality, who in SIXTH_FIGURES:
        assert all("\u4e00" <= ch <= "\u9fff" for ch in native), native
        assert re.fullmatch(r"[A-Za-z][A-Za-z' -]+", latin), latin
        assert 1850 <= year <= 2010, native
        assert re.fullmatch(r"[A-Z]{3}", nationality), native
        assert who, native


def test_the_sixth_set_is_its_own_split_and_its_entries_carry_its_identifiers() -> None:
    assert SIXTH not in {HELD_OUT, FRESH, FOURTH, FIFTH}
    native, latin, year, nationality, _ = SIXTH_FIGURES[0]
    entry = _figure_entry("si0", native, latin)
    assert [n.text for n in entry.names] == [latin]
    assert entry.birth_dates[0].year_from == year and entry.nationalities == (nationality,)

"""The pooled false-flag figure of the evaluation (``tools.eval.screening_pooled``): the Wilson interval
and the comparison of a script's interval with Latin's pooled rate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ops.cli.ml import EVAL_SECTIONS
from tools.eval import screening_pooled as pooled
from tools.eval.screening_pooled import Tally, pooled_rows, tallies_from_dumps, wilson_interval

pytestmark = pytest.mark.unit


def test_the_wilson_interval_matches_its_published_values() -> None:
    # Newcombe (1998), Table I: 81/263 -> 0.2553-0.3662; 0/10 -> 0-0.2775 (not the empty 0-0 of the
    # normal approximation).
    assert wilson_interval(81, 263) == pytest.approx((0.2553, 0.3662), abs=1e-4)
    assert wilson_interval(0, 10) == pytest.approx((0.0, 0.2775), abs=1e-4)


def test_the_interval_narrows_as_the_sample_grows_around_the_same_rate() -> None:
    low_small, high_small = wilson_interval(10, 500)
    low_large, high_large = wilson_interval(80, 4000)
    assert low_small < low_large < 0.02 < high_large < high_small


def test_a_script_is_higher_only_when_its_whole_interval_lies_above_latin_s_rate() -> None:
    latin = Tally(n=40000, by_name=1000, with_ids=120)  # 25 and 3 per 1,000
    assert Tally(n=4000, by_name=200, with_ids=12).versus(False, latin.rate(False)) == "higher"
    assert Tally(n=4000, by_name=110, with_ids=12).versus(False, latin.rate(False)) == "within"
    assert Tally(n=4000, by_name=40, with_ids=0).versus(False, latin.rate(False)) == "lower"
    assert Tally(n=4000, by_name=40, with_ids=0).versus(True, latin.rate(True)) == "lower"


def test_the_table_compares_every_script_with_latin_and_prints_counts_and_intervals() -> None:
    rows = pooled_rows({"Hebrew": Tally(4000, 200, 12), "Latin": Tally(40000, 1000, 120)})
    assert rows[2] == ("| Hebrew | 4000 | 200/4000: 50.0 [43.7-57.2] | higher "
                       "| 12/4000: 3.0 [1.7-5.2] | within |")
    assert rows[3].startswith("| Latin | 40000 | 1000/40000: 25.0 [")


def test_runs_over_groups_of_seeds_pool_from_their_dumps(tmp_path: Path) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(_flagged(3, "Hebrew", by_name=True, with_ids=False) + _flagged(3, "Latin", by_name=True,
                                                                                    with_ids=True), encoding="utf-8")
    second.write_text(_flagged(5, "Hebrew", by_name=True, with_ids=True), encoding="utf-8")
    tallies = tallies_from_dumps([first, second], 10, (3, 5), ["he_IL"])
    assert tallies["Hebrew"] == Tally(n=20, by_name=2, with_ids=1)
    assert tallies["Latin"] == Tally(n=10 * 2 * 10, by_name=1, with_ids=1)  # ten Latin locales


def test_dumps_missing_a_seed_or_holding_another_are_refused(tmp_path: Path) -> None:
    dump = tmp_path / "a.jsonl"
    dump.write_text(_flagged(3, "Hebrew", by_name=True, with_ids=False), encoding="utf-8")
    with pytest.raises(ValueError, match=r"seeds \[5\]"):
        tallies_from_dumps([dump], 10, (3, 5), ["he_IL"])
    with pytest.raises(ValueError, match="not asked for"):
        tallies_from_dumps([dump], 10, (5,), ["he_IL"])


def _flagged(seed: int, culture: str, *, by_name: bool, with_ids: bool) -> str:
    hit = [{"list": "UN", "entry": "x", "listed": "x", "via": "spelled", "score": 0.9, "level": "near_hit"}]
    return json.dumps({"seed": seed, "culture": culture, "name": "n", "by_name": hit if by_name else [],
                       "with_ids": hit if with_ids else []}) + "\n"


def test_the_evaluate_section_screens_every_culture_on_the_eight_seeds(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[tuple[object, ...]] = []

    def report(*args: object) -> str:
        asked.append(args)
        return "TABLE"

    monkeypatch.setattr(pooled, "report", report)
    section = pooled.report_section(Path("data"))
    assert section.startswith("## Ordinary names flagged per script, pooled over seeds") and "TABLE" in section
    assert asked == [(Path("data"), 500, (3, 5, 7, 11, 13, 17, 19, 23), None)]
    assert "tools.eval.screening_pooled" in EVAL_SECTIONS

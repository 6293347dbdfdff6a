"""The fault-injection run's verdict (``tools.bench.faults.run.failures``): a kill may cause a 503
``dependency_unavailable`` inside its window and nothing else; a 500 anywhere fails the run, as the
suite's form of it asserts (README "Outages answer 503, never 500")."""

from __future__ import annotations

from typing import Any

from tools.bench.faults.run import ORDER, OUTAGE_ANSWER, Profile, failures


def _report(**changes: Any) -> dict[str, Any]:
    report: dict[str, Any] = {
        "5xx_outside_kill_windows": 0, "5xx_codes": {}, "acknowledged_but_missing": [], "stranded_sessions": [],
        "undecided_instant_verifications": [], "ledger": {"duplicate_decisions": 0, "duplicate_check_results": 0},
        "nats": {"DECISIONS": {"duplicates": 0, "missing": 0, "out_of_order": 0, "unexpected": 0}},
        "kills": [{"target": t, "followers_caught_up_s": 1.0} for t in ORDER], "drained_after_load_s": 2.0,
        "ledger_verify": {"ok": True, "exit_code": 0}, "requests": {"create_session": {"acknowledged": 5}}}
    return {**report, **changes}


def test_outage_answers_inside_the_kill_windows_pass() -> None:
    assert failures(_report(**{"5xx_codes": {OUTAGE_ANSWER: 7}}), Profile()) == []


def test_a_500_inside_a_kill_window_fails_the_run() -> None:
    found = failures(_report(**{"5xx_codes": {OUTAGE_ANSWER: 3, "500 internal_error": 1}}), Profile())
    assert len(found) == 1 and "500 internal_error" in found[0]

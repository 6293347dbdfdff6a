"""``kycledger ml screen`` / ``ml kya`` argument handling and JSON output, on a tiny list folder."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from domain.ports.screening import ScreeningQueryError
from ops.cli import ml_screening as cli_ml_screening
from ops.cli.ml_screening import build_query, parse_birth

pytestmark = pytest.mark.unit


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object]]:
    parser = argparse.ArgumentParser()
    cli_ml_screening.register(parser.add_subparsers(dest="ml_command", required=True))
    args = parser.parse_args(argv)
    code = args.func(args)
    return code, json.loads(capsys.readouterr().out)


def test_birth_dates_and_nationalities_are_parsed_or_refused() -> None:
    assert parse_birth("1975") == (None, 1975)
    assert parse_birth("1975-04-02")[0] is not None
    with pytest.raises(ScreeningQueryError):
        parse_birth("02/04/1975")
    assert build_query("Jane Roe", None, "fr").nationality == "FRA"
    with pytest.raises(ScreeningQueryError):
        build_query("Jane Roe", None, "Atlantis")


def test_screen_prints_hits_with_entry_ids_and_the_check_result(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "sdn.csv").write_text(
        '77,"QWERTY, Zbigniew","individual","X",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 1950."\n')
    code, out = run(["screen", "Zbigniew Qwerty", "--dob", "1950", "--lists", str(tmp_path)], capsys)
    assert code == 0
    assert out["outcome"] == "fail"
    hits = out["hits"]
    assert isinstance(hits, list)
    assert hits[0]["entry_id"] == "77"
    assert hits[0]["birth_date"] == "match"
    assert "zbigniew" not in json.dumps(out["check_result"]).lower()


def test_screen_reports_domain_errors_as_json_with_a_stable_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(["screen", "Jane Roe", "--lists", str(tmp_path / "none")], capsys)
    assert code == 2
    assert out["error"]["code"] == "watchlist_format_invalid"  # type: ignore[index]


def test_kya_prints_signals_offline(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(["kya", "--phone", "+44 20 7946 0958", "--email", "a.b@example.org", "--country", "GB",
                     "--declared-name", "Ann Bee", "--document-name", "BEE<<ANN", "--ip", "10.1.2.3"], capsys)
    assert code == 0
    statuses = {s["name"]: s["status"] for s in out["signals"]}  # type: ignore[union-attr]
    assert statuses["email_domain"] == "unknown"  # no --mx: no DNS
    assert statuses["ip_address"] == "unknown"
    assert out["check_result"]["outcome"] == "pass"  # type: ignore[index]


def test_kya_without_any_field_is_a_request_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(["kya"], capsys)
    assert code == 2
    assert out["error"]["code"] == "kya_request_invalid"  # type: ignore[index]

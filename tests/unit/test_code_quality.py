"""Lint, types and the layer rules of docs/architecture.md §2 are part of the test suite."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)


def test_layer_contracts_hold() -> None:
    result = _run(str(BIN / "lint-imports"))
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_ruff_finds_nothing() -> None:
    result = _run(str(BIN / "ruff"), "check", ".", "--output-format", "concise")
    assert result.returncode == 0, result.stdout[-4000:]


def test_domain_policies_services_and_api_are_mypy_strict_clean() -> None:
    result = _run(str(BIN / "mypy"), "domain", "policies", "services", "api")
    assert result.returncode == 0, result.stdout[-4000:]


def test_the_benchmarks_type_check_against_the_code_they_call() -> None:
    """tools/bench runs only by hand (docs/targets.md): a call the product's code no longer accepts
    (a renamed argument, a moved function) fails here, not on the day someone measures. The errors of
    the modules they import are those modules' own checks' business (``--follow-imports=silent``)."""
    result = _run(str(BIN / "mypy"), "--follow-imports=silent", "tools/bench")
    assert result.returncode == 0, result.stdout[-4000:]


# docs/architecture.md §2: aggregates are loaded and saved only by domain/ and services/; every
# other entry point calls a command (or a query such as ``KycLedger.find``) of the application.
AGGREGATE_ACCESS = re.compile(r"\brepository\.get\(|\b(?:ledger|app|application)\.save\(")
OUTSIDE_THE_APPLICATION = ("api", "ops", "adapters", "projections", "policies", "ml", "tools")
AGGREGATE_ACCESS_ALLOWED: dict[str, str] = {
    # "path": "why this module must load or save an aggregate itself",
}


def aggregate_access_outside_the_application(root: Path) -> list[str]:
    found = []
    for folder in OUTSIDE_THE_APPLICATION:
        for path in sorted((root / folder).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if AGGREGATE_ACCESS.search(line) and relative not in AGGREGATE_ACCESS_ALLOWED:
                    found.append(f"{relative}:{number}: {line.strip()}")
    return found


def test_no_aggregate_is_loaded_or_saved_outside_domain_and_services() -> None:
    assert aggregate_access_outside_the_application(ROOT) == []


def test_the_aggregate_access_check_finds_a_save_and_a_load(tmp_path: Path) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "route.py").write_text("tenant = deps.ledger.repository.get(tid)\ndeps.ledger.save(tenant)\n")
    (tmp_path / "services").mkdir()
    (tmp_path / "services" / "use_case.py").write_text("self.app.save(session)\n")
    assert aggregate_access_outside_the_application(tmp_path) == [
        "api/route.py:1: tenant = deps.ledger.repository.get(tid)", "api/route.py:2: deps.ledger.save(tenant)"]

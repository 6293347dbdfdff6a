"""Lint, types and the layer rules of docs/architecture.md §2 are part of the test suite."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

# The checkers this module runs, each the command a developer would type. They are started side by
# side when the first of their tests runs (the suite itself waits on them with a core idle: about 20
# CPU-seconds, mypy's two runs most of it) and each test waits for its own. Each mypy run keeps its own
# cache: the two runs' options differ, so in one cache each would make the other's stale.
CHECKERS: dict[str, tuple[str, ...]] = {
    "lint-imports": (str(BIN / "lint-imports"),),
    "ruff": (str(BIN / "ruff"), "check", ".", "--output-format", "concise"),
    "mypy strict": (str(BIN / "mypy"), "domain", "policies", "services", "api"),
    "mypy tools/bench": (str(BIN / "mypy"), "--cache-dir", ".mypy_cache/follow-imports-silent",
                         "--follow-imports=silent", "tools/bench"),
}


@dataclass
class Checker:
    """One checker's process, its output going to files (a pipe nobody reads yet could fill up)."""

    process: subprocess.Popen[bytes]
    stdout: IO[bytes]
    stderr: IO[bytes]

    def finish(self) -> tuple[int, str, str]:
        """Its exit code, stdout and stderr, once it has ended."""
        code = self.process.wait(timeout=300)
        return code, *(self._read(f) for f in (self.stdout, self.stderr))

    @staticmethod
    def _read(file: IO[bytes]) -> str:
        file.seek(0)
        return file.read().decode(errors="replace")


@pytest.fixture(scope="module")
def checkers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Checker]]:
    folder = tmp_path_factory.mktemp("checkers")
    started: dict[str, Checker] = {}
    try:
        for n, (name, command) in enumerate(CHECKERS.items()):
            out, err = (folder / f"{n}.out").open("w+b"), (folder / f"{n}.err").open("w+b")
            started[name] = Checker(subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=err), out, err)
        yield started
    finally:
        for checker in started.values():
            if checker.process.poll() is None:  # a test stopped early: end what we started
                checker.process.kill()
                checker.process.wait()
            checker.stdout.close()
            checker.stderr.close()


def test_layer_contracts_hold(checkers: dict[str, Checker]) -> None:
    code, stdout, stderr = checkers["lint-imports"].finish()
    assert code == 0, stdout[-4000:] + stderr[-2000:]
    assert "0 broken" in stdout


def test_ruff_finds_nothing(checkers: dict[str, Checker]) -> None:
    code, stdout, _ = checkers["ruff"].finish()
    assert code == 0, stdout[-4000:]


def test_domain_policies_services_and_api_are_mypy_strict_clean(checkers: dict[str, Checker]) -> None:
    code, stdout, _ = checkers["mypy strict"].finish()
    assert code == 0, stdout[-4000:]


def test_the_benchmarks_type_check_against_the_code_they_call(checkers: dict[str, Checker]) -> None:
    """tools/bench runs only by hand (docs/targets.md): a call the product's code no longer accepts
    (a renamed argument, a moved function) fails here, not on the day someone measures. The errors of
    the modules they import are those modules' own checks' business (``--follow-imports=silent``)."""
    code, stdout, _ = checkers["mypy tools/bench"].finish()
    assert code == 0, stdout[-4000:]


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

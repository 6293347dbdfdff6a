"""The session search bench (tools/bench/session_search.py) runs end to end with the smallest ledger
and prints the scan and the index side by side; its figures are not checked (no timed assertions).
The bench itself asserts that both searches answer the same page."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def test_the_session_search_bench_prints_before_and_after_for_each_search() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tools.bench.session_search", "--sessions", "200", "--rounds", "1",
         "--backends", "sqlite"],
        cwd=ROOT, capture_output=True, text=True, timeout=180, check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    rows = [line for line in result.stdout.splitlines() if line.startswith("| sqlite | 200 |")]
    assert len(rows) == 4 and rows[0].startswith("| sqlite | 200 | index first fill (upgrade) |")
    assert all(row.endswith("x |") for row in rows[1:]), result.stdout

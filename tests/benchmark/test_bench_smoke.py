"""The benchmarks of tools/bench still run (docs/targets.md): every module imports, and the cheap ones
run end to end as a person would run them, with the smallest arguments, in seconds. Their figures
are not checked here (no timed assertions); that they print their tables is. The costly ones (real
models, the fault run) are held to the product's code by the mypy check of tools/bench
(tests/unit/test_code_quality.py)."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(
    ".".join(path.relative_to(ROOT).with_suffix("").parts)
    for path in (ROOT / "tools" / "bench").rglob("*.py")
    if path.name not in ("__init__.py", "__main__.py")  # __main__ runs the bench when imported
)


def _run(module: str, *arguments: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", module, *arguments], cwd=ROOT, capture_output=True, text=True, timeout=180, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_the_bench_folder_is_found() -> None:
    assert "tools.bench.ledger" in MODULES and "tools.bench.first_verify" in MODULES


@pytest.mark.parametrize("module", MODULES)
def test_every_bench_module_imports(module: str) -> None:
    importlib.import_module(module)


def test_the_ledger_bench_prints_its_append_and_verify_tables() -> None:
    smallest = ("--events", "20", "--rounds", "1", "--verify-events", "1000", "--backends", "sqlite")
    out = _run("tools.bench.ledger", *smallest)
    assert out.count("| sqlite |") == 5  # four writer/save configurations and the verify row
    assert "| sqlite | 1,000 |" in out


def test_the_merkle_bench_prints_append_and_proof_figures() -> None:
    out = _run("tools.bench.merkle", "--leaves", "1000", "--proofs", "10")
    assert "[sqlite] inclusion proof at size 1,000" in out and "[sqlite] consistency proof" in out


def test_the_stream_latency_bench_prints_both_relays() -> None:
    out = _run("tools.bench.stream_latency", "--decisions", "3")
    assert "| polling every 20 ms (before) | 3 | 3 |" in out and "| commit signal | 3 | 3 |" in out


def test_the_passing_set_is_verified_with_every_check_passing_and_accepted() -> None:
    """The ``passing`` input set (tools/bench/passing_inputs.py: a drawn passport of the live person of
    ../shared/data/liveness-video and a selfie from the other clip) is the bench's one accepted scenario:
    if the page, the selfie or a model drift so that a check stops passing, this fails instead of the
    bench quietly timing reviews or rejections. Real models, one serial and one concurrent verification."""
    out = _run("tools.bench.verify_throughput", "--inputs", "passing", "--serial", "1", "--runs", "1",
               "--concurrent", "1", "--warmup", "0")
    rows = [line for line in out.splitlines() if line.startswith("| passing | current |")]
    assert len(rows) == 2 and all(row.endswith("{'accepted': 1} |") for row in rows), out

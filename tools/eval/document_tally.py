"""Counting for the document evaluation: a tally per part, with its misses, and percentiles."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Tally:
    """Counts of one evaluation part, with the misses described for the report."""

    passed: int = 0
    total: int = 0
    unverifiable: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, ok: bool, miss: str) -> None:
        self.total += 1
        self.passed += ok
        if not ok:
            self.misses.append(miss)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile; NaN for no values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")

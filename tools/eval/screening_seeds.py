"""Ordinary names flagged by name alone on several seeds, per culture, beside the Latin baseline.

One seed of generated names is a small sample: 500 Persian names flagged at 25 per 1,000 are about 12
names, and the seed-to-seed spread is as large as the gaps between cultures. This runs the ordinary
names of ``tools/eval/screening_scripts.py`` (the same ``faker`` locales and generator) on every seed
given and prints, per culture, the hits or near-hits by name only per 1,000 (and with birth year and
nationality after the slash), with the Latin-script locales as the baseline, plus the recall on the
UN list's Arabic original-script names (tune and report halves), which a rule against false flags
must keep.

Usage: ``.venv/bin/python -m tools.eval.screening_seeds ../shared/data 500 3,5,7,11,13,17 fa_IR,ar_AA,ar_SA``
(data folder, names per locale, seeds, the own-script locales: all of them when left out; the Latin
locales are always screened, as many names per locale).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from domain.ports.screening import ScreeningQuery
from ml.screening.loader import load_watchlists
from ml.screening.screener import RapidfuzzSanctionsScreener
from tools.eval.screening_pairs import LATIN_LOCALES, NATIVE_LOCALES
from tools.eval.screening_scripts import FLAGGED, build, ordinary_people

DEFAULT_SEEDS = (3, 5, 7, 11, 13, 17)
ARABIC_SCRIPT = "Arabic"


def _flag_counts(screener: RapidfuzzSanctionsScreener, people: Sequence[tuple[str, int, str]]) -> tuple[int, int]:
    """(flagged by name only, flagged with birth year and nationality): hits or near-hits."""
    by_name = with_ids = 0
    for name, year, nationality in people:
        by_name += bool({h.level for h in screener.screen(ScreeningQuery(name)).hits} & FLAGGED)
        full = screener.screen(ScreeningQuery(name, birth_year=year, nationality=nationality))
        with_ids += bool({h.level for h in full.hits} & FLAGGED)
    return by_name, with_ids


def flag_rows(data_dir: Path, per_locale: int, seeds: Sequence[int], locales: Sequence[str] | None) -> list[str]:
    """A markdown table: one row per culture, one column per seed, name-only / with-identifier flags
    per 1,000, and the worst seed's ratio to the Latin figure of the same seed."""
    screener = RapidfuzzSanctionsScreener(load_watchlists(data_dir / "sanctions"))
    chosen = [row for row in NATIVE_LOCALES if locales is None or row[1] in locales]
    per_seed: dict[str, dict[int, list[int]]] = {}
    for seed in seeds:
        for label, locale, nationality in (*chosen, *LATIN_LOCALES):
            people = ordinary_people(locale, nationality, per_locale, seed)
            by_name, with_ids = _flag_counts(screener, people)
            counts = per_seed.setdefault(label, {}).setdefault(seed, [0, 0, 0])
            counts[0] += by_name
            counts[1] += with_ids
            counts[2] += len(people)
    latin = {seed: 1000 * c[0] / c[2] for seed, c in per_seed["Latin"].items()}
    rows = [f"| names | n per seed | {' | '.join(f'seed {s}' for s in seeds)} | highest seed / Latin |",
            "| --- | --- |" + " --- |" * (len(seeds) + 1)]
    for label, by_seed in per_seed.items():
        cells = [f"{1000 * c[0] / c[2]:.0f} / {1000 * c[1] / c[2]:.0f}" for c in by_seed.values()]
        worst = max((1000 * c[0] / c[2]) / max(latin[seed], 1e-9) for seed, c in by_seed.items())
        n = next(iter(by_seed.values()))[2]
        rows.append(f"| {label} | {n} | {' | '.join(cells)} | {worst:.2f} |")
    return rows


def arabic_recall_rows(data_dir: Path) -> list[str]:
    """The UN list's Arabic original-script names found (hit or near-hit) by their Latin names only."""
    watchlist, pairs = build(data_dir)
    screener = RapidfuzzSanctionsScreener(watchlist)
    rows = []
    for split in ("tune", "report"):
        members = [p for p in pairs if p.label == ARABIC_SCRIPT and p.split == split]
        found = 0
        for pair in members:
            hits = screener.screen(ScreeningQuery(pair.text)).hits
            found += any((h.list_name, h.entry_id) == pair.key and h.level in FLAGGED for h in hits)
        rows.append(f"| Arabic original-script names, {split} half | {found}/{len(members)} "
                    f"({found / len(members):.0%}) |")
    return rows


def report(data_dir: Path, per_locale: int, seeds: Sequence[int], locales: Sequence[str] | None) -> str:
    started = time.perf_counter()
    lines = [f"Hits or near-hits per 1,000 ordinary people, by name only / with birth year and nationality "
             f"({per_locale} per locale and seed; Latin: {len(LATIN_LOCALES)} locales):\n",
             *flag_rows(data_dir, per_locale, seeds, locales), "",
             "| recall | found |", "| --- | --- |", *arabic_recall_rows(data_dir), "",
             f"Evaluation time: {time.perf_counter() - started:.0f} s."]
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    args = sys.argv[1:]
    folder = Path(args[0]) if args else Path("../shared/data")
    count = int(args[1]) if len(args) > 1 else 500
    seed_list = tuple(int(s) for s in args[2].split(",")) if len(args) > 2 else DEFAULT_SEEDS
    only = args[3].split(",") if len(args) > 3 else None
    print(report(folder, count, seed_list, only))

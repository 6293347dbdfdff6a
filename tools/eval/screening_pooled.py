"""Ordinary names flagged per script, pooled over several seeds, with a 95 % interval beside Latin's.

One seed of 500 names per locale is about a dozen flags for a script, and the seed-to-seed spread is as
large as the gaps between scripts, so "no higher than for Latin names" (ml/EVALUATION.md, "Screening
names written in other scripts") is judged on every seed's names together: per script, the share of
ordinary people flagged (hit or near-hit) by name only and with birth year and nationality, over all
seeds, with its Wilson score interval (95 %), which keeps its coverage for rates near zero where the
normal approximation does not. A script is "higher" than Latin when its whole interval lies above
Latin's pooled rate, "lower" when it lies below, else "within".

The people are those of ``tools/eval/screening_scripts.py`` (its ``faker`` locales and generator, the
Chinese also written family name first with no space); ``--dump`` writes every flagged person as one
JSON line (seed, culture, name, and each flagging hit: entry, listed name, path, score, level), for
reading which list entries and which rule flagged them.

Usage: ``.venv/bin/python -m tools.eval.screening_pooled ../shared/data --per-locale 500
--seeds 3,5,7,11,13,17,19,23 [--locales he_IL] [--dump /tmp/flags.jsonl] [--no-latin]`` (the Latin
locales are screened too, as many names per locale, unless ``--no-latin``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

from domain.ports.screening import ScreeningQuery, ScreeningResult
from ml.screening.loader import load_watchlists
from ml.screening.screener import RapidfuzzSanctionsScreener
from tools.eval.screening_pairs import LATIN_LOCALES, NATIVE_LOCALES
from tools.eval.screening_scripts import CHINESE_AS_WRITTEN, FLAGGED, chinese_as_written, ordinary_people

SEEDS = (3, 5, 7, 11, 13, 17, 19, 23)
LATIN = "Latin"
Z_95 = 1.959964


def wilson_interval(flagged: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a proportion ``flagged / n`` (E. B. Wilson, 1927)."""
    if n == 0:
        return 0.0, 1.0
    p = flagged / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclasses.dataclass
class Tally:
    """Ordinary people screened for one culture and how many were flagged."""

    n: int = 0
    by_name: int = 0
    with_ids: int = 0

    def rate(self, with_ids: bool) -> float:
        return (self.with_ids if with_ids else self.by_name) / max(self.n, 1)

    def cell(self, with_ids: bool) -> str:
        """"k/n: r per 1,000 [low-high]"."""
        k = self.with_ids if with_ids else self.by_name
        low, high = wilson_interval(k, self.n)
        return f"{k}/{self.n}: {1000 * k / self.n:.1f} [{1000 * low:.1f}-{1000 * high:.1f}]"

    def versus(self, with_ids: bool, latin: float) -> str:
        """Whether the interval lies wholly above or below ``latin`` (a rate), or holds it."""
        low, high = wilson_interval(self.with_ids if with_ids else self.by_name, self.n)
        return "higher" if low > latin else "lower" if high < latin else "within"


def _flagging(result: ScreeningResult) -> list[dict[str, object]]:
    return [{"list": h.list_name, "entry": h.entry_id, "listed": h.matched_name.text, "via": h.via,
             "score": h.name_score, "level": h.level.value} for h in result.hits if h.level in FLAGGED]


Generator = Callable[[str, str, int, int], list[tuple[str, int, str]]]


def _cultures(locales: Sequence[str] | None, latin: bool) -> list[tuple[str, str, str, Generator]]:
    chosen = [row for row in NATIVE_LOCALES if locales is None or row[1] in locales]
    written = [(CHINESE_AS_WRITTEN, loc, nat) for label, loc, nat in chosen if label == "Chinese"]
    cultures: list[tuple[str, str, str, Generator]] = [(label, loc, nat, ordinary_people) for label, loc, nat in chosen]
    cultures += [(label, loc, nat, chinese_as_written) for label, loc, nat in written]
    cultures += [(label, loc, nat, ordinary_people) for label, loc, nat in LATIN_LOCALES if latin]
    return cultures


def pooled_tallies(screener: RapidfuzzSanctionsScreener, per_locale: int, seeds: Sequence[int],
                   locales: Sequence[str] | None, dump: IO[str] | None = None, *, latin: bool = True,
                   ) -> dict[str, Tally]:
    """Per culture, the people of every seed screened by name only and with birth year and nationality
    (the Latin baseline too unless ``latin`` is false)."""
    tallies: dict[str, Tally] = {}
    for seed in seeds:
        for label, locale, nationality, generate in _cultures(locales, latin):
            tally = tallies.setdefault(label, Tally())
            for name, year, nat in generate(locale, nationality, per_locale, seed):
                by_name = _flagging(screener.screen(ScreeningQuery(name)))
                with_ids = _flagging(screener.screen(ScreeningQuery(name, birth_year=year, nationality=nat)))
                tally.n += 1
                tally.by_name += bool(by_name)
                tally.with_ids += bool(with_ids)
                if dump is not None and (by_name or with_ids):
                    dump.write(json.dumps({"seed": seed, "culture": label, "locale": locale, "name": name,
                                           "year": year, "nationality": nat, "by_name": by_name,
                                           "with_ids": with_ids}, ensure_ascii=False) + "\n")
    return tallies


def tallies_from_dumps(paths: Sequence[Path], per_locale: int, seeds: Sequence[int], locales: Sequence[str] | None,
                       *, latin: bool = True) -> dict[str, Tally]:
    """The tallies of ``pooled_tallies`` from the ``--dump`` files of runs that screened these seeds between
    them (one run per group of seeds, in parallel): flagged people from the files, people screened from
    the cultures' locales (each generates ``per_locale`` names per seed)."""
    tallies: dict[str, Tally] = {}
    for label, *_ in _cultures(locales, latin):
        tallies.setdefault(label, Tally()).n += per_locale * len(seeds)
    seen: set[int] = set()
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            person = json.loads(line)
            if person["seed"] not in seeds or person["culture"] not in tallies:
                raise ValueError(f"{path}: seed {person['seed']}, {person['culture']} not asked for")
            seen.add(person["seed"])
            tally = tallies[person["culture"]]
            tally.by_name += bool(person["by_name"])
            tally.with_ids += bool(person["with_ids"])
    if seen != set(seeds):
        raise ValueError(f"no flagged person of seeds {sorted(set(seeds) - seen)} in the dumps")
    return tallies


def pooled_rows(tallies: dict[str, Tally]) -> list[str]:
    """A markdown table: per culture, flagged per 1,000 with the 95 % interval, by name only and with
    identifiers, each against Latin's pooled rate (no comparison when Latin was not screened)."""
    latin = tallies.get(LATIN, Tally())
    rows = ["| names | n | by name only: flagged, per 1,000 [95 % interval] | vs Latin "
            "| with birth year and nationality | vs Latin |", "| --- | --- | --- | --- | --- | --- |"]
    for label, tally in tallies.items():
        cells = []
        for with_ids in (False, True):
            reference = latin.rate(with_ids)
            versus = "" if label == LATIN or not latin.n else tally.versus(with_ids, reference)
            cells += [tally.cell(with_ids), versus]
        rows.append(f"| {label} | {tally.n} | {' | '.join(cells)} |")
    return rows


def report(data_dir: Path, per_locale: int, seeds: Sequence[int], locales: Sequence[str] | None,
           dump_path: Path | None = None, *, latin: bool = True) -> str:
    started = time.perf_counter()
    screener = RapidfuzzSanctionsScreener(load_watchlists(data_dir / "sanctions"))
    if dump_path is None:
        tallies = pooled_tallies(screener, per_locale, seeds, locales, latin=latin)
    else:
        with dump_path.open("w", encoding="utf-8") as dump:
            tallies = pooled_tallies(screener, per_locale, seeds, locales, dump, latin=latin)
    return _table(tallies, per_locale, seeds, started)


def _table(tallies: dict[str, Tally], per_locale: int, seeds: Sequence[int], started: float | None) -> str:
    lines = [f"Ordinary people flagged (hit or near-hit), seeds {','.join(map(str, seeds))} pooled, "
             f"{per_locale} per locale and seed (Latin: {len(LATIN_LOCALES)} locales); Wilson 95 % intervals; "
             "\"higher\" / \"lower\": the interval lies wholly above / below Latin's pooled rate:\n",
             *pooled_rows(tallies)]
    if started is not None:
        lines += ["", f"Evaluation time: {time.perf_counter() - started:.0f} s."]
    return "\n".join(lines)


def report_section(data_dir: Path) -> str:
    """Markdown section for ``kycledger ml evaluate --section screening_pooled``: every culture on the
    eight seeds (about 30 minutes on a quiet machine, more under load)."""
    return "## Ordinary names flagged per script, pooled over seeds\n\n" + report(data_dir, 500, SEEDS, None) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("data_dir", type=Path, nargs="?", default=Path("../shared/data"))
    parser.add_argument("--per-locale", type=int, default=500)
    parser.add_argument("--seeds", default=",".join(map(str, SEEDS)))
    parser.add_argument("--locales", default=None, help="own-script locales (comma-separated); all when left out")
    parser.add_argument("--dump", type=Path, default=None, help="write every flagged person as a JSON line")
    parser.add_argument("--no-latin", action="store_true",
                        help="leave out the Latin baseline (for a rule that Latin-script names never take)")
    parser.add_argument("--from-dumps", default=None,
                        help="screen nothing: pool the --dump files (comma-separated) of runs over these seeds")
    args = parser.parse_args(argv)
    seeds = tuple(int(s) for s in args.seeds.split(","))
    locales = args.locales.split(",") if args.locales else None
    if args.from_dumps:
        dumps = [Path(p) for p in args.from_dumps.split(",")]
        tallies = tallies_from_dumps(dumps, args.per_locale, seeds, locales, latin=not args.no_latin)
        print(_table(tallies, args.per_locale, seeds, None))
    else:
        print(report(args.data_dir, args.per_locale, seeds, locales, args.dump, latin=not args.no_latin))


if __name__ == "__main__":
    main()

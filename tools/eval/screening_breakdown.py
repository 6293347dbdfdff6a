"""Why ordinary names of one culture are flagged by name alone: the listed names and the token pairs
behind each name-only hit or near-hit, and the most frequent of both.

Usage: ``.venv/bin/python -m tools.eval.screening_breakdown ../shared/data fa_IR 11 500`` (data folder,
faker locale, seed, number of names; the ordinary names of ``tools/eval/screening_scripts.py``); a
fifth argument ``written`` writes Chinese names as Chinese write them (``chinese_as_written``: family
name first, no space), so that they take the Han readings.
A token pair is shown as the screener compared it: consonant keys on the ``abjad`` path, folded tokens
on the spelled one, and on the ``reading`` path the tokens of the Latin reading that scores best
against the listed name.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from domain.ports.screening import ScreeningHit, ScreeningQuery
from domain.screening_rules import MatchLevel
from ml.screening.consonants import consonant_name, consonant_names
from ml.screening.loader import load_watchlists
from ml.screening.normalise import FoldedName, fold_name
from ml.screening.screener import RapidfuzzSanctionsScreener
from ml.screening.similarity import name_similarity, paired_tokens
from tools.eval.screening_scripts import chinese_as_written, ordinary_people

TOP = 15


def _pairs(query: FoldedName, listed: FoldedName) -> list[tuple[str, str, float]]:
    return [(query.tokens[i], listed.tokens[j], round(sim, 2)) for sim, i, j in paired_tokens(query, listed)]


def _as_compared(screener: RapidfuzzSanctionsScreener, name: str, hit: ScreeningHit) -> tuple[FoldedName, FoldedName]:
    listed = hit.matched_name.text
    if hit.via == "reading":
        readings = [fold_name(r) for r in screener.cross_script.readings(name)] or [fold_name(name)]
        return max(readings, key=lambda r: name_similarity(r, fold_name(listed))), fold_name(listed)
    if hit.via == "abjad":  # the key that scores best, when letters read two ways give two
        keys = max(consonant_names(name), key=lambda k: name_similarity(k, consonant_name(listed)))
        return keys, consonant_name(listed)
    return fold_name(name), fold_name(listed)


def breakdown(data_dir: Path, locale: str, seed: int, count: int, written: bool = False) -> str:
    screener = RapidfuzzSanctionsScreener(load_watchlists(data_dir / "sanctions"))
    generate = chinese_as_written if written else ordinary_people
    lines: list[str] = []
    listed: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    flagged = 0
    for name, _, _ in generate(locale, "", count, seed):
        hits = [h for h in screener.screen(ScreeningQuery(name)).hits if h.level is not MatchLevel.CLEARED]
        if not hits:
            continue
        flagged += 1
        best = max(hits, key=lambda h: h.name_score)
        compared = _pairs(*_as_compared(screener, name, best))
        lines.append(f"{name} | {best.level} via {best.via}, score {best.name_score} | {best.matched_name.text} "
                     f"| {compared} | {len(hits)} entries")
        listed[best.matched_name.text] += 1
        pairs.update((q, t) for q, t, _ in compared)
    lines += [f"flagged {flagged} of {count}", f"top listed names {listed.most_common(TOP)}",
              f"top token pairs {pairs.most_common(TOP)}",
              "listed parts of those pairs in how many entries "
              f"{ {t: screener.index.entries_with_token(t) for (_, t), _ in pairs.most_common(TOP)} }"]
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    defaults = ["../shared/data", "fa_IR", "11", "500"]
    args = sys.argv[1:5]
    folder, loc, seed_text, count_text = args + defaults[len(args):]
    print(breakdown(Path(folder), loc, int(seed_text), int(count_text), sys.argv[5:6] == ["written"]))

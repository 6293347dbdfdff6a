"""Cross-script screening evaluation: names written in another script than the list's.

Method (stated in the report too):
- Listed names in their original script: every UN entry with a ``NAME_ORIGINAL_SCRIPT`` (Arabic,
  Cyrillic) is screened by that name against the lists with all original-script names removed, so
  only its Latin names can find it. Entries are split in two by the same hash as the main screening
  evaluation; the consonant-key rules were chosen on the *tune* half, the *report* half is held out.
- Hand-built pairs (``tools/eval/screening_pairs.py``, none used for tuning, but their misses were
  read when the later rules were written): UN-listed DPRK individuals in Hangul, and public figures
  (Korean, Chinese, Japanese kana and kanji, Hebrew, Thai, Greek) added to the lists as a test list and
  screened by their native-script name.
- Held-out pairs (``tools/eval/screening_heldout.py``): other public figures in the scripts that were
  below target (Hebrew, Thai, Chinese in Wade-Giles and Cantonese spellings, Greek, Japanese kanji),
  written before the first round of rules for those scripts; the second round read their misses, so
  for that round they are a tuning set, not a held-out one.
- Fresh held-out pairs (``tools/eval/screening_fresh.py``): a third set of public figures in Chinese
  (mainland pinyin, Taiwan, Hong Kong, Singapore and Malaysia dialect spellings), Thai, Hebrew and
  Japanese kanji, written before the second round of rules and screened once before it; its
  individual misses were not looked at while those rules were chosen, but were read after, so for
  the third round (Chinese and Thai) it is a tuning set, not a held-out one.
- Second fresh held-out pairs (``tools/eval/screening_fourth.py``): a fourth set of public figures in
  Chinese (mainland pinyin, Taiwan, Hong Kong, Macau, Singapore and Malaysia spellings) and Thai,
  written before the third round of rules and screened once before it; its individual misses were
  not looked at while those rules were chosen.
- Third fresh held-out pairs (``tools/eval/screening_fifth.py``): a fifth set of public figures in
  Chinese only (the same conventions, two compound family names), each with the birth year and
  nationality a list and a document would give, written before the fourth round of Chinese rules
  (tone-aware readings) and screened once before it; its misses are not read.
- Fourth fresh held-out pairs (``tools/eval/screening_sixth.py``): a sixth set of public figures in
  Chinese only (the same conventions and identifiers, two compound family names and overseas Chinese
  personal spellings), written after the last Chinese rule and committed before it was first screened;
  screened once with the rules unchanged; its misses are not read.
- Korean names in hanja (``tools/eval/screening_hanja.py``): public figures of both Koreas with their
  names in Han characters, written after the Sino-Korean readings (which have nothing to tune), so
  they check them and tuned nothing; hand-built.
- Ordinary names that must not hit: ``faker`` names in their own script (seeded), and Latin-script
  locales as the baseline, screened against the real lists by name only and with a birth year
  (1940-2006) and the locale's nationality. Faker writes them given name first, with a space; the
  Chinese ones are also screened as Chinese write them (family name first, no space), since only
  a name written so takes the Han readings.
- "Before" is the same screener comparing names as spelled only (``cross_script=False``); "found" means
  the entry reached at least a near-hit (cross-script matches are at most near-hits by design).
- As the product screens: each pair is also screened with the listed entry's own birth year and
  nationality where the entry has them (the UN entries, and the public figures of
  ``tools/eval/screening_identifiers.py``, and the third and fourth fresh held-out Chinese sets'
  own), as a document would give them; the other pairs by name alone in that column too.
"""

from __future__ import annotations

import dataclasses
import random
import time
from collections.abc import Sequence
from pathlib import Path

from domain.ports.screening import EntityKind, ListedName, NameKind, ScreeningQuery, Watchlist, WatchlistEntry
from domain.screening_rules import ListedBirthDate, MatchLevel
from ml.screening.loader import load_watchlists
from ml.screening.screener import RapidfuzzSanctionsScreener
from tools.eval.screening import percentiles, split_of
from tools.eval.screening_fifth import FIFTH_FIGURES
from tools.eval.screening_fourth import FOURTH_FIGURES
from tools.eval.screening_fresh import FRESH_FIGURES
from tools.eval.screening_hanja import HANJA_FIGURES
from tools.eval.screening_heldout import HELD_OUT_FIGURES
from tools.eval.screening_identifiers import IDENTIFIERS
from tools.eval.screening_pairs import LATIN_LOCALES, LISTED_KOREAN, NATIVE_LOCALES, PUBLIC_FIGURES
from tools.eval.screening_sixth import SIXTH_FIGURES

ORIGINAL_SCRIPT = "original script"
TEST_LIST = "EVAL public figures"
UN_LIST = "UN Consolidated"
HELD_OUT = "held-out"
FRESH = "fresh held-out"
FOURTH = "second fresh held-out"
FIFTH = "third fresh held-out"
SIXTH = "fourth fresh held-out"
HAND_BUILT = "hand-built"
FLAGGED = frozenset({MatchLevel.HIT, MatchLevel.NEAR_HIT})


@dataclasses.dataclass(frozen=True)
class Pair:
    label: str
    text: str
    key: tuple[str, str]
    split: str = HAND_BUILT


def _script_label(text: str) -> str:
    return "Cyrillic" if any("\u0400" <= ch <= "\u04ff" for ch in text) else "Arabic"


def build(data_dir: Path) -> tuple[Watchlist, list[Pair]]:
    """The lists without original-script names plus the public-figures test list, and every pair."""
    lists = load_watchlists(data_dir / "sanctions")
    entries: list[WatchlistEntry] = []
    pairs: list[Pair] = []
    for entry in lists.entries:
        original = [n for n in entry.names if n.quality == ORIGINAL_SCRIPT]
        if original:
            key = (entry.list_name, entry.entry_id)
            label = _script_label(original[0].text)
            if any(ch.isalpha() and not ch.isascii() for ch in original[0].text):
                pairs.append(Pair(label, original[0].text, key, split_of(key)))
            entry = dataclasses.replace(entry, names=tuple(n for n in entry.names if n.quality != ORIGINAL_SCRIPT))
        entries.append(entry)
    un_list = next((e.list_name for e in lists.entries if e.entry_id.startswith("KPi.")), UN_LIST)
    pairs += [Pair("Korean (UN DPRK entries)", hangul, (un_list, entry_id)) for entry_id, hangul in LISTED_KOREAN]
    figures = [(f"pf{n}", *figure, HAND_BUILT) for n, figure in enumerate(PUBLIC_FIGURES)]
    figures += [(f"ho{n}", *figure, HELD_OUT) for n, figure in enumerate(HELD_OUT_FIGURES)]
    figures += [(f"fr{n}", *figure[:3], FRESH) for n, figure in enumerate(FRESH_FIGURES)]
    figures += [(f"fo{n}", *figure[:3], FOURTH) for n, figure in enumerate(FOURTH_FIGURES)]
    figures += [(f"hj{n}", *figure[:3], HAND_BUILT) for n, figure in enumerate(HANJA_FIGURES)]
    figures += [(f"fi{n}", "Chinese", native, latin, FIFTH) for n, (native, latin, *_) in enumerate(FIFTH_FIGURES)]
    figures += [(f"si{n}", "Chinese", native, latin, SIXTH) for n, (native, latin, *_) in enumerate(SIXTH_FIGURES)]
    for entry_id, label, native, latin, split in figures:
        entries.append(_figure_entry(entry_id, native, latin))
        pairs.append(Pair(f"{label} (public figures)", native, (TEST_LIST, entry_id), split))
    return Watchlist(tuple(entries), lists.provenance), pairs


_OWN_IDENTIFIERS = {native: (year, nationality) for native, _, year, nationality, _ in (*FIFTH_FIGURES, *SIXTH_FIGURES)}


def _figure_entry(entry_id: str, native: str, latin: str) -> WatchlistEntry:
    """A public figure on the test list, with the birth year and nationality a real list would give
    where ``screening_identifiers``, ``screening_fifth`` or ``screening_sixth`` has them."""
    known = IDENTIFIERS.get(native) or _OWN_IDENTIFIERS.get(native)
    year, nationality = known if known else (None, None)
    return WatchlistEntry(TEST_LIST, entry_id, EntityKind.INDIVIDUAL, (ListedName(latin, NameKind.PRIMARY),),
                          birth_dates=(ListedBirthDate(year, year),) if year else (),
                          nationalities=(nationality,) if nationality else ())


def as_documented(screener: RapidfuzzSanctionsScreener, pair: Pair) -> ScreeningQuery | None:
    """The pair's name with the listed entry's first birth year and nationality, as the person's
    document would give them; None when the entry has neither."""
    entry = screener.entry(*pair.key)
    if entry is None or not (entry.birth_dates or entry.nationalities):
        return None
    year = entry.birth_dates[0].year_from if entry.birth_dates else None
    nationality = entry.nationalities[0] if entry.nationalities else None
    return ScreeningQuery(pair.text, birth_year=year, nationality=nationality)


def _level(screener: RapidfuzzSanctionsScreener, pair: Pair, wall_ms: list[float] | None = None,
           query: ScreeningQuery | None = None) -> MatchLevel | None:
    started = time.perf_counter()
    hits = screener.screen(query or ScreeningQuery(pair.text)).hits
    if wall_ms is not None:
        wall_ms.append(1000 * (time.perf_counter() - started))
    own = [h.level for h in hits if (h.list_name, h.entry_id) == pair.key]
    return own[0] if own else None


def recall_rows(before: RapidfuzzSanctionsScreener, after: RapidfuzzSanctionsScreener,
                pairs: Sequence[Pair], wall_ms: list[float], before_ms: list[float] | None = None) -> list[str]:
    groups: dict[tuple[str, str], list[Pair]] = {}
    for pair in pairs:
        groups.setdefault((pair.label, pair.split), []).append(pair)
    rows = []
    for (label, split), members in sorted(groups.items()):
        was = [_level(before, p, before_ms) for p in members]
        now = [_level(after, p, wall_ms) for p in members]
        documented = [as_documented(after, p) for p in members]
        with_ids = [_level(after, p, query=q) if q else level
                    for p, q, level in zip(members, documented, now, strict=True)]
        rows.append(f"| {label} | {split} | {len(members)} | {_share(was, FLAGGED)} | {_share(now, FLAGGED)} "
                    f"| {_share(now, frozenset({MatchLevel.HIT}))} | {_share(with_ids, FLAGGED)} "
                    f"({sum(q is not None for q in documented)}) |")
    return rows


def _share(levels: Sequence[MatchLevel | None], accepted: frozenset[MatchLevel]) -> str:
    found = sum(level in accepted for level in levels)
    return f"{found}/{len(levels)} ({found / len(levels):.0%})"


def ordinary_people(locale: str, nationality: str, count: int, seed: int) -> list[tuple[str, int, str]]:
    from faker import Faker

    fake = Faker(locale)
    fake.seed_instance(seed)
    rng = random.Random(seed)  # noqa: S311  (reproducible test data, not security)
    return [(f"{fake.first_name()} {fake.last_name()}", rng.randint(1940, 2006), nationality) for _ in range(count)]


CHINESE_AS_WRITTEN = "Chinese (family name first, no space)"


def chinese_as_written(locale: str, nationality: str, count: int, seed: int) -> list[tuple[str, int, str]]:
    """The same generated people as ``ordinary_people``, written as Chinese names are written: family
    name first, no space ("王秀英", not "秀英 王"). Only a name written so takes the Han readings
    (``ml.screening.readings``); the faker names as ``ordinary_people`` writes them take pinyin alone."""
    from faker import Faker

    fake = Faker(locale)
    fake.seed_instance(seed)
    rng = random.Random(seed)  # noqa: S311  (reproducible test data, not security)
    people = []
    for _ in range(count):
        given, family = fake.first_name(), fake.last_name()
        people.append((f"{family}{given}", rng.randint(1940, 2006), nationality))
    return people


def false_flags(
    screener: RapidfuzzSanctionsScreener, people: Sequence[tuple[str, int, str]]
) -> tuple[int, int, int, int]:
    """(hits by name only, hits or near-hits by name only, of those the ones that ask for the birth date
    and nationality, hits or near-hits with birth year and nationality) among people not listed."""
    hits = flagged = asks = flagged_with_identifiers = 0
    for name, year, nationality in people:
        result = screener.screen(ScreeningQuery(name))
        levels = {h.level for h in result.hits}
        hits += MatchLevel.HIT in levels
        flagged += bool(levels & FLAGGED)
        asks += result.needs_more_data
        full = screener.screen(ScreeningQuery(name, birth_year=year, nationality=nationality))
        flagged_with_identifiers += bool({h.level for h in full.hits} & FLAGGED)
    return hits, flagged, asks, flagged_with_identifiers


def false_flag_rows(data_dir: Path, per_locale: int, seed: int) -> list[str]:
    lists = load_watchlists(data_dir / "sanctions")
    before = RapidfuzzSanctionsScreener(lists, cross_script=False)
    after = RapidfuzzSanctionsScreener(lists)
    totals: dict[str, list[int]] = {}
    written = tuple((CHINESE_AS_WRITTEN, loc, nat) for label, loc, nat in NATIVE_LOCALES if label == "Chinese")
    for label, locale, nationality in (*NATIVE_LOCALES, *written, *LATIN_LOCALES):
        generate = chinese_as_written if label == CHINESE_AS_WRITTEN else ordinary_people
        people = generate(locale, nationality, per_locale, seed)
        counts = [*false_flags(before, people), *false_flags(after, people), len(people)]
        totals[label] = [a + b for a, b in zip(totals.get(label, [0] * 9), counts, strict=True)]
    rows = []
    for label, (b_hit, b_flag, _, b_full, a_hit, a_flag, a_asks, a_full, n) in totals.items():
        def per_k(count: int, total: int = n) -> str:
            return f"{1000 * count / total:.0f}"
        rows.append(f"| {label} | {n} | {per_k(b_hit)} / {per_k(b_flag)} / {per_k(b_full)} "
                    f"| {per_k(a_hit)} / {per_k(a_flag)} / {per_k(a_full)} | {per_k(a_asks)} |")
    return rows


def report_section(data_dir: Path, per_locale: int = 500) -> str:
    """Markdown section: recall per script before/after, false flags per script before/after."""
    started = time.perf_counter()
    watchlist, pairs = build(data_dir)
    before = RapidfuzzSanctionsScreener(watchlist, cross_script=False)
    after = RapidfuzzSanctionsScreener(watchlist)
    method = (__doc__ or "").split("Method (stated in the report too):")[1].strip()
    # the per-script indexes and dictionaries are built by the screener, before timing
    wall_ms: list[float] = []
    before_ms: list[float] = []
    recall = recall_rows(before, after, pairs, wall_ms, before_ms)
    lines = [
        "## Screening names written in other scripts\n",
        "Method:\n\n" + method + "\n",
        "| names | split | n | found before | found after (hit or near-hit) | of which hits "
        "| found after, with the entry's birth year and nationality (pairs whose entry has them) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        *recall,
        "",
        f"Latency of `screen()` on these native-script names, 1 thread, in the same run: {percentiles(wall_ms)}; "
        f"compared as spelled only (`cross_script=False`): {percentiles(before_ms)}.\n",
        f"False flags per 1,000 ordinary people ({per_locale} per locale, seed 3), as hits / hits or near-hits "
        "by name only / hits or near-hits with birth year and nationality; the last column counts the "
        "name-only screenings that now ask for the birth date and nationality (near-hits on a common name "
        "or across scripts) instead of reporting a potential match:\n",
        "| names | n | before | after | after: asks for more data |",
        "| --- | --- | --- | --- | --- |",
        *false_flag_rows(data_dir, per_locale, seed=3),
        "",
        f"Evaluation time: {time.perf_counter() - started:.0f} s.\n",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    print(report_section(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/data")))

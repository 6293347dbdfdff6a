"""``ledger verify`` of a large SQLite ledger on every core: consecutive segments checked side by side.

One core hashes about 270k events/s (four SHA-256 per event: the state, the entry, the leaf and a
tree node on average) and reading the rows costs a third more, so one process stays near the
docs/targets.md §1 floor of 250k events/s on a quiet machine and far under it on a busy one. The
chain need not be walked in order to be checked: an entry hash recomputed over the *stored* hash
before it and equal to its own stored hash proves the link (``domain.integrity.ledger_columns``).
So the ledger is cut at batch boundaries into one segment per core; this process confirms the first
and one child process per other core (``python -m adapters.persistence.parallel_verify``) confirms
each of the others, returning its last hash and the roots of its perfect subtrees. The verifier
joins them (``verify_ledger``), and walks the whole ledger in order if any segment is not confirmed
or does not join, so a failure is reported exactly as before.

The segments are read in separate read transactions. The rows up to the last rowid of the
verifier's own snapshot are the same in each: an event row never changes after its commit (its
triggers refuse updates and deletes) and later rows are past every segment. A ledger whose rowids
do not run 1, 2, 3... (rows deleted, rows without a hash) is never split: it is walked in order.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

from adapters.persistence.sqlite_ledger_rows import sqlite_columns
from domain.integrity.chain import GENESIS_HASH
from domain.integrity.ledger_columns import BATCH, Confirm, Segment, confirm_segment

MIN_PARALLEL = 200_000  # below it one core is done in under a second; a child process costs ~0.1 s


def default_workers() -> int:
    """One segment per core this process may run on, at most four."""
    return max(1, min(4, len(os.sched_getaffinity(0))))


def sqlite_confirm(db: sqlite3.Connection, path: Path, table: str, workers: int, min_rows: int) -> Confirm | None:
    """A ``Confirm`` for the ledger ``db`` sees (in its read transaction), or None when it is too
    small to be worth splitting or its rowids do not run from 1 without a gap."""
    first, last = db.execute(f"SELECT min(rowid), max(rowid) FROM {table}").fetchone()
    if workers < 2 or first != 1 or last is None or last < max(min_rows, 2 * BATCH):
        return None
    bounds = split(last, workers)  # each segment must then hold every rowid of its range

    def confirm(stops: Sequence[int]) -> list[Segment] | None:
        return confirm_ranges(path, table, bounds, stops)

    return confirm


def split(size: int, parts: int) -> list[tuple[int, int]]:
    """``parts`` consecutive ranges (start, end] of positions 1..``size``, cut at batch boundaries."""
    cuts = [0] + [round(size * k / parts / BATCH) * BATCH for k in range(1, parts)] + [size]
    return [(a, b) for a, b in pairwise(cuts) if b > a]


def confirm_ranges(path: Path, table: str, bounds: list[tuple[int, int]], stops: Sequence[int]) -> list[Segment] | None:
    """Every range confirmed: the first here, the others in child processes at the same time."""
    children = []
    for start, end in bounds[1:]:
        child = subprocess.Popen(  # this interpreter and this module, fixed arguments
            [sys.executable, "-m", "adapters.persistence.parallel_verify"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert child.stdin is not None
        child.stdin.write(json.dumps([str(path), table, start, end, list(stops)]).encode())
        child.stdin.close()
        children.append(child)
    segments = [confirm_range(path, table, *bounds[0], stops)]
    for child in children:
        assert child.stdout is not None
        output = child.stdout.read()
        child.stdout.close()
        segments.append(decode(output) if child.wait() == 0 else None)
    return None if any(segment is None for segment in segments) else [s for s in segments if s is not None]


def confirm_range(path: Path, table: str, start: int, end: int, stops: Sequence[int]) -> Segment | None:
    """The segment of positions (``start``, ``end``], or None if it is not confirmed whole."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    try:
        db.execute("BEGIN")
        prev = GENESIS_HASH
        if start:
            row = db.execute(f"SELECT entry_hash FROM {table} WHERE rowid = ?", (start,)).fetchone()
            if row is None or not isinstance(row[0], bytes):
                return None
            prev = row[0]
        rows = db.execute(
            f"SELECT rowid, originator_id, originator_version, CAST(topic AS BLOB), state, entry_hash "
            f"FROM {table} WHERE rowid > ? AND rowid <= ? ORDER BY rowid",
            (start, end),
        )
        batches = sqlite_columns(rows)
        try:
            segment = confirm_segment(prev, start, batches, stops)
        finally:
            batches.close()
        return segment if segment is not None and segment.size == end - start else None
    finally:
        db.close()


def encode(segment: Segment | None) -> bytes:
    if segment is None:
        return b"null"
    pieces = [[size, root.hex()] for size, root in segment.pieces]
    return json.dumps([segment.start, segment.size, segment.prev.hex(), segment.last.hex(), pieces]).encode()


def decode(output: bytes) -> Segment | None:
    try:
        value = json.loads(output)
        if value is None:
            return None
        start, size, prev, last, pieces = value
        roots = [(int(n), bytes.fromhex(r)) for n, r in pieces]
        return Segment(int(start), int(size), bytes.fromhex(prev), bytes.fromhex(last), roots)
    except (ValueError, TypeError):
        return None


def main() -> None:
    """A child: read ``[path, table, start, end, stops]`` as JSON on stdin, write the segment."""
    path, table, start, end, stops = json.loads(sys.stdin.buffer.read())
    segment = confirm_range(Path(path), str(table), int(start), int(end), [int(s) for s in stops])
    sys.stdout.buffer.write(encode(segment))


if __name__ == "__main__":
    main()

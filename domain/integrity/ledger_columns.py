"""The ledger's lockstep rows in column batches, and the batch checks ``verify`` runs on them.

``verify`` walks the n-th event beside the n-th chain entry (``verifier.LedgerRow``). Walking them
one Python loop iteration per row capped it near 270k events/s of CPU on one core, before any
reading (docs/targets.md §1: 250k/s on SQLite and 200k/s on PostgreSQL over 1,000,000 events).
A batch of rows as columns is checked with no Python bytecode per row: every step is a ``map``
over a column, run by the interpreter's C code.

What makes the chain check a batch operation: the entry hash at position n binds the entry hash at
n - 1. Recomputing each entry over the *stored* hash of its predecessor and finding it equal to its
own stored hash, for every row of a batch, proves the batch's chain exactly as the sequential walk
does (by induction from the batch's first row, chained onto the hash the walk already trusts). If
any row of a batch differs, misaligns or does not fit the encoding, the batch is handed to the
sequential walk from its first row, which finds and names the first bad position as it always did:
the batch path only ever confirms, it never reports.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice, repeat
from operator import eq
from typing import Any, NamedTuple

from domain.integrity.chain import ENTRY_DOMAIN, GENESIS_HASH

BATCH = 4_096  # rows per batch: large enough for ``map`` to pay off, small enough to stay in cache

_sha256 = hashlib.sha256
_digest = type(_sha256()).digest  # the C method, mapped over hash objects
_DOMAIN_PREFIX = len(ENTRY_DOMAIN).to_bytes(4, "big") + ENTRY_DOMAIN
_UUID_PREFIX = (16).to_bytes(4, "big")
_pack_two_u64 = struct.Struct(">QQ").pack
_pack_u64 = struct.Struct(">Q").pack
_LEAF, _NODE = b"\x00", b"\x01"  # RFC 9162 domain separation (domain.integrity.merkle)
MAX_CACHED_TOPICS = 4096  # a tampered ledger with a topic per row cannot grow the cache without bound


class LedgerColumns(NamedTuple):
    """Equally long columns of lockstep rows: ``LedgerRow``'s fields, one sequence each."""

    notification_ids: Sequence[Any]
    originator_ids: Sequence[Any]
    versions: Sequence[Any]
    topics: Sequence[Any]
    states: Sequence[Any]
    positions: Sequence[Any]
    link_notification_ids: Sequence[Any]
    entry_hashes: Sequence[Any]

    def rows(self) -> Iterator[tuple[Any, ...]]:
        return zip(*self, strict=True)


class Segment(NamedTuple):
    """Positions ``start`` + 1 to ``start`` + ``size`` confirmed by ``confirm_segment``: their chain
    links onto ``prev`` (the hash stored at ``start``) and ends with ``last``; ``pieces`` are their
    leaves as perfect subtrees (``subtree_pieces``), cut at the checkpoint sizes it was given."""

    start: int
    size: int
    prev: bytes
    last: bytes
    pieces: list[tuple[int, bytes]]


# Confirms the whole ledger as consecutive segments, given the checkpoint sizes; None if it cannot.
Confirm = Callable[[Sequence[int]], "Sequence[Segment] | None"]


class ColumnBatches:
    """Lockstep rows a reader already holds as column batches; iterating gives the flat rows.

    ``confirm``, if given, may confirm the same rows as segments read and checked side by side (on
    several cores); the walk then only joins them, and falls back to the batches if it cannot.
    """

    def __init__(self, batches: Iterable[LedgerColumns], confirm: Confirm | None = None) -> None:
        self.batches = batches
        self.confirm = confirm

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        for batch in self.batches:
            yield from batch.rows()


def columns_of(rows: Iterable[tuple[Any, ...]], size: int = BATCH) -> Iterator[LedgerColumns]:
    """Flat lockstep rows cut into column batches of ``size`` rows."""
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield LedgerColumns(*zip(*chunk, strict=True))


class TopicFields(dict[Any, bytes]):
    """``lp(topic)`` by topic bytes, built on first use (a ledger has a few hundred topics)."""

    def __missing__(self, topic: bytes) -> bytes:
        field = len(topic).to_bytes(4, "big") + topic
        if len(self) < MAX_CACHED_TOPICS:
            self[topic] = field
        return field


def chained_batch(prev: bytes, position: int, batch: LedgerColumns, topics: TopicFields) -> list[bytes] | None:
    """The batch's entry hashes if every row sits at the next position beside its own event and
    recomputes to its stored hash (the first chained onto ``prev``, the hash at ``position``);
    None if any row does not, for the sequential walk to find which and why."""
    count = len(batch.notification_ids)
    if not count or any(len(column) != count for column in batch):
        return None
    nids, positions, stored = batch.notification_ids, batch.positions, batch.entry_hashes
    try:
        if not all(map(eq, positions, range(position + 1, position + count + 1))):
            return None
        if nids is not batch.link_notification_ids and not all(map(eq, nids, batch.link_notification_ids)):
            return None
        messages = map(
            b"".join,
            zip(
                repeat(_DOMAIN_PREFIX),
                _previous(prev, stored, count),
                map(_pack_two_u64, positions, nids),
                repeat(_UUID_PREFIX),
                batch.originator_ids,
                map(_pack_u64, batch.versions),
                map(topics.__getitem__, batch.topics),
                map(_digest, map(_sha256, batch.states)),
            ),
        )
        computed = list(map(_digest, map(_sha256, messages)))
        if all(map(hmac.compare_digest, computed, stored)):  # same_hash, column-wise
            return computed
    except (TypeError, ValueError, OverflowError, struct.error):
        pass  # a field the encoding cannot take: the walk names the row
    return None


def confirm_segment(prev: bytes, start: int, batches: Iterable[LedgerColumns], stops: Sequence[int]) -> Segment | None:
    """The segment of ``batches`` (the rows after position ``start``, chained onto ``prev``) if
    ``chained_batch`` confirms every batch; None at the first it does not."""
    position, last, topics, pieces = start, prev, TopicFields(), []
    for batch in batches:
        computed = chained_batch(last, position, batch, topics)
        if computed is None:
            return None
        pieces.extend(subtree_pieces(leaf_hashes(computed), position, stops))
        position, last = position + len(computed), computed[-1]
    return Segment(start, position - start, prev, last, pieces)


def segments_join(segments: Sequence[Segment]) -> bool:
    """Whether the segments are the ledger from its first position on: each starts where the one
    before ended, chained onto the hash that one ended with."""
    prev, position = GENESIS_HASH, 0
    for segment in segments:
        if segment.start != position or segment.prev != prev:
            return False
        prev, position = segment.last, position + segment.size
    return True


def _previous(prev: bytes, stored: Sequence[Any], count: int) -> Iterator[Any]:
    yield prev
    yield from islice(stored, count - 1)


def leaf_hashes(entry_hashes: Iterable[bytes]) -> list[bytes]:
    """RFC 9162 leaf hashes: SHA-256(0x00 || entry hash)."""
    return list(map(_digest, map(_sha256, map(_LEAF.__add__, entry_hashes))))


def subtree_pieces(leaves: list[bytes], size: int, stops: Sequence[int]) -> list[tuple[int, bytes]]:
    """``leaves`` appended to a tree of ``size`` leaves, as (leaf count, root) of perfect subtrees,
    in order: each as large as the tree's binary counter allows (no larger than the tree's smallest
    subtree) and none crossing a size in ``stops`` (sorted: where checkpoints are checked)."""
    pieces, start, stop_at = [], 0, bisect_right(stops, size)
    while start < len(leaves):
        while stop_at < len(stops) and stops[stop_at] <= size:
            stop_at += 1
        room = len(leaves) - start
        if stop_at < len(stops):
            room = min(room, stops[stop_at] - size)
        chunk = 1 << (room.bit_length() - 1)
        if size:
            chunk = min(chunk, size & -size)
        pieces.append((chunk, subtree_root(leaves[start : start + chunk])))
        start += chunk
        size += chunk
    return pieces


def subtree_root(nodes: list[bytes]) -> bytes:
    """The root of the perfect subtree over ``nodes`` (a power-of-two count of leaf hashes), level by level."""
    while len(nodes) > 1:
        nodes = list(map(_digest, map(_sha256, map(b"".join, zip(repeat(_NODE), nodes[0::2], nodes[1::2])))))
    return nodes[0]

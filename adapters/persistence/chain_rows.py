"""Shared chain bookkeeping for the chained recorders (no driver code here).

The SQLite and in-memory writers hash in Python (PostgreSQL hashes inside the server, see
``pg_chain_sql``). Their hashing is split in two: ``entry_bodies`` does everything the entry hash
binds of an event that does not depend on its place in the chain, including the SHA-256 of the
stored state; ``link_chain`` adds the previous hash, the position and the id (SQLite links onto the
tail it guesses before taking the write lock and re-links only if the guess was stale).
The bytes hashed are exactly those of ``domain.integrity.chain.entry_hash_of`` (the frozen
encoding); tests/unit/ledger/test_chain_fast_path.py holds the two equal on the published vectors
and on arbitrary inputs, and ``verify`` re-derives every hash with ``entry_hash_of`` itself.
"""

from __future__ import annotations

import hashlib
import struct
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from domain.integrity.chain import ENTRY_DOMAIN, GENESIS_HASH, HASH_SIZE

_sha256 = hashlib.sha256
_DOMAIN_PREFIX = len(ENTRY_DOMAIN).to_bytes(4, "big") + ENTRY_DOMAIN  # lp(ENTRY_DOMAIN)
_pack_link = struct.Struct(">QQ").pack  # u64(position) || u64(notification_id)
_pack_origin = struct.Struct(">I16sQ").pack  # lp(16 raw UUID bytes) || u64(originator_version)
_TOPIC_FIELDS: dict[str, bytes] = {}  # lp(topic as UTF-8) by topic: a ledger has a few hundred topics
_MAX_CACHED_TOPICS = 4096


@dataclass(frozen=True)
class ChainRow:
    """One row of the chain table: the event at ``notification_id`` has ``entry_hash``."""

    position: int
    notification_id: int
    entry_hash: bytes


class ChainTail(NamedTuple):
    """The last chain row: its position, entry hash and the notification id of its event."""

    position: int
    entry_hash: bytes
    notification_id: int


ChainParams = tuple[int, int, bytes]  # (position, notification_id, entry_hash), ready for the driver


def as_uuid(originator_id: UUID | str) -> UUID:
    return originator_id if isinstance(originator_id, UUID) else UUID(str(originator_id))


def entry_bodies(stored_events: Sequence[StoredEvent]) -> list[bytes]:
    """``lp(originator_id) || u64(version) || lp(topic) || SHA-256(state)`` of each event."""
    bodies: list[bytes] = []
    append = bodies.append
    for event in stored_events:
        originator_id = event.originator_id
        if originator_id.__class__ is not UUID:
            originator_id = UUID(str(originator_id))
        try:
            origin = _pack_origin(16, originator_id.bytes, event.originator_version)
        except struct.error:
            raise ValueError("originator_version must fit in u64") from None
        append(origin + (_TOPIC_FIELDS.get(event.topic) or _topic_field(event.topic)) + _sha256(event.state).digest())
    return bodies


def _topic_field(topic: str) -> bytes:
    encoded = topic.encode("utf-8")
    field = len(encoded).to_bytes(4, "big") + encoded  # never empty, so `get(...) or` above is exact
    if len(_TOPIC_FIELDS) < _MAX_CACHED_TOPICS:
        _TOPIC_FIELDS[topic] = field
    return field


def link_chain(tail: ChainTail | None, bodies: Sequence[bytes], notification_ids: Sequence[int]) -> list[ChainParams]:
    """Chain rows for freshly inserted events (given by their ``entry_bodies``), continuing ``tail``."""
    if len(notification_ids) != len(bodies):
        raise RuntimeError("recorder returned a notification id count unlike the event count")
    position, prev = (tail.position, tail.entry_hash) if tail is not None else (0, GENESIS_HASH)
    if len(prev) != HASH_SIZE:
        raise ValueError("prev_hash must be 32 bytes")
    rows: list[ChainParams] = []
    append = rows.append
    try:
        for body, notification_id in zip(bodies, notification_ids, strict=True):
            position += 1
            prev = _sha256(_DOMAIN_PREFIX + prev + _pack_link(position, notification_id) + body).digest()
            append((position, notification_id, prev))
    except struct.error:
        raise ValueError("position and notification_id must fit in u64") from None
    return rows


def tail_of(rows: Sequence[ChainParams]) -> ChainTail:
    position, notification_id, entry_hash = rows[-1]
    return ChainTail(position, entry_hash, notification_id)


def extend_chain(
    tail: tuple[int, bytes] | None,
    stored_events: Sequence[StoredEvent],
    notification_ids: Sequence[int],
) -> list[ChainRow]:
    """Chain rows for freshly inserted events, continuing from ``tail`` (last position, hash)."""
    start = ChainTail(tail[0], tail[1], 0) if tail is not None else None
    return [ChainRow(*row) for row in link_chain(start, entry_bodies(stored_events), notification_ids)]


class TailCache:
    """The chain tail this process last committed: the SQLite writers' guess of the current tail.

    A writer chains its events onto the cached tail and inserts them at rowid = tail + 1 before it
    knows whether the guess is current. Rowids are handed out as max + 1 under SQLite's write lock,
    rows are never deleted and a rolled-back insert frees its rowids, so a cached tail is current
    exactly when that insert does not collide: any write by another process or connection in
    between took rowid tail + 1, the insert fails, and the writer reads the tail from the table.
    Writers ``promote`` a tail only after its transaction committed, never one that rolled back.
    ``hits`` and ``misses`` count guesses found current or not (approximately, under threads).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tail: ChainTail | None = None
        self.hits = 0
        self.misses = 0

    def guess(self) -> ChainTail | None:
        """The last committed tail this process knows of (None before its first commit)."""
        return self._tail  # one reference read: no lock needed

    def note(self, current: bool) -> None:
        """Count a guess that was current (a hit) or was not, or was missing (a miss)."""
        if current:
            self.hits += 1
        else:
            self.misses += 1

    def promote(self, committed: ChainTail) -> None:
        """Remember a tail whose transaction committed (a later one is never replaced)."""
        with self._lock:  # a thread that committed earlier may get here later: never go back
            if self._tail is None or committed.position > self._tail.position:
                self._tail = committed

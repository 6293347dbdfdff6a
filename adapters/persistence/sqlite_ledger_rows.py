"""The SQLite ledger's rows paired in lockstep, for ``ledger verify`` (see ``ledger_batches``).

SQLite keeps the entry hash in the event's own row (``sqlite_chain_schema``), so one ordered scan of
the events table is both streams. A row without a hash is absent from the chain, so from the first
such row on the two streams are paired through a queue, exactly as two cursors would. This module
needs no PostgreSQL driver: ``parallel_verify``'s child processes import it and start quickly.
"""

from __future__ import annotations

from binascii import Error as HexError
from binascii import unhexlify
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from functools import lru_cache
from itertools import chain
from typing import Any
from uuid import UUID

from domain.integrity.ledger_columns import BATCH, LedgerColumns, columns_of
from domain.integrity.verifier import NO_EVENT, NO_LINK, LedgerRow


def uuid_bytes(text: str) -> bytes:
    """The 16 bytes of a UUID stored as text, as ``UUID(text).bytes`` (fast for the canonical form)."""
    try:
        raw = unhexlify(text.replace("-", ""))
    except (HexError, ValueError, AttributeError):
        raw = b""
    return raw if len(raw) == 16 else UUID(text).bytes


@lru_cache(maxsize=4_096)
def _cached_uuid_bytes(text: str) -> bytes:
    """``uuid_bytes`` remembered for the aggregates met lately (their events are near each other)."""
    return uuid_bytes(text)


def sqlite_columns(cursor: Any, size: int = BATCH) -> Generator[LedgerColumns, None, None]:
    """The rows of ``SELECT rowid, originator_id, originator_version, topic bytes, state, entry_hash
    ... ORDER BY rowid`` as lockstep column batches: the event columns, and the rowid as both chain
    position and notification id beside the hash. From the first row without a hash on, the rows
    go through ``sqlite_lockstep``'s general pairing instead."""
    while rows := cursor.fetchmany(size):
        nids, oids, versions, topics, states, hashes = zip(*rows, strict=True)
        if None in hashes:
            yield from columns_of(sqlite_lockstep(chain(rows, cursor)), size)
            return
        yield LedgerColumns(nids, tuple(map(_cached_uuid_bytes, oids)), versions, topics, states, nids, nids, hashes)


def sqlite_lockstep(rows: Iterable[tuple[Any, ...]]) -> Generator[LedgerRow, None, None]:
    """Pair the rows of ``SELECT rowid, originator_id, originator_version, topic bytes, state,
    entry_hash ... ORDER BY rowid``: the chain is the rows with a hash, at position = rowid."""
    iterator = iter(rows)
    last_text, last_raw = None, b""
    for nid, oid, version, topic, state, entry_hash in iterator:
        if entry_hash is None:
            yield from _queued_lockstep((nid, oid, version, topic, state, None), iterator)
            return
        if oid != last_text:  # a save's events of one aggregate are neighbours: parse its id once
            last_text, last_raw = oid, uuid_bytes(oid)
        yield nid, last_raw, version, topic, state, nid, nid, entry_hash
    return


def _queued_lockstep(first: tuple[Any, ...], rest: Iterator[tuple[Any, ...]]) -> Iterator[LedgerRow]:
    """The general pairing once a row without a hash was met: events and chain entries advance
    separately (the chain lags by the rows without a hash), each n-th event beside the n-th entry."""
    events: deque[tuple[Any, ...]] = deque()
    links: deque[tuple[Any, ...]] = deque()
    for nid, oid, version, topic, state, entry_hash in _prepend(first, rest):
        events.append((nid, uuid_bytes(oid), version, topic, state))
        if entry_hash is not None:
            links.append((nid, nid, entry_hash))
        while events and links:
            yield (*events.popleft(), *links.popleft())
    for event in events:
        yield (*event, *NO_LINK)
    for link in links:
        yield (*NO_EVENT, *link)


def _prepend(first: tuple[Any, ...], rest: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    yield first
    yield from rest

"""The one-pass walk of ``verify``: it reproduces the frozen chain encoding and the RFC 9162 root, and
the readers' lockstep pairing (SQLite's single scan, PostgreSQL's batches) pairs rows exactly as two
separate cursors would, including around the rows an attacker adds or removes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest

from adapters.persistence.ledger_batches import lockstep_batches
from adapters.persistence.sqlite_ledger_rows import sqlite_lockstep, uuid_bytes
from domain.integrity.chain import GENESIS_HASH, entry_hash_of
from domain.integrity.merkle import TreeAccumulator
from domain.integrity.verifier import ChainEntry, EventRow, paired_rows, verify_ledger, verify_rows

pytestmark = pytest.mark.unit

VECTORS = json.loads((Path(__file__).resolve().parents[3] / "domain/integrity/chain_vectors.json").read_text())


def _vector_ledger() -> tuple[list[EventRow], list[ChainEntry]]:
    events, chain = [], []
    for v in VECTORS["vectors"]:
        events.append(
            EventRow(
                v["notification_id"],
                UUID(v["originator_id"]),
                v["originator_version"],
                v["topic"],
                bytes.fromhex(v["state_hex"]),
            )
        )
        chain.append(ChainEntry(v["position"], v["notification_id"], bytes.fromhex(v["entry_hash_hex"])))
    return events, chain


def _ledger(count: int) -> tuple[list[EventRow], list[ChainEntry]]:
    events, chain, prev = [], [], GENESIS_HASH
    for n in range(1, count + 1):
        event = EventRow(n, uuid4(), n, "tests.Event", bytes([n]) * 30)
        prev = entry_hash_of(prev, n, n, event.originator_id, n, event.topic, event.state)
        events.append(event)
        chain.append(ChainEntry(n, n, prev))
    return events, chain


def test_the_walk_accepts_the_published_vectors_and_computes_their_merkle_root() -> None:
    events, chain = _vector_ledger()
    report = verify_rows(events, chain)
    assert report.ok and report.event_count == len(events)
    assert report.root_hash == TreeAccumulator().extend(link.entry_hash for link in chain).root()


@pytest.mark.parametrize("count", [1, 2, 3, 7, 8, 33])
def test_the_root_is_the_accumulators_for_every_tree_shape(count: int) -> None:
    events, chain = _ledger(count)
    report = verify_rows(events, chain)
    assert report.ok
    assert report.root_hash == TreeAccumulator().extend(link.entry_hash for link in chain).root()


def test_a_changed_byte_of_a_published_vector_fails_at_its_position() -> None:
    events, chain = _vector_ledger()
    third = events[2]
    events[2] = third._replace(state=third.state[:-1] + bytes([third.state[-1] ^ 1]))
    report = verify_rows(events, chain)
    assert report.first_bad_position == 3 and "entry hash mismatch" in report.reason
    assert report.event_count == 2


def test_a_version_outside_the_encoding_is_a_failure_not_a_crash() -> None:
    events, chain = _ledger(4)
    events[1] = events[1]._replace(originator_version=-1)
    report = verify_rows(events, chain)
    assert report.first_bad_position == 2 and "outside the chain's encoding" in report.reason


def _sqlite_rows(events: list[EventRow], hashes: list[bytes | None]) -> list[tuple[Any, ...]]:
    return [
        (e.notification_id, str(e.originator_id), e.originator_version, e.topic.encode(), e.state, h)
        for e, h in zip(events, hashes, strict=True)
    ]


def test_sqlite_single_scan_pairs_like_two_cursors_around_rows_without_a_hash() -> None:
    events, chain = _ledger(6)
    hashes: list[bytes | None] = [link.entry_hash for link in chain]
    hashes[2] = hashes[4] = None  # two rows written outside the ledger: absent from the chain view
    as_view = [
        ChainEntry(e.notification_id, e.notification_id, h)
        for e, h in zip(events, hashes, strict=True)
        if h is not None
    ]
    assert list(sqlite_lockstep(_sqlite_rows(events, hashes))) == list(paired_rows(events, as_view))
    report = verify_ledger(sqlite_lockstep(_sqlite_rows(events, hashes)))
    assert report == verify_rows(events, as_view)
    assert report.first_bad_position == 3 and "a chain entry was deleted" in report.reason


def test_sqlite_single_scan_of_an_intact_ledger_verifies() -> None:
    events, chain = _ledger(5)
    report = verify_ledger(sqlite_lockstep(_sqlite_rows(events, [link.entry_hash for link in chain])))
    assert report.ok and report.event_count == 5


class _FakeCopy:
    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self._rows = rows
        self.types: list[str] = []

    def set_types(self, types: list[str]) -> None:
        self.types = types

    def rows(self) -> list[tuple[Any, ...]]:
        return self._rows


def _batches(events: list[EventRow], chain: list[ChainEntry], size: int) -> list[tuple[Any, ...]]:
    """What ``pg_lockstep_copy`` sends: the n-th batch of each stream side by side, NULL when empty."""
    rows = []
    for start in range(0, max(len(events), len(chain)), size):
        e, c = events[start : start + size], chain[start : start + size]
        rows.append(
            (
                [x.notification_id for x in e] or None,
                [x.originator_id.bytes for x in e] or None,
                [x.originator_version for x in e] or None,
                [x.topic.encode() for x in e] or None,
                [x.state for x in e] or None,
                [x.position for x in c] or None,
                [x.notification_id for x in c] or None,
                [x.entry_hash for x in c] or None,
            )
        )
    return rows


@pytest.mark.parametrize(("events_kept", "chain_kept"), [(10, 10), (10, 7), (4, 10), (0, 3), (9, 0)])
def test_postgres_batches_flatten_into_the_pairs_of_two_cursors(events_kept: int, chain_kept: int) -> None:
    events, chain = _ledger(10)
    events, chain = events[:events_kept], chain[:chain_kept]
    copy = _FakeCopy(_batches(events, chain, 3))
    assert list(lockstep_batches(copy)) == list(paired_rows(events, chain))  # type: ignore[arg-type]
    assert copy.types[0] == "int8[]"


def test_uuid_text_is_read_as_the_uuid_module_reads_it() -> None:
    value = uuid4()
    for text in (str(value), str(value).upper(), value.hex, f"{{{value}}}", f"urn:uuid:{value}"):
        assert uuid_bytes(text) == value.bytes
    with pytest.raises(ValueError):
        uuid_bytes("not-a-uuid")
    with pytest.raises(ValueError):
        uuid_bytes(str(value)[:-2] + " 1")  # whitespace is no hex digit for UUID either

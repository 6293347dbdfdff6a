"""``verify_rows`` tells a deleted row (event and chain entry gone together, as on SQLite where they
are one row) from a deleted chain entry alone, both at the first missing position."""

from __future__ import annotations

from uuid import uuid4

import pytest

from domain.integrity.chain import GENESIS_HASH, entry_hash_of
from domain.integrity.verifier import ChainEntry, EventRow, verify_rows

pytestmark = pytest.mark.unit


def _ledger(count: int) -> tuple[list[EventRow], list[ChainEntry]]:
    events, chain, prev = [], [], GENESIS_HASH
    for n in range(1, count + 1):
        event = EventRow(n, uuid4(), 1, "tests.Event", bytes([n]) * 40)
        prev = entry_hash_of(prev, n, n, event.originator_id, 1, event.topic, event.state)
        events.append(event)
        chain.append(ChainEntry(n, n, prev))
    return events, chain


def test_an_intact_ledger_verifies() -> None:
    events, chain = _ledger(6)
    report = verify_rows(events, chain)
    assert report.ok and report.event_count == 6


def test_a_whole_deleted_row_is_reported_missing_at_its_position() -> None:
    events, chain = _ledger(6)
    report = verify_rows(events[:3] + events[4:], chain[:3] + chain[4:])
    assert report.first_bad_position == 4
    assert "missing" in report.reason and "row was deleted" in report.reason


def test_a_chain_entry_deleted_alone_is_reported_as_such() -> None:
    events, chain = _ledger(6)
    report = verify_rows(events, chain[:3] + chain[4:])
    assert report.first_bad_position == 4
    assert "a chain entry was deleted" in report.reason and "missing" not in report.reason

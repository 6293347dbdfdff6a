"""A bulk save of 10 MB on PostgreSQL completes (it hung in psycopg's pipeline above ~0.5 MB), with
and without group commit, its chain verifies, and a conflicting large save fails alone as an
IntegrityError leaving nothing behind. The bound is the test timeout, not a timed assertion."""

from __future__ import annotations

import os
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.persistence import InfrastructureFactory, IntegrityError, StoredEvent

from adapters.persistence.ledger_reader import PostgresLedgerReader
from adapters.persistence.pg_chain_writer import PIPELINE_MAX_BYTES, wire_size
from domain.integrity.verifier import verify_ledger
from ops.bootstrap import POSTGRES_FACTORY, postgres_env

pytestmark = pytest.mark.integration

EVENT_STATE = 100 * 1024
EVENTS = 100  # 10 MB of state in one save, as a watchlist or trust-list import


def _recorder(dsn: str, group_commit: str) -> Any:
    env = {**postgres_env(dsn), "PERSISTENCE_MODULE": POSTGRES_FACTORY, "KYC_GROUP_COMMIT": group_commit}
    return InfrastructureFactory.construct(env).application_recorder()


@pytest.mark.timeout(180)
@pytest.mark.parametrize("group_commit", ["0", "1"])
def test_a_ten_megabyte_save_completes_and_verifies(fresh_postgres_db: str, group_commit: str) -> None:
    recorder = _recorder(fresh_postgres_db, group_commit)
    recorder.insert_events([StoredEvent(uuid4(), 1, "tests.Small", b"s")])
    oid = uuid4()
    bulk = [StoredEvent(oid, v, "tests.BulkImport", os.urandom(EVENT_STATE)) for v in range(1, EVENTS + 1)]
    assert wire_size(bulk) > PIPELINE_MAX_BYTES
    ids = recorder.insert_events(bulk)
    assert ids is not None and len(ids) == EVENTS
    with PostgresLedgerReader(fresh_postgres_db, events_table="stored_events").ledger_rows() as rows:
        report = verify_ledger(rows)
    assert report.ok and report.event_count == EVENTS + 1


@pytest.mark.timeout(180)
def test_a_conflicting_large_save_fails_alone_and_writes_nothing(fresh_postgres_db: str) -> None:
    recorder = _recorder(fresh_postgres_db, "0")
    oid = uuid4()
    recorder.insert_events([StoredEvent(oid, 1, "tests.First", b"1")])
    clash = [StoredEvent(oid, v, "tests.BulkImport", os.urandom(EVENT_STATE)) for v in range(1, 11)]
    with pytest.raises(IntegrityError):
        recorder.insert_events(clash)
    recorder.insert_events([StoredEvent(oid, 2, "tests.Second", b"2")])
    with PostgresLedgerReader(fresh_postgres_db, events_table="stored_events").ledger_rows() as rows:
        report = verify_ledger(rows)
    assert report.ok and report.event_count == 2

"""The one-pass readers ``verify`` uses give exactly the rows of the two-cursor snapshot, on a real
PostgreSQL (batched binary COPY, batches smaller than the ledger) and SQLite, intact and after an
attacker's edits, including a row hidden at the smallest possible notification id."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any
from uuid import uuid4

import psycopg
import pytest
from eventsourcing.persistence import InfrastructureFactory, StoredEvent

from adapters.persistence.ledger_reader import PostgresLedgerReader, SQLiteLedgerReader
from domain.integrity.verifier import paired_rows, verify_ledger, verify_rows
from ops.bootstrap import POSTGRES_FACTORY, SQLITE_FACTORY, postgres_env

pytestmark = pytest.mark.integration

EVENTS = 10


def _fill(env: dict[str, str]) -> None:
    recorder = InfrastructureFactory.construct(env).application_recorder()
    for _ in range(EVENTS // 2):
        oid = uuid4()
        recorder.insert_events([StoredEvent(oid, v, "tests.OnePass", bytes([v]) * 50) for v in (1, 2)])


def _same_as_snapshot(reader: Any) -> Any:
    with reader.snapshot() as (events, chain):
        expected_rows = list(paired_rows(events, chain))
    with reader.ledger_rows() as rows:
        got = list(rows)
    assert got == expected_rows
    with reader.snapshot() as (events, chain):
        expected = verify_rows(events, chain)
    with reader.ledger_rows() as rows:
        report = verify_ledger(rows)
    assert report == expected
    return report


@pytest.fixture
def pg(fresh_postgres_db: str) -> tuple[PostgresLedgerReader, Any]:
    _fill({**postgres_env(fresh_postgres_db), "PERSISTENCE_MODULE": POSTGRES_FACTORY})

    def attack(statement: str) -> None:
        with psycopg.connect(fresh_postgres_db, autocommit=True) as db:
            db.execute("SET session_replication_role = replica")  # a superuser: triggers off
            db.execute(statement)

    return PostgresLedgerReader(fresh_postgres_db, events_table="stored_events", batch=3), attack


def test_postgres_intact_ledger_in_batches_smaller_than_it(pg: tuple[PostgresLedgerReader, Any]) -> None:
    report = _same_as_snapshot(pg[0])
    assert report.ok and report.event_count == EVENTS


@pytest.mark.parametrize(
    ("attack", "position"),
    [
        ("DELETE FROM stored_events_chain WHERE position = 4", 4),
        ("DELETE FROM stored_events_chain WHERE position > 7", 8),
        (
            "DELETE FROM stored_events WHERE notification_id > (SELECT notification_id FROM stored_events_chain "
            "WHERE position = 2)",
            3,
        ),
        (
            "INSERT INTO stored_events (originator_id, originator_version, topic, state) "
            "VALUES (gen_random_uuid(), 1, 'tests.Forged', '\\x00')",
            EVENTS + 1,
        ),
    ],
)
def test_postgres_tampering_reads_as_the_snapshot(
    pg: tuple[PostgresLedgerReader, Any], attack: str, position: int
) -> None:
    reader, run = pg
    run(attack)
    assert _same_as_snapshot(reader).first_bad_position == position


def test_postgres_a_row_at_the_smallest_bigint_id_is_not_skipped(pg: tuple[PostgresLedgerReader, Any]) -> None:
    reader, run = pg
    run(
        "INSERT INTO stored_events (notification_id, originator_id, originator_version, topic, state) "
        "VALUES (-9223372036854775808, gen_random_uuid(), 1, 'tests.Forged', '\\x00')"
    )
    report = _same_as_snapshot(reader)
    assert report.first_bad_position == 1 and "no chain entry" in report.reason


def test_sqlite_single_scan_reads_as_the_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    _fill({"PERSISTENCE_MODULE": SQLITE_FACTORY, "SQLITE_DBNAME": str(path)})
    reader = SQLiteLedgerReader(path)
    assert _same_as_snapshot(reader).ok
    with sqlite3.connect(path) as db:
        db.execute("DROP TRIGGER stored_events_no_update")
        db.execute("UPDATE stored_events SET entry_hash = NULL WHERE rowid = 6")
    assert _same_as_snapshot(reader).first_bad_position == 6

"""An SQLite ledger written with the separate chain table (the layout before the inline chain) is
migrated on the recorder's first start: same entry hashes, a view in place of the table, append-only
triggers kept, idempotent; a ledger whose chain does not map one-to-one is refused, untouched."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.persistence import InfrastructureFactory, StoredEvent

from adapters.persistence.chain_rows import extend_chain
from adapters.persistence.ledger_reader import SQLiteLedgerReader
from adapters.persistence.sqlite_chain_schema import LedgerSchemaError
from domain.integrity.verifier import verify_rows
from ops.bootstrap import SQLITE_FACTORY

pytestmark = pytest.mark.integration

# The chain table and triggers exactly as adapters/persistence/chained_sqlite.py created them
# before the entry hash moved into the events row.
LEGACY_SCHEMA = [
    "CREATE TABLE IF NOT EXISTS stored_events_chain (position INTEGER PRIMARY KEY, "
    "notification_id INTEGER NOT NULL, entry_hash BLOB NOT NULL CHECK (length(entry_hash) = 32))",
    *(
        f"CREATE TRIGGER IF NOT EXISTS {t}_no_{op} BEFORE {op.upper()} ON {t} "
        "BEGIN SELECT RAISE(ABORT, 'kycledger ledger tables are append-only'); END"
        for t in ("stored_events", "stored_events_chain") for op in ("update", "delete")
    ),
]


def _recorder(path: Path, module: str = SQLITE_FACTORY) -> Any:
    env = {"PERSISTENCE_MODULE": module, "SQLITE_DBNAME": str(path), "KYC_GROUP_COMMIT": "0"}
    return InfrastructureFactory.construct(env).application_recorder()  # type: ignore[arg-type]


def _saves(count: int) -> list[list[StoredEvent]]:
    saves = []
    for n in range(count):
        oid = uuid4()
        saves.append([StoredEvent(oid, v, "tests.Migrated", bytes([n]) * (20 + v)) for v in range(1, 2 + n % 3)])
    return saves


def _legacy_ledger(path: Path, saves: int = 6) -> list[tuple[int, int, bytes]]:
    """Events written by eventsourcing, chained into the legacy chain table as the old recorder did."""
    plain = _recorder(path, "eventsourcing.sqlite:SQLiteFactory")
    db = sqlite3.connect(path, isolation_level=None)
    for statement in LEGACY_SCHEMA:
        db.execute(statement)
    tail = None
    for events in _saves(saves):
        ids = list(plain.insert_events(events))
        rows = extend_chain(tail, events, ids)
        db.executemany("INSERT INTO stored_events_chain VALUES (?,?,?)",
                       [(r.position, r.notification_id, r.entry_hash) for r in rows])
        tail = (rows[-1].position, rows[-1].entry_hash)
    chain = db.execute("SELECT position, notification_id, entry_hash FROM stored_events_chain").fetchall()
    db.close()
    return chain


def _layout(path: Path) -> dict[str, str]:
    db = sqlite3.connect(path)
    try:
        return dict(db.execute("SELECT name, type FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchall())
    finally:
        db.close()


def _verify(path: Path) -> Any:
    with SQLiteLedgerReader(path).snapshot() as (events, chain):
        return verify_rows(events, chain)


def test_a_legacy_ledger_is_migrated_with_the_same_hashes_and_keeps_chaining(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    legacy_chain = _legacy_ledger(path)
    assert _layout(path)["stored_events_chain"] == "table" and _verify(path).ok

    recorder = _recorder(path)
    assert _layout(path)["stored_events_chain"] == "view"
    assert [(r.position, r.notification_id, r.entry_hash) for r in recorder.select_chain(1, 1000)] == legacy_chain
    recorder.insert_events(_saves(3)[2])  # a save of 3 continues the migrated chain
    report = _verify(path)
    assert report.ok, report.reason
    assert report.event_count == len(legacy_chain) + 3 == recorder.chain_size()

    again = _recorder(path)  # idempotent: a second start changes nothing
    assert again.select_chain(1, 1000) == recorder.select_chain(1, 1000)
    layout = _layout(path)
    assert {layout[f"stored_events_no_{op}"] for op in ("update", "delete")} == {"trigger"}
    db = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE stored_events SET entry_hash = ? WHERE rowid = 1", (bytes(32),))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM stored_events WHERE rowid = 1")
    db.close()


@pytest.mark.parametrize("damage", [
    "DELETE FROM stored_events_chain WHERE position = 3",
    "UPDATE stored_events_chain SET notification_id = 99 WHERE position = 2",
])
def test_a_legacy_ledger_whose_chain_does_not_map_onto_its_events_is_refused_untouched(
    tmp_path: Path, damage: str
) -> None:
    path = tmp_path / "ledger.db"
    _legacy_ledger(path)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("DROP TRIGGER stored_events_chain_no_update")
    db.execute("DROP TRIGGER stored_events_chain_no_delete")
    db.execute(damage)
    before = db.execute("SELECT * FROM stored_events_chain").fetchall()
    db.close()
    layout = _layout(path)

    with pytest.raises(LedgerSchemaError, match="ledger verify"):
        _recorder(path)
    assert _layout(path) == layout  # nothing of the migration was committed
    db = sqlite3.connect(path)
    assert db.execute("SELECT * FROM stored_events_chain").fetchall() == before
    assert "entry_hash" not in {row[1] for row in db.execute("PRAGMA table_info(stored_events)")}
    db.close()


def test_an_unknown_mix_of_layouts_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    # eventsourcing's plain events table, plus a chain view over it but no hash column: no layout of ours
    _recorder(path, "eventsourcing.sqlite:SQLiteFactory")
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("CREATE VIEW stored_events_chain AS SELECT rowid AS position FROM stored_events")
    db.close()
    with pytest.raises(LedgerSchemaError, match="no kycledger layout"):
        _recorder(path)

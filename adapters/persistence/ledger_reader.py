"""Raw, read-only streams of the ledger's event rows and chain rows, for verification and export.

They bypass eventsourcing on purpose: the verifier must see exactly the bytes on disk, including
rows nobody should have written. Both streams come from one consistent snapshot.

``ledger_rows`` is what ``kycledger ledger verify`` reads: the events and the chain already paired
in lockstep (``domain.integrity.verifier.LedgerRow``), in one pass over the tables and with no
object built per event (docs/targets.md §1). ``snapshot`` gives the two streams as ``EventRow`` and
``ChainEntry`` for the export and the evidence bundle.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
from psycopg import sql

from adapters.persistence.ledger_batches import lockstep_columns, pg_lockstep_copy
from adapters.persistence.parallel_verify import MIN_PARALLEL, default_workers, sqlite_confirm
from adapters.persistence.sqlite_ledger_rows import sqlite_columns
from domain.integrity.ledger_columns import BATCH as LOCKSTEP_BATCH
from domain.integrity.ledger_columns import ColumnBatches
from domain.integrity.verifier import ChainEntry, EventRow, LedgerRow

BATCH = 5_000


class SQLiteLedgerReader:
    """Reads ``stored_events`` and its chain from an SQLite ledger file."""

    def __init__(
        self,
        path: Path,
        events_table: str = "stored_events",
        workers: int | None = None,
        min_parallel: int = MIN_PARALLEL,
    ) -> None:
        if not path.is_file():
            raise FileNotFoundError(f"no ledger database at {path}")
        self.path = path
        self.workers = default_workers() if workers is None else workers  # processes ``verify`` may use
        self.min_parallel = min_parallel
        self.events_table = events_table
        self.chain_table = f"{events_table}_chain"

    @contextmanager
    def _read_transaction(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, isolation_level=None)
        try:
            db.execute("BEGIN")  # one read transaction: every cursor sees the same snapshot
            yield db
        finally:
            db.close()

    @contextmanager
    def snapshot(self) -> Iterator[tuple[Iterator[EventRow], Iterator[ChainEntry]]]:
        with self._read_transaction() as db:
            events = db.execute(
                f"SELECT rowid, originator_id, originator_version, topic, state FROM {self.events_table} ORDER BY rowid"
            )
            chain = db.execute(
                f"SELECT position, notification_id, entry_hash FROM {self.chain_table} ORDER BY position"
            )
            yield (
                (EventRow(r[0], UUID(r[1]), r[2], r[3], bytes(r[4])) for r in events),
                (ChainEntry(r[0], r[1], bytes(r[2])) for r in chain),
            )

    @contextmanager
    def ledger_rows(self) -> Iterator[Iterable[LedgerRow]]:
        """One read of the events table: the chain is its ``entry_hash`` column (sqlite_chain_schema);
        a large ledger is also offered to ``verify`` as segments checked on every core (``parallel_verify``)."""
        with self._read_transaction() as db:
            confirm = sqlite_confirm(db, self.path, self.events_table, self.workers, self.min_parallel)
            rows = db.execute(
                f"SELECT rowid, originator_id, originator_version, CAST(topic AS BLOB), state, entry_hash "
                f"FROM {self.events_table} ORDER BY rowid"
            )
            batches = sqlite_columns(rows)
            try:
                yield ColumnBatches(batches, confirm)
            finally:
                batches.close()  # before the connection: a walk that stopped early leaves it suspended


class PostgresLedgerReader:
    """Reads ``<schema>.kycledger_events`` and its chain through server-side cursors."""

    def __init__(
        self, dsn: str, schema: str = "public", events_table: str = "kycledger_events", batch: int = LOCKSTEP_BATCH
    ) -> None:
        self.dsn = dsn
        self.batch = batch
        self.schema = schema
        self.events_table = events_table
        self.chain_table = f"{events_table}_chain"

    def _table(self, name: str) -> sql.Composable:
        return sql.SQL("{}.{}").format(sql.Identifier(self.schema), sql.Identifier(name))

    @contextmanager
    def snapshot(self) -> Iterator[tuple[Iterator[EventRow], Iterator[ChainEntry]]]:
        conn: psycopg.Connection[Any] = psycopg.connect(self.dsn)
        try:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            events = conn.cursor(name="kyc_verify_events")
            events.itersize = BATCH
            events.execute(
                sql.SQL(
                    "SELECT notification_id, originator_id, originator_version, topic, state FROM {} "
                    "ORDER BY notification_id"
                ).format(self._table(self.events_table))
            )
            chain = conn.cursor(name="kyc_verify_chain")
            chain.itersize = BATCH
            chain.execute(
                sql.SQL("SELECT position, notification_id, entry_hash FROM {} ORDER BY position").format(
                    self._table(self.chain_table)
                )
            )
            yield (
                (
                    EventRow(r[0], r[1] if isinstance(r[1], UUID) else UUID(str(r[1])), r[2], r[3], bytes(r[4]))
                    for r in events
                ),
                (ChainEntry(r[0], r[1], bytes(r[2])) for r in chain),
            )
        finally:
            conn.rollback()
            conn.close()

    @contextmanager
    def ledger_rows(self) -> Iterator[Iterable[LedgerRow]]:
        """One binary COPY that walks both tables in lockstep batches (``ledger_batches``)."""
        conn: psycopg.Connection[Any] = psycopg.connect(self.dsn)
        try:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            copy_sql = pg_lockstep_copy(self._table(self.events_table), self._table(self.chain_table), self.batch)
            with conn.cursor() as cursor, cursor.copy(copy_sql) as copy:
                batches = lockstep_columns(copy)
                try:
                    yield ColumnBatches(batches)
                finally:
                    batches.close()
        finally:
            conn.close()  # read only: closing ends the transaction, and a COPY the caller left early

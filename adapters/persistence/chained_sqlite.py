"""SQLite recorders that hash-chain every event in the inserting transaction (embedded default).

The chain lives in ``<events table>_chain`` next to the events table. Triggers make both tables
append-only: UPDATE and DELETE abort (SQLite has no TRUNCATE; a bare DELETE hits the same trigger).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import (
    SQLiteApplicationRecorder,
    SQLiteCursor,
    SQLiteDatastore,
    SQLiteFactory,
    SQLiteProcessRecorder,
)

from adapters.persistence.chain_rows import ChainRow, extend_chain

APPEND_ONLY_MESSAGE = "kycledger ledger tables are append-only"


def append_only_triggers(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END",
    ]


class SQLiteChainMixin:
    """Adds the chain table, the append-only triggers and chain reads to an SQLite recorder."""

    datastore: SQLiteDatastore
    events_table_name: str

    @property
    def chain_table_name(self) -> str:
        return f"{self.events_table_name}_chain"

    def chain_create_statements(self) -> list[str]:
        chain = self.chain_table_name
        return [
            f"CREATE TABLE IF NOT EXISTS {chain} ("
            "position INTEGER PRIMARY KEY, "
            "notification_id INTEGER NOT NULL UNIQUE, "
            "entry_hash BLOB NOT NULL CHECK (length(entry_hash) = 32))",
            *append_only_triggers(self.events_table_name),
            *append_only_triggers(chain),
        ]

    def _append_chain(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], ids: Sequence[int]
    ) -> None:
        # We already hold SQLite's write lock (our INSERTs came first), so the tail is stable.
        c.execute(
            f"SELECT position, entry_hash FROM {self.chain_table_name} ORDER BY position DESC LIMIT 1"
        )
        row = c.fetchone()
        tail = (int(row[0]), bytes(row[1])) if row is not None else None
        rows = extend_chain(tail, stored_events, ids)
        c.executemany(
            f"INSERT INTO {self.chain_table_name} (position, notification_id, entry_hash) VALUES (?,?,?)",
            [(r.position, r.notification_id, r.entry_hash) for r in rows],
        )

    def chain_size(self) -> int:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT MAX(position) FROM {self.chain_table_name}")
            row = c.fetchone()
            return int(row[0] or 0)

    def select_chain(self, start: int, limit: int) -> list[ChainRow]:
        """Chain rows with position >= start, in order, at most ``limit``."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT position, notification_id, entry_hash FROM {self.chain_table_name} "
                "WHERE position >= ? ORDER BY position LIMIT ?",
                (start, limit),
            )
            return [ChainRow(int(r[0]), int(r[1]), bytes(r[2])) for r in c.fetchall()]

    # ChainReader (domain.integrity.merkle_store): the Merkle log reads leaves through this.
    def size(self) -> int:
        return self.chain_size()

    def entry_hashes(self, start: int, limit: int) -> list[bytes]:
        return [r.entry_hash for r in self.select_chain(start, limit)]


class ChainedSQLiteApplicationRecorder(SQLiteChainMixin, SQLiteApplicationRecorder):
    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *self.chain_create_statements()]

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        if stored_events:
            self._append_chain(c, stored_events, list(ids or ()))
        return ids


class ChainedSQLiteProcessRecorder(SQLiteChainMixin, SQLiteProcessRecorder):
    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *self.chain_create_statements()]

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = SQLiteApplicationRecorder._insert_events(self, c, stored_events, **kwargs)
        if stored_events:
            self._append_chain(c, stored_events, list(ids or ()))
        tracking = kwargs.get("tracking")
        if tracking is not None:
            self._insert_tracking(c, tracking)
        return ids


class Factory(SQLiteFactory):
    """``PERSISTENCE_MODULE=adapters.persistence.chained_sqlite:Factory`` selects this factory."""

    application_recorder_class = ChainedSQLiteApplicationRecorder
    process_recorder_class = ChainedSQLiteProcessRecorder

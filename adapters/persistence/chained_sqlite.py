"""SQLite recorders that hash-chain every event in the inserting transaction (embedded default).

The chain lives in ``<events table>_chain`` next to the events table. Triggers make both tables
append-only: UPDATE and DELETE abort (SQLite has no TRUNCATE; a bare DELETE hits the same trigger).
"""

from __future__ import annotations

import sqlite3
from abc import abstractmethod
from collections.abc import Sequence
from typing import Any, TypeVar

from eventsourcing.persistence import ApplicationRecorder, IntegrityError, ProcessRecorder, StoredEvent
from eventsourcing.sqlite import (
    SQLiteApplicationRecorder,
    SQLiteCursor,
    SQLiteDatastore,
    SQLiteFactory,
    SQLiteProcessRecorder,
)

from adapters.persistence.chain_rows import ChainRow, ChainTail, TailCache, entry_bodies, link_chain, tail_of
from adapters.persistence.group_commit import GroupCommit, PendingSave, group_commit_enabled

R = TypeVar("R")

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
            # No index on notification_id: nothing looks it up, and `verify` checks the one-to-one
            # map event by event; an index would only cost every write (measured: ~7 points).
            "notification_id INTEGER NOT NULL, "
            "entry_hash BLOB NOT NULL CHECK (length(entry_hash) = 32))",
            *append_only_triggers(self.events_table_name),
            *append_only_triggers(chain),
        ]

    @property
    def tail_cache(self) -> TailCache:
        cache: TailCache | None = self.__dict__.get("_tail_cache")
        if cache is None:
            cache = self.__dict__.setdefault("_tail_cache", TailCache())
        return cache

    def _append_chain(self, c: SQLiteCursor, bodies: Sequence[bytes], ids: Sequence[int]) -> ChainTail:
        """Chain the events just inserted (their ``entry_bodies`` and ids); return the new tail."""
        # We already hold SQLite's write lock (our INSERTs came first), so the tail is stable.
        tail = self.tail_cache.lookup(ids[0])
        if tail is None:
            c.execute(
                f"SELECT position, entry_hash, notification_id FROM {self.chain_table_name} "
                "ORDER BY position DESC LIMIT 1"
            )
            row = c.fetchone()
            tail = ChainTail(int(row[0]), bytes(row[1]), int(row[2])) if row is not None else None
        rows = link_chain(tail, bodies, ids)
        c.executemany(
            f"INSERT INTO {self.chain_table_name} (position, notification_id, entry_hash) VALUES (?,?,?)", rows
        )
        return tail_of(rows)

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


class _ChainedRecorderMixin(SQLiteChainMixin):
    """Chaining inside the inserting transaction, per save or per group of saves."""

    group_commit: GroupCommit | None = None

    @abstractmethod
    def _insert_rows(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int]:
        """Insert the events (and any tracking record) without chaining; return notification ids."""

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        # eventsourcing's hook; our own writes go through _write_one, but whoever calls this chains too.
        ids = self._insert_rows(c, stored_events, **kwargs)
        if stored_events:
            self._append_chain(c, entry_bodies(stored_events), ids)
        return ids

    def enable_group_commit(self) -> None:
        self.group_commit = GroupCommit(self._write_group, self._write_one)

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if self.group_commit is None or not stored_events:
            return self._write_one(stored_events, kwargs)
        return self.group_commit.submit(stored_events, kwargs)

    def _write_one(self, stored_events: Sequence[StoredEvent], kwargs: dict[str, Any]) -> Sequence[int]:
        """One save in its own transaction, as eventsourcing's ``insert_events``, chained."""
        bodies = entry_bodies(stored_events)  # before queueing for the write lock
        with self.datastore.transaction(commit=True) as c:
            ids = self._insert_rows(c, stored_events, **kwargs)
            tail = self._append_chain(c, bodies, ids) if stored_events else None
        if tail is not None:
            self.tail_cache.promote(tail)  # only reached once the transaction committed
        return ids

    def _write_group(self, group: list[PendingSave]) -> None:
        bodies = [entry_bodies(pending.events) for pending in group]  # before taking the write lock
        chained: list[bytes] = []
        ids: list[int] = []
        tail = None
        with self.datastore.transaction(commit=True) as c:
            for number, pending in enumerate(group):
                c.execute(f"SAVEPOINT kyc_save_{number}")
                try:
                    saved = self._insert_rows(c, pending.events, **pending.kwargs)
                except sqlite3.IntegrityError as error:
                    c.execute(f"ROLLBACK TO kyc_save_{number}")
                    pending.error = IntegrityError(error)
                else:
                    pending.notification_ids = saved
                    chained.extend(bodies[number])
                    ids.extend(saved)
                c.execute(f"RELEASE kyc_save_{number}")
            if chained:
                tail = self._append_chain(c, chained, ids)
        if tail is not None:
            self.tail_cache.promote(tail)


class ChainedSQLiteApplicationRecorder(_ChainedRecorderMixin, SQLiteApplicationRecorder):
    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *self.chain_create_statements()]

    def _insert_rows(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int]:
        return list(SQLiteApplicationRecorder._insert_events(self, c, stored_events, **kwargs) or ())


class ChainedSQLiteProcessRecorder(_ChainedRecorderMixin, SQLiteProcessRecorder):
    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *self.chain_create_statements()]

    def _insert_rows(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int]:
        ids = list(SQLiteApplicationRecorder._insert_events(self, c, stored_events, **kwargs) or ())
        tracking = kwargs.get("tracking")
        if tracking is not None:
            self._insert_tracking(c, tracking)
        return ids


class Factory(SQLiteFactory):
    """``PERSISTENCE_MODULE=adapters.persistence.chained_sqlite:Factory`` selects this factory.

    ``KYC_GROUP_COMMIT=0`` turns group commit off (one transaction per save, as eventsourcing does).
    """

    application_recorder_class = ChainedSQLiteApplicationRecorder
    process_recorder_class = ChainedSQLiteProcessRecorder

    def application_recorder(self) -> ApplicationRecorder:
        return _with_group_commit(super().application_recorder(), self.env)

    def process_recorder(self) -> ProcessRecorder:
        return _with_group_commit(super().process_recorder(), self.env)


def _with_group_commit(recorder: R, env: Any) -> R:
    if group_commit_enabled(env) and isinstance(recorder, _ChainedRecorderMixin):
        recorder.enable_group_commit()
    return recorder

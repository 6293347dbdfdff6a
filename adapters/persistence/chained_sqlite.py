"""SQLite recorders that hash-chain every event in the statement that inserts it (embedded default).

Each event row carries its entry hash (layout and migration: ``sqlite_chain_schema``). The writer
hashes before taking the write lock, chaining onto the tail this process last committed
(``TailCache``) and inserting each row at its explicit rowid = position: one INSERT per event, as
eventsourcing's own recorder does, and no second table. If another writer got there first, the
first insert collides on the rowid; the writer, which then holds the write lock, reads the real
tail, re-links and inserts again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from functools import cached_property
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, IntegrityError, ProcessRecorder, StoredEvent
from eventsourcing.sqlite import (
    SQLiteApplicationRecorder,
    SQLiteCursor,
    SQLiteDatastore,
    SQLiteFactory,
    SQLiteProcessRecorder,
)

from adapters.persistence.chain_rows import ChainRow, ChainTail, TailCache, entry_bodies, link_chain
from adapters.persistence.commit_signal import SignalledRecorder
from adapters.persistence.group_commit import GroupCommit, PendingSave, group_commit_enabled
from adapters.persistence.sqlite_chain_schema import HASH_COLUMN, ensure_inline_chain

R = TypeVar("R")

EventParams = tuple[str, int, str, bytes]  # originator_id, originator_version, topic, state


def event_params(stored_events: Sequence[StoredEvent]) -> list[EventParams]:
    return [
        (s.originator_id.hex if isinstance(s.originator_id, UUID) else s.originator_id,
         s.originator_version, s.topic, s.state)
        for s in stored_events
    ]


class _Appender:
    """Inserts saves of one transaction at the rowids after a tail that starts as a guess.

    Until an insert succeeds or the tail was read under the write lock, the tail is only the
    cached guess: an IntegrityError on the first row then may be a stale guess (rowid taken), so
    the tail is read and the save retried once; afterwards every IntegrityError is the caller's
    (e.g. an optimistic-concurrency conflict on originator id and version).
    """

    def __init__(self, recorder: SQLiteChainMixin, c: SQLiteCursor, guess: ChainTail | None) -> None:
        self.recorder, self.c, self.tail = recorder, c, guess
        self.verified = False
        self.save_base = guess  # the tail the current save continues: restored if the save rolls back

    def insert(self, params: Sequence[EventParams], bodies: Sequence[bytes]) -> list[int]:
        self.save_base = self.tail
        if not params:
            return []
        try:
            return self._insert_rows(params, bodies)
        except sqlite3.IntegrityError:
            if self.verified or not self._guess_was_stale():
                raise  # a real conflict (e.g. on originator id and version): the caller's
        return self._insert_rows(params, bodies)

    def _guess_was_stale(self) -> bool:
        """After the first INSERT failed (it took the write lock): read the tail, adopt it."""
        current = self.recorder.read_tail(self.c)
        self.verified = True
        self.recorder.tail_cache.note(current is not None and current == self.tail)
        stale = current != self.tail
        self.tail = self.save_base = current
        return stale

    def _insert_rows(self, params: Sequence[EventParams], bodies: Sequence[bytes]) -> list[int]:
        start = self.tail.position + 1 if self.tail is not None else 1
        ids = list(range(start, start + len(params)))
        rows = link_chain(self.tail, bodies, ids)
        statement = self.recorder.insert_chained_statement
        self.c.execute(statement, (ids[0], *params[0], rows[0][2]))
        if not self.verified:  # rowid tail + 1 was free, so the guessed tail is the current one
            self.recorder.tail_cache.note(self.tail is not None)
            self.verified = True
        if len(params) > 1:  # the rowids after ours are free: we hold the write lock now
            rest = zip(ids[1:], params[1:], rows[1:], strict=True)
            self.c.executemany(statement, [(i, *p, r[2]) for i, p, r in rest])
        self.tail = ChainTail(ids[-1], rows[-1][2], ids[-1])
        return ids


class SQLiteChainMixin:
    """Inline-chain schema, the chained INSERT and chain reads of an SQLite recorder."""

    datastore: SQLiteDatastore
    events_table_name: str

    @property
    def chain_table_name(self) -> str:
        return f"{self.events_table_name}_chain"  # a view over the events table

    @cached_property
    def insert_chained_statement(self) -> str:
        return (
            f"INSERT INTO {self.events_table_name} (rowid, originator_id, originator_version, topic, state, "
            f"{HASH_COLUMN}) VALUES (?,?,?,?,?,?)"
        )

    def _create_table(self, c: SQLiteCursor) -> None:
        super()._create_table(c)  # type: ignore[misc]
        ensure_inline_chain(c, self.events_table_name)

    @property
    def tail_cache(self) -> TailCache:
        cache: TailCache | None = self.__dict__.get("_tail_cache")
        if cache is None:
            cache = self.__dict__.setdefault("_tail_cache", TailCache())
        return cache

    def read_tail(self, c: SQLiteCursor) -> ChainTail | None:
        c.execute(
            f"SELECT rowid, {HASH_COLUMN} FROM {self.events_table_name} ORDER BY rowid DESC LIMIT 1"
        )
        row = c.fetchone()
        if row is None:
            return None
        if row[1] is None:
            raise RuntimeError(f"the last row of {self.events_table_name} has no entry hash: run `ledger verify`")
        return ChainTail(int(row[0]), bytes(row[1]), int(row[0]))

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


class _ChainedRecorderMixin(SignalledRecorder, SQLiteChainMixin):
    """Chaining inside the inserting statement, per save or per group of saves."""

    group_commit: GroupCommit | None = None

    def _insert_tracking_of(self, c: SQLiteCursor, kwargs: dict[str, Any]) -> None:
        """Process recorders record the tracking position in the save's transaction."""

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        # eventsourcing's hook; our own writes go through _write_one, but whoever calls this chains too.
        ids = _Appender(self, c, self.tail_cache.guess()).insert(event_params(stored_events),
                                                                 entry_bodies(stored_events))
        self._insert_tracking_of(c, kwargs)
        return ids

    def enable_group_commit(self) -> None:
        self.group_commit = GroupCommit(self._write_group, self._write_one)

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if self.group_commit is None or not stored_events:
            ids: Sequence[int] | None = self._write_one(stored_events, kwargs)
        else:
            ids = self.group_commit.submit(stored_events, kwargs)
        self.commits.notify()  # committed: wake the log's followers (commit_signal)
        return ids

    def _write_one(self, stored_events: Sequence[StoredEvent], kwargs: dict[str, Any]) -> Sequence[int]:
        """One save in its own transaction, as eventsourcing's ``insert_events``, chained."""
        params, bodies = event_params(stored_events), entry_bodies(stored_events)  # before the lock
        # eventsourcing's pool lets one writer connection out at a time: guessing and promoting the
        # tail while we hold it keeps the guess current for every writer of this recorder.
        with self.datastore.get_connection(commit=True) as conn:
            with conn.transaction(commit=True) as c:
                appender = _Appender(self, c, self.tail_cache.guess())
                ids = appender.insert(params, bodies)
                self._insert_tracking_of(c, kwargs)
            if ids and appender.tail is not None:
                self.tail_cache.promote(appender.tail)  # only reached once the transaction committed
        return ids

    def _write_group(self, group: list[PendingSave]) -> None:
        prepared = [(event_params(p.events), entry_bodies(p.events)) for p in group]  # before the lock
        with self.datastore.get_connection(commit=True) as conn:
            with conn.transaction(commit=True) as c:
                appender = _Appender(self, c, self.tail_cache.guess())
                for number, (pending, (params, bodies)) in enumerate(zip(group, prepared, strict=True)):
                    c.execute(f"SAVEPOINT kyc_save_{number}")
                    try:
                        pending.notification_ids = appender.insert(params, bodies)
                        self._insert_tracking_of(c, pending.kwargs)
                    except sqlite3.IntegrityError as error:
                        c.execute(f"ROLLBACK TO kyc_save_{number}")
                        appender.tail = appender.save_base
                        pending.error = IntegrityError(error)
                        pending.notification_ids = None
                    c.execute(f"RELEASE kyc_save_{number}")
            if appender.verified and appender.tail is not None:
                self.tail_cache.promote(appender.tail)


class ChainedSQLiteApplicationRecorder(_ChainedRecorderMixin, SQLiteApplicationRecorder):
    pass


class ChainedSQLiteProcessRecorder(_ChainedRecorderMixin, SQLiteProcessRecorder):
    def _insert_tracking_of(self, c: SQLiteCursor, kwargs: dict[str, Any]) -> None:
        tracking = kwargs.get("tracking")
        if tracking is not None:
            self._insert_tracking(c, tracking)


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

"""The write path of the chained PostgreSQL recorders: each save's events and chain rows in one
transaction, under the EXCLUSIVE table lock eventsourcing takes so that ids commit in order.

A save is pipelined like eventsourcing's own insert: lock, NOTIFY and insert go out together and
the chain insert travels with the COMMIT, so chaining adds no round trip. What chaining adds is
kept small: entry bodies are hashed before the lock (``chain_rows.entry_bodies``); chain rows go in
as plain parameters of one prepared INSERT (text arrays of bytea cost more to encode than the
hashes cost to compute); and the chain tail is not read at all when the process's ``TailCache``
provably holds it, i.e. when the first id the insert just drew directly follows the cached tail's.

The cached tail is only trusted on that proof, and the chain's primary key on ``position`` backs the
proof up: a tail gone stale in any way the proof missed means a row already sits at the position we
write, the transaction fails whole and the save is retried once reading the tail from the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any

from eventsourcing.persistence import IntegrityError, InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.utils import retry
from psycopg import sql
from psycopg.errors import UniqueViolation

from adapters.persistence.chain_rows import (
    ChainParams,
    ChainTail,
    PendingTail,
    TailCache,
    entry_bodies,
    link_chain,
    tail_of,
)
from adapters.persistence.group_commit import GroupCommit, PendingSave

MAX_VALUES_ROWS = 32  # up to this many chain rows per save as VALUES parameters; more go as arrays


class StaleTail(Exception):
    """The cached tail was not the table's: the chain's primary key refused our position."""


class ChainStatements:
    """The chain table's statements, rendered once per recorder."""

    def __init__(self, chain: sql.Composable) -> None:
        self.tail = sql.SQL(
            "SELECT position, entry_hash, notification_id FROM {} ORDER BY position DESC LIMIT 1"
        ).format(chain).as_string()
        self._insert = sql.SQL("INSERT INTO {} (position, notification_id, entry_hash) ").format(chain).as_string()
        self.insert_arrays = self._insert + "SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::bytea[])"
        self._values: dict[int, str] = {}

    def insert_values(self, rows: int) -> str:
        statement = self._values.get(rows)
        if statement is None:
            statement = self._values[rows] = self._insert + "VALUES " + ", ".join(["(%s, %s, %s)"] * rows)
        return statement


def _fetch_tail(curs: Any) -> ChainTail | None:
    row = curs.fetchone()
    if row is None:
        return None
    return ChainTail(int(row["position"]), bytes(row["entry_hash"]), int(row["notification_id"]))


class PostgresChainWriter:
    """Mixin for eventsourcing's PostgreSQL recorders (it uses their lock, notify and insert)."""

    datastore: PostgresDatastore
    events_table_name: str
    group_commit: GroupCommit | None = None

    @property
    def chain_table_name(self) -> str:
        return f"{self.events_table_name}_chain"

    def _ident(self, name: str) -> sql.Composable:
        return sql.SQL("{}.{}").format(sql.Identifier(self.datastore.schema), sql.Identifier(name))

    @cached_property
    def chain_statements(self) -> ChainStatements:
        return ChainStatements(self._ident(self.chain_table_name))

    @cached_property
    def tail_cache(self) -> TailCache:
        return TailCache()

    def enable_group_commit(self) -> None:
        self.group_commit = GroupCommit(self._write_group, self._insert_one)

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if not stored_events:
            return []
        if self.group_commit is not None:
            return self.group_commit.submit(stored_events, kwargs)
        ids: Sequence[int] = self._insert_one(stored_events, kwargs)
        return ids

    def _pg_events(self, stored_events: Sequence[StoredEvent]) -> list[Any]:
        construct = self.construct_pg_stored_event  # type: ignore[attr-defined]
        return [construct(e.originator_id, e.originator_version, e.topic, e.state) for e in stored_events]

    def _insert_chain(self, curs: Any, rows: Sequence[ChainParams]) -> None:
        if len(rows) <= MAX_VALUES_ROWS:
            curs.execute(self.chain_statements.insert_values(len(rows)), [v for row in rows for v in row])
        else:
            curs.execute(self.chain_statements.insert_arrays,
                         ([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]))

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)  # as eventsourcing's own insert
    def _insert_one(self, stored_events: Sequence[StoredEvent], kwargs: dict[str, Any]) -> Sequence[int]:
        """One save in its own transaction (the per-save path, and group commit's group of one)."""
        bodies = entry_bodies(stored_events)
        pg_events = self._pg_events(stored_events)
        cache = self.tail_cache
        # Leave the tail read out of the pipeline when the last save found the cached tail current;
        # after a miss (another writer came in between) read it with the insert again.
        trust_cache = cache.holds_tail() and cache.last_lookup_hit
        try:
            return self._write_save(stored_events, pg_events, bodies, kwargs, trust_cache)
        except StaleTail:
            cache.clear()
            return self._write_save(stored_events, pg_events, bodies, kwargs, trust_cache=False)

    def _write_save(self, stored_events: Sequence[StoredEvent], pg_events: list[Any], bodies: list[bytes],
                    kwargs: dict[str, Any], trust_cache: bool) -> Sequence[int]:
        statements, cache = self.chain_statements, self.tail_cache
        exc: Exception | None = None
        ids: list[int] = []
        staged: PendingTail | None = None
        with self.datastore.get_connection() as conn:
            try:
                with conn.pipeline() as pipeline, conn.transaction():
                    with conn.cursor() as curs:
                        self._insert_events(curs, stored_events, **kwargs)  # type: ignore[attr-defined]
                    with conn.cursor() as tail_curs, conn.cursor() as curs:
                        try:
                            self._lock_table(curs)  # type: ignore[attr-defined]
                            self._notify_channel(curs)  # type: ignore[attr-defined]
                            if not trust_cache:
                                tail_curs.execute(statements.tail)
                            curs.execute(self.insert_events_statement, (pg_events,))  # type: ignore[attr-defined]
                            pipeline.sync()
                            ids = [row["notification_id"] for row in curs.fetchall()]
                            cached = cache.lookup(ids[0])  # also tells the next save whether to trust it
                            if not trust_cache:
                                tail = _fetch_tail(tail_curs)
                            elif cached is not None:
                                tail = cached
                            else:  # someone wrote since our last save: read the tail, still under the lock
                                tail_curs.execute(statements.tail)
                                pipeline.sync()
                                tail = _fetch_tail(tail_curs)
                            rows = link_chain(tail, bodies, ids)
                            self._insert_chain(curs, rows)  # sent with the COMMIT: no extra round trip
                            staged = cache.stage(tail_of(rows))
                        except UniqueViolation as e:
                            exc = IntegrityError(e)
                        except Exception as e:  # raised after the pipeline closed, as eventsourcing does
                            exc = e
            except BaseException as e:
                if staged is not None:
                    cache.settle(staged, committed=False)
                if isinstance(e, UniqueViolation) and trust_cache and e.diag.table_name == self.chain_table_name:
                    raise StaleTail from e
                raise
        if staged is not None:
            cache.settle(staged, committed=exc is None)
        if exc:
            raise exc
        return ids

    def _write_group(self, group: list[PendingSave]) -> None:
        """One transaction, one lock, one commit for many saves; each save in its own SAVEPOINT."""
        prepared = [(entry_bodies(p.events), self._pg_events(p.events)) for p in group]  # before the lock
        chained: list[bytes] = []
        ids: list[int] = []
        staged: PendingTail | None = None
        try:
            with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
                self._lock_table(curs)  # type: ignore[attr-defined]
                self._notify_channel(curs)  # type: ignore[attr-defined]
                curs.execute(self.chain_statements.tail)
                tail = _fetch_tail(curs)
                for pending, (bodies, pg_events) in zip(group, prepared, strict=True):
                    try:
                        with conn.transaction():  # a SAVEPOINT: a conflicting save fails alone
                            self._insert_events(curs, pending.events, **pending.kwargs)  # type: ignore[attr-defined]
                            curs.execute(self.insert_events_statement, (pg_events,))  # type: ignore[attr-defined]
                            saved = [r["notification_id"] for r in curs.fetchall()]
                    except (UniqueViolation, IntegrityError) as error:
                        pending.error = error if isinstance(error, IntegrityError) else IntegrityError(error)
                        continue
                    pending.notification_ids = saved
                    chained.extend(bodies)
                    ids.extend(saved)
                if chained:
                    rows = link_chain(tail, chained, ids)
                    self._insert_chain(curs, rows)
                    staged = self.tail_cache.stage(tail_of(rows))
        except BaseException:
            if staged is not None:
                self.tail_cache.settle(staged, committed=False)
            raise
        if staged is not None:
            self.tail_cache.settle(staged, committed=True)

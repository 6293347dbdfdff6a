"""PostgreSQL recorders that hash-chain every event in the inserting transaction (production).

Inserts already take an EXCLUSIVE lock on the events table (eventsourcing serialises writers so
that notification ids commit in order); the chain tail is read under that same lock, so chain
positions are gap-free and in commit order even with many concurrent writers. The tail read is
pipelined with the insert: chaining adds no network round trip to a save.

Append-only is enforced twice: a trigger refuses UPDATE, DELETE and TRUNCATE for every role (even
the owner), and ``grant_append_only`` gives the application role INSERT and SELECT only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import (
    ApplicationRecorder,
    IntegrityError,
    InterfaceError,
    OperationalError,
    ProcessRecorder,
    StoredEvent,
)
from eventsourcing.postgres import (
    PostgresApplicationRecorder,
    PostgresDatastore,
    PostgresFactory,
    PostgresProcessRecorder,
)
from eventsourcing.utils import retry
from psycopg import Connection, sql
from psycopg.errors import UniqueViolation

from adapters.persistence.chain_rows import ChainRow, extend_chain
from adapters.persistence.group_commit import GroupCommit, PendingSave, group_commit_enabled
from adapters.persistence.pg_schema import SCHEMA_LOCK_SQL

APPEND_ONLY_FUNCTION = "kycledger_refuse_change"


class PostgresChainMixin:
    datastore: PostgresDatastore
    events_table_name: str
    sql_create_statements: list[Any]

    @property
    def chain_table_name(self) -> str:
        return f"{self.events_table_name}_chain"

    def _ident(self, name: str) -> sql.Composable:
        return sql.SQL("{}.{}").format(sql.Identifier(self.datastore.schema), sql.Identifier(name))

    def _create_table(self, curs: Any) -> None:
        curs.execute(SCHEMA_LOCK_SQL)  # serialise concurrent first starts (see pg_schema)
        super()._create_table(curs)  # type: ignore[misc]

    def _add_chain_statements(self) -> None:
        chain = self._ident(self.chain_table_name)
        fn = self._ident(APPEND_ONLY_FUNCTION)
        self.sql_create_statements.extend(
            [
                sql.SQL(
                    # No index on notification_id: nothing looks it up; `verify` checks the 1:1 map.
                    "CREATE TABLE IF NOT EXISTS {} (position bigint PRIMARY KEY, "
                    "notification_id bigint NOT NULL, "
                    "entry_hash bytea NOT NULL CHECK (length(entry_hash) = 32))"
                ).format(chain),
                sql.SQL(
                    "CREATE OR REPLACE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$BEGIN RAISE EXCEPTION 'kycledger ledger tables are append-only (% on %)', "
                    "TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege'; END$$"
                ).format(fn),
            ]
        )
        for table in (self.events_table_name, self.chain_table_name):
            target = self._ident(table)
            for suffix, when in (("no_change", "UPDATE OR DELETE"), ("no_truncate", "TRUNCATE")):
                level = "ROW" if suffix == "no_change" else "STATEMENT"
                trigger = sql.Identifier(f"{table}_{suffix}")
                self.sql_create_statements.append(
                    sql.SQL(
                        "DO $$BEGIN CREATE TRIGGER {} BEFORE {} ON {} FOR EACH {} EXECUTE FUNCTION {}(); "
                        "EXCEPTION WHEN duplicate_object THEN NULL; END$$"
                    ).format(trigger, sql.SQL(when), target, sql.SQL(level), fn)
                )

    group_commit: GroupCommit | None = None

    def enable_group_commit(self) -> None:
        self.group_commit = GroupCommit(self._write_group, self._insert_one)

    def _tail_query(self) -> sql.Composable:
        return sql.SQL("SELECT position, entry_hash FROM {} ORDER BY position DESC LIMIT 1").format(
            self._ident(self.chain_table_name))

    def _insert_chain(self, curs: Any, rows: Sequence[ChainRow]) -> None:
        # One statement for the whole save, whatever its size (executemany would send one per row).
        curs.execute(
            sql.SQL(
                "INSERT INTO {} (position, notification_id, entry_hash) "
                "SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::bytea[])"
            ).format(self._ident(self.chain_table_name)),
            ([r.position for r in rows], [r.notification_id for r in rows], [r.entry_hash for r in rows]),
        )

    def _write_group(self, group: list[PendingSave]) -> None:
        """One transaction, one lock, one commit for many saves; each save in its own SAVEPOINT."""
        with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
            self._lock_table(curs)  # type: ignore[attr-defined]
            self._notify_channel(curs)  # type: ignore[attr-defined]
            curs.execute(self._tail_query())
            row = curs.fetchone()
            tail = (int(row["position"]), bytes(row["entry_hash"])) if row else None
            events: list[StoredEvent] = []
            ids: list[int] = []
            for pending in group:
                pg_events = [
                    self.construct_pg_stored_event(e.originator_id, e.originator_version, e.topic, e.state)  # type: ignore[attr-defined]
                    for e in pending.events
                ]
                try:
                    with conn.transaction():  # a SAVEPOINT: a conflicting save fails alone
                        self._insert_events(curs, pending.events, **pending.kwargs)  # type: ignore[attr-defined]
                        curs.execute(self.insert_events_statement, (pg_events,))  # type: ignore[attr-defined]
                        saved = [r["notification_id"] for r in curs.fetchall()]
                except (UniqueViolation, IntegrityError) as error:
                    pending.error = error if isinstance(error, IntegrityError) else IntegrityError(error)
                    continue
                pending.notification_ids = saved
                events.extend(pending.events)
                ids.extend(saved)
            if events:
                self._insert_chain(curs, extend_chain(tail, events, ids))

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if not stored_events:
            return []
        if self.group_commit is not None:
            return self.group_commit.submit(stored_events, kwargs)
        return self._insert_one(stored_events, kwargs)

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)  # as eventsourcing's own insert
    def _insert_one(self, stored_events: Sequence[StoredEvent], kwargs: dict[str, Any]) -> Sequence[int]:
        """One save in its own transaction, pipelined: lock, tail read and insert in one round trip."""
        pg_events = [
            self.construct_pg_stored_event(e.originator_id, e.originator_version, e.topic, e.state)  # type: ignore[attr-defined]
            for e in stored_events
        ]
        exc: Exception | None = None
        ids: list[int] = []
        with self.datastore.get_connection() as conn:
            with conn.pipeline() as pipeline, conn.transaction():
                with conn.cursor() as curs:
                    self._insert_events(curs, stored_events, **kwargs)  # type: ignore[attr-defined]
                with conn.cursor() as tail_curs, conn.cursor() as curs:
                    try:
                        self._lock_table(curs)  # type: ignore[attr-defined]
                        self._notify_channel(curs)  # type: ignore[attr-defined]
                        tail_curs.execute(self._tail_query())
                        curs.execute(self.insert_events_statement, (pg_events,))  # type: ignore[attr-defined]
                        pipeline.sync()
                        ids = [row["notification_id"] for row in curs.fetchall()]
                        row = tail_curs.fetchone()
                        tail = (int(row["position"]), bytes(row["entry_hash"])) if row else None
                        self._insert_chain(curs, extend_chain(tail, stored_events, ids))
                        # No sync here: the chain insert travels with the COMMIT, so the table lock
                        # is held for one round trip more than eventsourcing's own insert, not two.
                    except UniqueViolation as e:
                        exc = IntegrityError(e)
                    except Exception as e:
                        exc = e
            if exc:
                raise exc
        return ids

    def chain_size(self) -> int:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(sql.SQL("SELECT MAX(position) AS m FROM {}").format(self._ident(self.chain_table_name)))
            row = curs.fetchone()
            return int(row["m"] or 0) if row else 0

    def select_chain(self, start: int, limit: int) -> list[ChainRow]:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(
                sql.SQL(
                    "SELECT position, notification_id, entry_hash FROM {} "
                    "WHERE position >= %s ORDER BY position LIMIT %s"
                ).format(self._ident(self.chain_table_name)),
                (start, limit),
            )
            return [
                ChainRow(int(r["position"]), int(r["notification_id"]), bytes(r["entry_hash"]))
                for r in curs.fetchall()
            ]

    def size(self) -> int:
        return self.chain_size()

    def entry_hashes(self, start: int, limit: int) -> list[bytes]:
        return [r.entry_hash for r in self.select_chain(start, limit)]


class ChainedPostgresApplicationRecorder(PostgresChainMixin, PostgresApplicationRecorder):
    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        self._add_chain_statements()


class ChainedPostgresProcessRecorder(PostgresChainMixin, PostgresProcessRecorder):
    def __init__(
        self,
        datastore: PostgresDatastore,
        *,
        events_table_name: str = "stored_events",
        tracking_table_name: str = "notification_tracking",
    ):
        super().__init__(
            datastore, events_table_name=events_table_name, tracking_table_name=tracking_table_name
        )
        self._add_chain_statements()


class Factory(PostgresFactory):
    """``PERSISTENCE_MODULE=adapters.persistence.chained_postgres:Factory`` selects this factory.

    ``KYC_GROUP_COMMIT=0`` turns group commit off (one transaction per save, as eventsourcing does).
    """

    application_recorder_class = ChainedPostgresApplicationRecorder
    process_recorder_class = ChainedPostgresProcessRecorder

    def application_recorder(self) -> ApplicationRecorder:
        recorder = super().application_recorder()
        if group_commit_enabled(self.env) and isinstance(recorder, PostgresChainMixin):
            recorder.enable_group_commit()
        return recorder

    def process_recorder(self) -> ProcessRecorder:
        recorder = super().process_recorder()
        if group_commit_enabled(self.env) and isinstance(recorder, PostgresChainMixin):
            recorder.enable_group_commit()
        return recorder


def grant_append_only(conn: Connection[Any], schema: str, tables: Sequence[str], role: str) -> None:
    """Give ``role`` INSERT and SELECT on the ledger tables and nothing that changes history."""
    for table in tables:
        target = sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(table))
        conn.execute(sql.SQL("REVOKE ALL ON {} FROM {}").format(target, sql.Identifier(role)))
        conn.execute(sql.SQL("GRANT SELECT, INSERT ON {} TO {}").format(target, sql.Identifier(role)))

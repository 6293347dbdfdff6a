"""PostgreSQL recorders that hash-chain every event in the inserting transaction (production).

Inserts already take an EXCLUSIVE lock on the events table (eventsourcing serialises writers so
that notification ids commit in order); the chain is extended under that same lock, so chain
positions are gap-free and in commit order even with many concurrent writers. The write path is in
``pg_chain_writer``: chaining adds no network round trip to a save.

Append-only is enforced twice: a trigger refuses UPDATE, DELETE and TRUNCATE for every role (even
the owner), and ``grant_append_only`` gives the application role INSERT and SELECT only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import ApplicationRecorder, ProcessRecorder
from eventsourcing.postgres import (
    PostgresApplicationRecorder,
    PostgresDatastore,
    PostgresFactory,
    PostgresProcessRecorder,
)
from psycopg import Connection, sql

from adapters.persistence.chain_rows import ChainRow
from adapters.persistence.group_commit import group_commit_enabled
from adapters.persistence.pg_chain_sql import append_function, entry_hash_function
from adapters.persistence.pg_chain_writer import PostgresChainWriter
from adapters.persistence.pg_pool import DEFAULT_TIMEOUT_S, bounded_retry, tune_pool
from adapters.persistence.pg_schema import SCHEMA_LOCK_SQL

APPEND_ONLY_FUNCTION = "kycledger_refuse_change"


class PostgresChainMixin(PostgresChainWriter):
    datastore: PostgresDatastore
    events_table_name: str
    sql_create_statements: list[Any]

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
                entry_hash_function(self.datastore.schema),
                append_function(self.datastore.schema, self.events_table_name, self.chain_table_name,
                                self.stored_event_type_name),  # type: ignore[attr-defined]
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

    # eventsourcing retries these ten times, each waiting the pool's full timeout while the server is
    # down; a bounded retry reports the outage after one wait (adapters.persistence.pg_pool).
    select_events = bounded_retry(PostgresApplicationRecorder.select_events)
    select_notifications = bounded_retry(PostgresApplicationRecorder.select_notifications)
    max_notification_id = bounded_retry(PostgresApplicationRecorder.max_notification_id)


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
    The pool checks connections and heals after a server restart (``adapters.persistence.pg_pool``);
    ``POSTGRES_CONNECT_TIMEOUT`` bounds how long a caller waits for a connection.
    """

    application_recorder_class = ChainedPostgresApplicationRecorder
    process_recorder_class = ChainedPostgresProcessRecorder

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        tune_pool(self.datastore.pool, int(self.env.get(self.POSTGRES_CONNECT_TIMEOUT) or DEFAULT_TIMEOUT_S))

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

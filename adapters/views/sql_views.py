"""SQLite and PostgreSQL read-model views, generated from ``projections.schema`` table specs.

Each batch of events commits its rows and the projection's tracking position in ONE transaction
(an eventsourcing habit), after checking under a lock that the position moves forward: a
re-delivered batch is refused (``StaleBatchError``), so every event is applied exactly once.
Values are always bound parameters; table and column names come from the internal specs only.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from adapters.persistence.pg_pool import DEFAULT_TIMEOUT_S, healing_pool, with_connect_timeout
from adapters.persistence.pg_schema import SCHEMA_LOCK_SQL
from projections.schema import ALL_TABLES, TableSpec
from projections.view import Row, StaleBatchError, ViewReader, ViewTransaction, canonical_json

TRACKING_TABLE = "rm_tracking"
SQLITE_TYPES = {"text": "TEXT", "int": "INTEGER", "json": "TEXT"}
POSTGRES_TYPES = {"text": "text", "int": "bigint", "json": "text"}


class _SqlTables:
    """Row operations over one open cursor; ``mark`` is the dialect's parameter placeholder."""

    def __init__(self, cursor: Any, mark: str) -> None:
        self.cursor = cursor
        self.mark = mark

    @staticmethod
    def _encode(table: TableSpec, column: str, value: Any) -> Any:
        kind = table.kind(column)
        if kind == "json":
            return canonical_json(value)
        if kind == "int" and value is not None:
            return int(value)
        return value

    @staticmethod
    def _decode(table: TableSpec, values: Sequence[Any]) -> Row:
        row: Row = {}
        for (name, kind), value in zip(table.columns, values, strict=True):
            row[name] = json.loads(value) if kind == "json" else value
        return row

    def _where(self, table: TableSpec, where: Mapping[str, Any] | None) -> tuple[str, list[Any]]:
        clauses, params = [], []
        for column, value in (where or {}).items():
            table.kind(column)  # unknown columns raise before any SQL is built
            if value is None:
                clauses.append(f"{column} IS NULL")
            else:
                clauses.append(f"{column} = {self.mark}")
                params.append(self._encode(table, column, value))
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def get(self, table: TableSpec, key: Sequence[Any]) -> Row | None:
        rows = self.select(table, dict(zip(table.key, key, strict=True)))
        return rows[0] if rows else None

    def select(self, table: TableSpec, where: Mapping[str, Any] | None = None,
               order_by: Sequence[str] = ()) -> list[Row]:
        for column in order_by:
            table.kind(column)
        clause, params = self._where(table, where)
        order = ", ".join([*order_by, *table.key])
        self.cursor.execute(f"SELECT {', '.join(table.column_names)} FROM {table.name}{clause} ORDER BY {order}",
                            params)
        return [self._decode(table, r) for r in self.cursor.fetchall()]

    def select_after(self, table: TableSpec, where: Mapping[str, Any], column: str, after: int, limit: int,
                     within: Mapping[str, tuple[int | None, int | None]] | None = None) -> list[Row]:
        for name in (column, *(within or {})):  # unknown or non-int columns raise before any SQL is built
            if table.kind(name) != "int":
                raise KeyError(f"{table.name}.{name} is not an int column")
        clause, params = self._where(table, where)
        bounds = [f"{column} > {self.mark}"]
        params.append(int(after))
        for name, (low, high) in (within or {}).items():
            for value, operator in ((low, ">="), (high, "<")):
                if value is not None:
                    bounds.append(f"{name} {operator} {self.mark}")
                    params.append(int(value))
        clause = (clause + " AND " if clause else " WHERE ") + " AND ".join(bounds)
        order = ", ".join([column, *table.key])
        self.cursor.execute(f"SELECT {', '.join(table.column_names)} FROM {table.name}{clause} ORDER BY {order} "
                            f"LIMIT {self.mark}", [*params, int(limit)])
        return [self._decode(table, r) for r in self.cursor.fetchall()]

    def upsert(self, table: TableSpec, row: Row) -> None:
        if set(row) != set(table.column_names):
            raise KeyError(f"{table.name}: row columns differ from the spec")
        columns = table.column_names
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in table.key)
        self.cursor.execute(
            f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join([self.mark] * len(columns))}) "
            f"ON CONFLICT ({', '.join(table.key)}) DO UPDATE SET {updates}",
            [self._encode(table, c, row[c]) for c in columns],
        )

    def delete(self, table: TableSpec, where: Mapping[str, Any]) -> int:
        clause, params = self._where(table, where)
        self.cursor.execute(f"DELETE FROM {table.name}{clause}", params)
        return int(self.cursor.rowcount)


def _ddl(table: TableSpec, types: Mapping[str, str]) -> list[str]:
    """The table and its secondary indexes, each created only if missing (a new table or index appears
    on the first start of the version that declares it)."""
    columns = ", ".join(f"{name} {types[kind]}" for name, kind in table.columns)
    return [f"CREATE TABLE IF NOT EXISTS {table.name} ({columns}, PRIMARY KEY ({', '.join(table.key)}))",
            *(f"CREATE INDEX IF NOT EXISTS {table.index_name(index)} ON {table.name} ({', '.join(index)})"
              for index in table.indexes)]


class SQLiteReadModelView:
    """Read models in their own SQLite file (one database file per application)."""

    def __init__(self, path: Path, tables: Sequence[TableSpec] = ALL_TABLES) -> None:
        self.path = path
        self.specs = tuple(tables)
        self._db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._lock = threading.Lock()
        self._create()

    def _create(self) -> None:
        with self._lock:
            for table in self.specs:
                for statement in _ddl(table, SQLITE_TYPES):
                    self._db.execute(statement)
            self._db.execute(f"CREATE TABLE IF NOT EXISTS {TRACKING_TABLE} (projection TEXT PRIMARY KEY, "
                             "notification_id INTEGER NOT NULL)")

    def _recorded(self, cursor: Any, projection: str) -> int:
        cursor.execute(f"SELECT notification_id FROM {TRACKING_TABLE} WHERE projection = ?", (projection,))
        row = cursor.fetchone()
        return int(row[0]) if row else 0

    def position(self, projection: str) -> int:
        with self._lock:
            return self._recorded(self._db.cursor(), projection)

    @contextmanager
    def transaction(self, projection: str, position: int) -> Iterator[ViewTransaction]:
        with self._lock:
            cursor = self._db.cursor()
            cursor.execute("BEGIN IMMEDIATE")  # the write lock: no other writer between check and commit
            try:
                recorded = self._recorded(cursor, projection)
                if position <= recorded:
                    raise StaleBatchError(projection, recorded, position)
                yield _SqlTables(cursor, "?")
                cursor.execute(f"INSERT INTO {TRACKING_TABLE} (projection, notification_id) VALUES (?, ?) "
                               "ON CONFLICT (projection) DO UPDATE SET notification_id = excluded.notification_id",
                               (projection, position))
                cursor.execute("COMMIT")
            except BaseException:
                cursor.execute("ROLLBACK")
                raise

    @contextmanager
    def reader(self) -> Iterator[ViewReader]:
        db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, isolation_level=None)
        try:
            db.execute("BEGIN")
            yield _SqlTables(db.cursor(), "?")
        finally:
            db.close()

    def reset(self) -> None:
        with self._lock:
            for table in self.specs:
                self._db.execute(f"DROP TABLE IF EXISTS {table.name}")
            self._db.execute(f"DROP TABLE IF EXISTS {TRACKING_TABLE}")
        self._create()

    def dump(self) -> dict[str, list[Row]]:
        with self.reader() as tables:
            return {t.name: tables.select(t) for t in self.specs}

    def close(self) -> None:
        self._db.close()


class PostgresReadModelView:
    """Read models in the ledger's PostgreSQL database (``rm_*`` tables beside the event tables).

    Connections come from a small healing pool (``adapters.persistence.pg_pool``): after a server
    restart the next batch gets a fresh connection, so followers carry on without a process restart.
    """

    def __init__(self, dsn: str, tables: Sequence[TableSpec] = ALL_TABLES, timeout_s: int = DEFAULT_TIMEOUT_S) -> None:
        self.dsn = with_connect_timeout(dsn, timeout_s)
        self.specs = tuple(tables)
        self._pool = healing_pool(dsn, name="kycledger-read-models", timeout_s=timeout_s, max_size=2)
        self._create()

    def _create(self) -> None:
        with self._pool.connection() as conn, conn.transaction():
            conn.execute(SCHEMA_LOCK_SQL)  # concurrent first starts run one at a time
            for table in self.specs:
                for statement in _ddl(table, POSTGRES_TYPES):
                    conn.execute(statement)
            conn.execute(f"CREATE TABLE IF NOT EXISTS {TRACKING_TABLE} (projection text PRIMARY KEY, "
                         "notification_id bigint NOT NULL)")

    def position(self, projection: str) -> int:
        with self._pool.connection() as conn:
            row = conn.execute(f"SELECT notification_id FROM {TRACKING_TABLE} WHERE projection = %s",
                               (projection,)).fetchone()
            return int(row[0]) if row else 0

    @contextmanager
    def transaction(self, projection: str, position: int) -> Iterator[ViewTransaction]:
        with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cursor:
            cursor.execute(f"INSERT INTO {TRACKING_TABLE} (projection, notification_id) VALUES (%s, 0) "
                           "ON CONFLICT DO NOTHING", (projection,))
            # Row lock: a second runner of the same projection waits here, then sees our position.
            cursor.execute(f"SELECT notification_id FROM {TRACKING_TABLE} WHERE projection = %s FOR UPDATE",
                           (projection,))
            row = cursor.fetchone()
            recorded = int(row[0]) if row else 0
            if position <= recorded:
                raise StaleBatchError(projection, recorded, position)
            yield _SqlTables(cursor, "%s")
            cursor.execute(f"UPDATE {TRACKING_TABLE} SET notification_id = %s WHERE projection = %s",
                           (position, projection))

    @contextmanager
    def reader(self) -> Iterator[ViewReader]:
        # From the pool: a new connection per read costs more than the session search's whole index walk.
        with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield _SqlTables(cursor, "%s")

    def reset(self) -> None:
        with self._pool.connection() as conn, conn.transaction():
            for table in self.specs:
                conn.execute(f"DROP TABLE IF EXISTS {table.name}")
            conn.execute(f"DROP TABLE IF EXISTS {TRACKING_TABLE}")
        self._create()

    def dump(self) -> dict[str, list[Row]]:
        with self.reader() as tables:
            return {t.name: tables.select(t) for t in self.specs}

    def close(self) -> None:
        self._pool.close()

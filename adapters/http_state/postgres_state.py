"""HTTP state in the ledger's PostgreSQL database (tables ``http_*``, outside the event tables).

Autocommit statements from a small pool: every check-and-count is one statement, so it is atomic
across connections, processes and hosts. The pool heals after a server restart and bounds the wait
for a connection (``adapters.persistence.pg_pool``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adapters.http_state.sql_state import SCHEMA, SqlHttpState
from adapters.persistence.pg_pool import DEFAULT_TIMEOUT_S, healing_pool
from adapters.persistence.pg_schema import SCHEMA_LOCK_SQL


class PostgresHttpState(SqlHttpState):
    """Replay guard, rate/quota counters and idempotency records in PostgreSQL."""

    def __init__(self, db_url: str, max_connections: int = 8, timeout_s: int = DEFAULT_TIMEOUT_S) -> None:
        self._pool = healing_pool(db_url, name="kycledger-http-state", timeout_s=timeout_s, max_size=max_connections)
        super().__init__(self._run)
        with self._pool.connection() as conn, conn.transaction():
            conn.execute(SCHEMA_LOCK_SQL)  # concurrent first starts run one at a time (see pg_schema)
            for statement in SCHEMA:
                conn.execute(statement)

    def _run(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        with self._pool.connection() as conn:
            cursor = conn.execute(sql.replace("?", "%s"), tuple(params))  # type: ignore[arg-type]
            return list(cursor.fetchall()) if cursor.description is not None else []

    def close(self) -> None:
        self._pool.close()

"""HTTP state in its own SQLite file beside the ledger (``http_state.db`` in the data dir).

Its own file so request bookkeeping never waits on the ledger writer's lock. WAL plus a busy
timeout let several worker processes share it; one connection per process behind a lock.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from adapters.http_state.sql_state import SqlHttpState


class SQLiteHttpState(SqlHttpState):
    """Replay guard, rate/quota counters and idempotency records in a SQLite file."""

    def __init__(self, path: str | Path) -> None:
        self._db = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA busy_timeout=30000")
        self._lock = threading.Lock()
        super().__init__(self._run)
        self.create_tables(blob_type="BLOB")

    def _run(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        with self._lock:
            return list(self._db.execute(sql, tuple(params)).fetchall())

    def close(self) -> None:
        with self._lock:
            self._db.close()

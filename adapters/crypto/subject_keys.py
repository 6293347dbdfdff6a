"""Per-subject data keys, kept apart from the event tables, and destroyed on erasure.

SQLite (embedded): a separate database file with ``secure_delete`` so a destroyed key's bytes are
overwritten. PostgreSQL: a separate table that the events never reference. A tombstone remembers
each destroyed key, so a late write for an erased subject is refused instead of silently minting a
new key.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from abc import ABC, abstractmethod
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

from adapters.crypto.kek import KeyEncryptionKey
from adapters.persistence.pg_schema import SCHEMA_LOCK_SQL
from domain.errors import SubjectErasedError
from domain.subjects import KeyDestruction

DATA_KEY_SIZE = 32
CACHE_SECONDS = 30.0  # a destroyed key may survive this long in other processes' caches


class SubjectKeyVault(ABC):
    """Creates, unwraps and destroys subject data keys; implements ``SubjectKeyShredder``."""

    def __init__(self, kek: KeyEncryptionKey) -> None:
        self.kek = kek
        self._cache: dict[str, tuple[float, str, bytes]] = {}
        self._lock = threading.Lock()
        self._destructions = 0  # counted twice per destroy: before and after its row goes

    def _forget(self, subject_id: str) -> None:
        with self._lock:
            self._destructions += 1
            self._cache.pop(subject_id, None)

    def data_key(self, subject_id: str, *, create: bool) -> tuple[str, bytes] | None:
        """(key_id, key) for the subject; None when it was destroyed (or never made and not create)."""
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(subject_id)
            if hit and now - hit[0] < CACHE_SECONDS:
                return hit[1], hit[2]
            destructions = self._destructions
        row = self._load(subject_id)
        if row is None:
            if self._tombstone(subject_id) is not None:
                if create:
                    raise SubjectErasedError("subject was erased; no new personal data", subject_id=subject_id)
                return None
            if not create:
                return None
            key_id = "sdk_" + os.urandom(8).hex()
            wrapped = self.kek.wrap(os.urandom(DATA_KEY_SIZE), subject_id.encode())
            self._insert(subject_id, key_id, wrapped)
            row = self._load(subject_id)  # another writer may have won the race: use theirs
            if row is None:
                raise SubjectErasedError("subject key destroyed concurrently", subject_id=subject_id)
        key_id, wrapped = row
        key = self.kek.unwrap(wrapped, subject_id.encode())
        with self._lock:
            # A key loaded while a destroy ran is returned to this caller (its read came first) but
            # never cached: cached, this process would keep serving a shredded key for CACHE_SECONDS.
            if self._destructions == destructions:
                self._cache[subject_id] = (now, key_id, key)
        return key_id, key

    def destroy(self, subject_id: str) -> KeyDestruction:
        self._forget(subject_id)
        try:
            return self._destroy(subject_id)
        finally:
            self._forget(subject_id)  # a read that loaded the row before it went must not cache it

    def _destroy(self, subject_id: str) -> KeyDestruction:
        earlier = self._tombstone(subject_id)
        if earlier is not None:
            return earlier
        row = self._load(subject_id)
        key_id = row[0] if row else "none"
        evidence = KeyDestruction(subject_id=subject_id, key_id=key_id, destroyed_at=datetime.now(UTC))
        self._delete_with_tombstone(evidence)
        return self._tombstone(subject_id) or evidence

    @abstractmethod
    def _load(self, subject_id: str) -> tuple[str, bytes] | None: ...

    @abstractmethod
    def _insert(self, subject_id: str, key_id: str, wrapped: bytes) -> None: ...

    @abstractmethod
    def _tombstone(self, subject_id: str) -> KeyDestruction | None: ...

    @abstractmethod
    def _delete_with_tombstone(self, evidence: KeyDestruction) -> None: ...


class SQLiteSubjectKeyVault(SubjectKeyVault):
    def __init__(self, kek: KeyEncryptionKey, path: Path) -> None:
        super().__init__(kek)
        self.path = path
        with self._connect() as db:
            db.executescript(
                "CREATE TABLE IF NOT EXISTS subject_keys (subject_id TEXT PRIMARY KEY, key_id TEXT NOT NULL, "
                "wrapped BLOB NOT NULL, created_at TEXT NOT NULL);"
                "CREATE TABLE IF NOT EXISTS destroyed_subject_keys (subject_id TEXT PRIMARY KEY, "
                "key_id TEXT NOT NULL, destroyed_at TEXT NOT NULL);"
            )

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        db.execute("PRAGMA secure_delete=ON")  # overwrite a destroyed key's bytes on disk
        db.execute("PRAGMA journal_mode=DELETE")
        return db

    def _load(self, subject_id: str) -> tuple[str, bytes] | None:
        with self._connect() as db:
            row = db.execute("SELECT key_id, wrapped FROM subject_keys WHERE subject_id=?", (subject_id,)).fetchone()
        return (row[0], bytes(row[1])) if row else None

    def _insert(self, subject_id: str, key_id: str, wrapped: bytes) -> None:
        with self._connect() as db:
            db.execute(
                "INSERT OR IGNORE INTO subject_keys VALUES (?,?,?,?)",
                (subject_id, key_id, wrapped, datetime.now(UTC).isoformat()),
            )

    def _tombstone(self, subject_id: str) -> KeyDestruction | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT key_id, destroyed_at FROM destroyed_subject_keys WHERE subject_id=?", (subject_id,)
            ).fetchone()
        return KeyDestruction(subject_id, row[0], datetime.fromisoformat(row[1])) if row else None

    def _delete_with_tombstone(self, evidence: KeyDestruction) -> None:
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM subject_keys WHERE subject_id=?", (evidence.subject_id,))
            db.execute(
                "INSERT OR IGNORE INTO destroyed_subject_keys VALUES (?,?,?)",
                (evidence.subject_id, evidence.key_id, evidence.destroyed_at.isoformat()),
            )
            db.execute("COMMIT")
        finally:
            db.close()


class PostgresSubjectKeyVault(SubjectKeyVault):
    def __init__(self, kek: KeyEncryptionKey, conninfo: str, schema: str = "public") -> None:
        super().__init__(kek)
        self.conninfo = conninfo
        self.schema = schema
        with self._connect() as db, db.transaction():
            db.execute(SCHEMA_LOCK_SQL)
            db.execute(
                f'CREATE TABLE IF NOT EXISTS "{schema}".kycledger_subject_keys (subject_id text PRIMARY KEY, '
                "key_id text NOT NULL, wrapped bytea NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"
            )
            db.execute(
                f'CREATE TABLE IF NOT EXISTS "{schema}".kycledger_destroyed_subject_keys (subject_id text '
                "PRIMARY KEY, key_id text NOT NULL, destroyed_at timestamptz NOT NULL)"
            )

    def _connect(self) -> psycopg.Connection[Any]:
        return psycopg.connect(self.conninfo, autocommit=True)

    def _load(self, subject_id: str) -> tuple[str, bytes] | None:
        with self._connect() as db:
            row = db.execute(
                f'SELECT key_id, wrapped FROM "{self.schema}".kycledger_subject_keys WHERE subject_id=%s',
                (subject_id,),
            ).fetchone()
        return (row[0], bytes(row[1])) if row else None

    def _insert(self, subject_id: str, key_id: str, wrapped: bytes) -> None:
        with self._connect() as db:
            db.execute(
                f'INSERT INTO "{self.schema}".kycledger_subject_keys (subject_id, key_id, wrapped) '
                "VALUES (%s,%s,%s) ON CONFLICT DO NOTHING",
                (subject_id, key_id, wrapped),
            )

    def _tombstone(self, subject_id: str) -> KeyDestruction | None:
        with self._connect() as db:
            row = db.execute(
                f'SELECT key_id, destroyed_at FROM "{self.schema}".kycledger_destroyed_subject_keys '
                "WHERE subject_id=%s",
                (subject_id,),
            ).fetchone()
        return KeyDestruction(subject_id, row[0], row[1]) if row else None

    def _delete_with_tombstone(self, evidence: KeyDestruction) -> None:
        with self._connect() as db, db.transaction():
            db.execute(
                f'DELETE FROM "{self.schema}".kycledger_subject_keys WHERE subject_id=%s', (evidence.subject_id,)
            )
            db.execute(
                f'INSERT INTO "{self.schema}".kycledger_destroyed_subject_keys VALUES (%s,%s,%s) '
                "ON CONFLICT DO NOTHING",
                (evidence.subject_id, evidence.key_id, evidence.destroyed_at),
            )
        # Dead tuples keep old bytes until vacuumed; reclaim them now rather than at autovacuum's whim.
        with self._connect() as db:
            db.execute(f'VACUUM "{self.schema}".kycledger_subject_keys')

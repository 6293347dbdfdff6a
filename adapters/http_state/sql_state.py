"""The HTTP state stores as SQL over any executor (SQLite ``?`` placeholders; PostgreSQL converts).

Each operation that must hold under concurrency is one statement: an upsert with ``RETURNING``
counts and checks at once, and a conditional ``ON CONFLICT ... WHERE`` re-claims only expired rows.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from typing import Any

Executor = Callable[[str, Sequence[Any]], list[tuple[Any, ...]]]
StoredResponse = tuple[int, tuple[tuple[str, str], ...], bytes]  # (status, headers, body)
Claim = tuple[str, StoredResponse | None]

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS http_replay (fingerprint TEXT PRIMARY KEY, expires_at DOUBLE PRECISION NOT NULL)",
    "CREATE TABLE IF NOT EXISTS http_rate (bucket TEXT NOT NULL, window_start BIGINT NOT NULL, "
    "hits BIGINT NOT NULL, PRIMARY KEY (bucket, window_start))",
    "CREATE TABLE IF NOT EXISTS http_quota (bucket TEXT PRIMARY KEY, used BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS http_idempotency (scope TEXT NOT NULL, idem_key TEXT NOT NULL, "
    "fingerprint TEXT NOT NULL, state TEXT NOT NULL, expires_at DOUBLE PRECISION NOT NULL, status INTEGER, "
    "headers TEXT, body BYTEA, PRIMARY KEY (scope, idem_key))",
)
PRUNE_EVERY = 500  # statements between sweeps of expired rows


class SqlHttpState:
    """Replay guard, rate counter, quota counter and idempotency store on one SQL database."""

    def __init__(self, execute: Executor) -> None:
        self._execute = execute
        self._calls = 0

    def create_tables(self, blob_type: str = "BYTEA") -> None:
        for statement in SCHEMA:
            self._execute(statement.replace("BYTEA", blob_type), ())

    def _maybe_prune(self, now: float) -> None:
        self._calls += 1
        if self._calls % PRUNE_EVERY:
            return
        self._execute("DELETE FROM http_replay WHERE expires_at < ?", (now,))
        self._execute("DELETE FROM http_rate WHERE window_start < ?", (int(now) - 2 * 86_400,))
        self._execute("DELETE FROM http_idempotency WHERE expires_at < ?", (now,))

    # --- ReplayGuard ---------------------------------------------------------------------------
    def first_use(self, fingerprint: str, now: float, ttl_s: float) -> bool:
        self._maybe_prune(now)
        rows = self._execute(
            "INSERT INTO http_replay (fingerprint, expires_at) VALUES (?, ?) ON CONFLICT (fingerprint) "
            "DO UPDATE SET expires_at = excluded.expires_at WHERE http_replay.expires_at < ? RETURNING 1",
            (fingerprint, now + ttl_s, now))
        return bool(rows)

    # --- RateCounter ---------------------------------------------------------------------------
    def hit(self, bucket: str, window_s: int, now: float) -> int:
        window_start = math.floor(now / window_s) * window_s
        rows = self._execute(
            "INSERT INTO http_rate (bucket, window_start, hits) VALUES (?, ?, 1) ON CONFLICT (bucket, window_start) "
            "DO UPDATE SET hits = http_rate.hits + 1 RETURNING hits", (bucket, window_start))
        return int(rows[0][0])

    # --- QuotaCounter --------------------------------------------------------------------------
    def consume(self, bucket: str, limit: int) -> int | None:
        if limit < 1:
            return None
        rows = self._execute(
            "INSERT INTO http_quota (bucket, used) VALUES (?, 1) ON CONFLICT (bucket) "
            "DO UPDATE SET used = http_quota.used + 1 WHERE http_quota.used < ? RETURNING used", (bucket, limit))
        return int(rows[0][0]) if rows else None

    def used(self, bucket: str) -> int:
        rows = self._execute("SELECT used FROM http_quota WHERE bucket = ?", (bucket,))
        return int(rows[0][0]) if rows else 0

    # --- IdempotencyStore ----------------------------------------------------------------------
    def claim(self, scope: str, key: str, fingerprint: str, now: float, lease_s: float) -> Claim:
        self._maybe_prune(now)
        for _ in range(3):  # a concurrent release between statements just means: look again
            taken = self._execute(
                "INSERT INTO http_idempotency (scope, idem_key, fingerprint, state, expires_at) "
                "VALUES (?, ?, ?, 'in_flight', ?) ON CONFLICT (scope, idem_key) DO UPDATE SET "
                "fingerprint = excluded.fingerprint, state = 'in_flight', expires_at = excluded.expires_at, "
                "status = NULL, headers = NULL, body = NULL WHERE http_idempotency.expires_at < ? RETURNING 1",
                (scope, key, fingerprint, now + lease_s, now))
            if taken:
                return ("claimed", None)
            rows = self._execute(
                "SELECT fingerprint, state, status, headers, body FROM http_idempotency "
                "WHERE scope = ? AND idem_key = ?", (scope, key))
            if not rows:
                continue
            stored_fp, state, status, headers, body = rows[0]
            if stored_fp != fingerprint:
                return ("mismatch", None)
            if state != "completed":
                return ("in_flight", None)
            pairs = tuple((str(k), str(v)) for k, v in json.loads(headers or "[]"))
            return ("completed", (int(status), pairs, bytes(body or b"")))
        return ("in_flight", None)

    def complete(self, scope: str, key: str, response: StoredResponse, now: float, ttl_s: float) -> None:
        self._execute(
            "UPDATE http_idempotency SET state = 'completed', status = ?, headers = ?, body = ?, expires_at = ? "
            "WHERE scope = ? AND idem_key = ?",
            (response[0], json.dumps([list(h) for h in response[1]]), response[2], now + ttl_s, scope, key))

    def release(self, scope: str, key: str) -> None:
        self._execute("DELETE FROM http_idempotency WHERE scope = ? AND idem_key = ? AND state = 'in_flight'",
                      (scope, key))

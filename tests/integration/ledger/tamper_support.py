"""A ledger of 10 events with one signed checkpoint, and an attacker's raw access to its database.

Shared by the tamper tests. The attacker bypasses the append-only triggers as a superuser could:
on SQLite by dropping them, on PostgreSQL with ``session_replication_role = replica``. The checkpoint
sink is a folder on both backends (SQLite: the embedded default ``DIR/checkpoints``; PostgreSQL:
``KYC_CHECKPOINT_SINK_DIR``), as the checkpointer writes it.
"""

from __future__ import annotations

import base64
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from adapters.integrity.ed25519_keys import generate_private_key_file
from ops.cli import main

TENANTS = 5
TENANT_EVENTS = 4  # each Tenant.Created, its integration key, its first admin and the admin's key
EVENTS = TENANT_EVENTS * TENANTS


@dataclass
class Ledger:
    backend: str
    args: list[str]
    execute: Callable[[str, tuple[Any, ...]], list[tuple[Any, ...]]]
    events_table: str
    param: str  # "?" or "%s"
    sink: Path

    def q(self, sql: str) -> str:
        return sql.replace("?", self.param)

    def verify(self, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
        capsys.readouterr()
        code = main(["ledger", "verify", *self.args, *extra])
        return code, capsys.readouterr().out


def _sqlite_exec(path: Path) -> Callable[[str, tuple[Any, ...]], list[tuple[Any, ...]]]:
    def run(sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        db = sqlite3.connect(path, isolation_level=None)
        try:
            # The attacker drops the append-only triggers first.
            for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='trigger'").fetchall():
                db.execute(f"DROP TRIGGER {name}")
            return db.execute(sql, params).fetchall()
        finally:
            db.close()

    return run


def _pg_exec(dsn: str) -> Callable[[str, tuple[Any, ...]], list[tuple[Any, ...]]]:
    def run(sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with psycopg.connect(dsn, autocommit=True) as db:
            db.execute("SET session_replication_role = replica")  # superuser: triggers off
            cur = db.execute(sql, params)
            return cur.fetchall() if cur.description else []

    return run


def open_ledger(backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                postgres_db: str | None = None) -> Ledger:
    """``EVENTS`` events and one checkpoint signed at that size (in the database and the sink)."""
    monkeypatch.setenv("KYC_KEK", base64.b64encode(os.urandom(32)).decode())
    if backend == "sqlite":
        args = ["--data-dir", str(tmp_path / "data")]
        sink = tmp_path / "data" / "checkpoints"
    else:
        assert postgres_db is not None
        key_file = tmp_path / "checkpoint.pem"
        generate_private_key_file(key_file)
        monkeypatch.setenv("KYC_CHECKPOINT_KEY_FILE", str(key_file))
        sink = tmp_path / "sink"
        monkeypatch.setenv("KYC_CHECKPOINT_SINK_DIR", str(sink))
        args = ["--db", postgres_db]
    for i in range(TENANTS):
        assert main(["tenants", "create", "--name", f"Tenant {i}", "--json", *args]) == 0
    assert main(["ledger", "checkpoint", *args]) == 0
    if backend == "sqlite":
        return Ledger("sqlite", args, _sqlite_exec(tmp_path / "data" / "ledger.db"), "stored_events", "?", sink)
    return Ledger("postgres", args, _pg_exec(args[1]), "kycledger_events", "%s", sink)


def failed_at(code: int, out: str, position: int | None = None) -> str:
    assert code == 1, out
    assert out.startswith("FAILED"), out
    if position is not None:
        assert f"position {position}:" in out, out
    return out


def row_id(ledger: Ledger) -> str:
    return "rowid" if ledger.backend == "sqlite" else "notification_id"


def update_chain_hash(ledger: Ledger) -> str:
    """Set the entry hash of the chain entry at a position: (hash, position)."""
    if ledger.backend == "sqlite":  # the entry at position p is the row at rowid p
        return f"UPDATE {ledger.events_table} SET entry_hash=? WHERE rowid=?"
    return f"UPDATE {ledger.events_table}_chain SET entry_hash=? WHERE position=?"


def nid_at(ledger: Ledger, position: int) -> int:
    rows = ledger.execute(ledger.q(f"SELECT notification_id FROM {ledger.events_table}_chain WHERE position=?"),
                          (position,))
    return int(rows[0][0])

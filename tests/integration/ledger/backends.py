"""Open the same ledger on each backend for contract tests (in-memory, SQLite file, PostgreSQL)."""

from __future__ import annotations

import base64
import os
from pathlib import Path

from ops.bootstrap import LedgerRuntime, open_runtime
from ops.settings import Settings

BACKENDS = ("memory", "sqlite", "postgres")


def test_settings(**overrides: object) -> Settings:
    base = Settings.from_env({"KYC_KEK": base64.b64encode(os.urandom(32)).decode()})
    return Settings(**{**base.__dict__, **overrides})  # type: ignore[arg-type]


def open_backend(backend: str, tmp: Path, pg_dsn: str | None = None) -> LedgerRuntime:
    settings = test_settings()
    if backend == "memory":
        return open_runtime(data_dir=tmp, settings=settings, in_memory=True)
    if backend == "sqlite":
        return open_runtime(data_dir=tmp, settings=settings)
    assert pg_dsn is not None
    return open_runtime(db_url=pg_dsn, settings=settings)

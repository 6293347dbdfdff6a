"""Composition root: choose persistence, keys and sealing, and build the ledger (docs/architecture.md §2)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from psycopg.conninfo import conninfo_to_dict

from adapters.crypto.kek import KeyConfigurationError, KeyEncryptionKey
from adapters.crypto.subject_keys import PostgresSubjectKeyVault, SQLiteSubjectKeyVault, SubjectKeyVault
from adapters.crypto.transcodings import sealing_transcodings
from adapters.persistence.ledger_reader import PostgresLedgerReader, SQLiteLedgerReader
from adapters.persistence.pg_pool import with_connect_timeout
from domain.application import LEDGER_NAME, KycLedger
from ops.settings import DEFAULT_DATA_DIR, Settings

SQLITE_FACTORY = "adapters.persistence.chained_sqlite:Factory"
MEMORY_FACTORY = "adapters.persistence.chained_memory:Factory"
POSTGRES_FACTORY = "adapters.persistence.chained_postgres:Factory"


@dataclass
class LedgerRuntime:
    """Everything a process needs to work with one ledger."""

    ledger: KycLedger
    vault: SubjectKeyVault
    kek: KeyEncryptionKey
    settings: Settings
    backend: str  # "sqlite" | "postgres"
    data_dir: Path | None

    @property
    def chain(self) -> Any:
        """The chained recorder: ``select_chain``, ``chain_size``, ``entry_hashes``."""
        return self.ledger.recorder

    def reader(self) -> Any:
        """Raw rows for verification and export: ``.ledger_rows()`` yields the lockstep rows ``verify``
        reads in one pass, ``.snapshot()`` the (events, chain) streams of an export."""
        if self.backend == "memory":
            return self.ledger.recorder
        if self.backend == "sqlite":
            assert self.data_dir is not None
            return SQLiteLedgerReader(self.data_dir / "ledger.db")
        assert self.settings.db_url is not None
        return PostgresLedgerReader(self.settings.db_url, self.settings.postgres_schema,
                                    f"{LEDGER_NAME}_events")

    def close(self) -> None:
        stop_following = getattr(self.ledger.recorder, "stop_following", None)
        if callable(stop_following):
            stop_following()  # the PostgreSQL commit listener, if a follower started one
        self.ledger.close()


def postgres_env(db_url: str, schema: str = "public", timeout_s: int = 3) -> dict[str, str]:
    """eventsourcing's PostgreSQL settings from a libpq URL or key=value DSN.

    ``timeout_s`` bounds the wait for a pooled connection (an outage answers 503 after it, never hangs);
    connections are checked before use so a restarted server costs no failed request (``pg_pool``).
    """
    info = conninfo_to_dict(db_url)
    return {
        "PERSISTENCE_MODULE": POSTGRES_FACTORY,
        "POSTGRES_DBNAME": str(info.get("dbname") or "postgres"),
        "POSTGRES_HOST": str(info.get("host") or "127.0.0.1"),
        "POSTGRES_PORT": str(info.get("port") or "5432"),
        "POSTGRES_USER": str(info.get("user") or "postgres"),
        "POSTGRES_PASSWORD": str(info.get("password") or ""),
        "POSTGRES_SCHEMA": schema,
        "POSTGRES_ENABLE_DB_FUNCTIONS": "n",
        "POSTGRES_CONNECT_TIMEOUT": str(timeout_s),
        "POSTGRES_PRE_PING": "y",
    }


def _load_kek(settings: Settings, data_dir: Path | None) -> KeyEncryptionKey:
    if settings.kek_base64:
        return KeyEncryptionKey.from_base64(settings.kek_base64)
    if settings.kek_file:
        return KeyEncryptionKey.from_file(settings.kek_file)
    if data_dir is not None:
        return KeyEncryptionKey.load_or_create(data_dir / "secrets" / "kek.key")
    raise KeyConfigurationError("no key-encryption key: set KYC_KEK or KYC_KEK_FILE (or use --data-dir)")


def open_runtime(
    data_dir: str | Path | None = None,
    db_url: str | None = None,
    settings: Settings | None = None,
    *,
    in_memory: bool = False,
) -> LedgerRuntime:
    """Open the ledger at ``db_url`` (PostgreSQL) or in ``data_dir`` (SQLite, the default).

    ``in_memory`` keeps events in memory (keys still in ``data_dir``): for tests and what-if runs.
    """
    settings = settings or Settings.from_env()
    if data_dir is not None:
        settings = replace(settings, data_dir=Path(data_dir))
    if db_url is not None:
        settings = replace(settings, db_url=db_url)
    if settings.db_url:
        kek = _load_kek(settings, settings.data_dir)
        vault: SubjectKeyVault = PostgresSubjectKeyVault(
            kek, with_connect_timeout(settings.db_url, settings.db_timeout_s), settings.postgres_schema)
        env = postgres_env(settings.db_url, settings.postgres_schema, settings.db_timeout_s)
        backend, where = "postgres", settings.data_dir
    else:
        where = settings.data_dir or DEFAULT_DATA_DIR
        where.mkdir(parents=True, exist_ok=True, mode=0o700)
        kek = _load_kek(settings, where)
        vault = SQLiteSubjectKeyVault(kek, where / "keys.db")
        if in_memory:
            env, backend = {"PERSISTENCE_MODULE": MEMORY_FACTORY}, "memory"
        else:
            env = {"PERSISTENCE_MODULE": SQLITE_FACTORY, "SQLITE_DBNAME": str(where / "ledger.db")}
            backend = "sqlite"
    ledger = KycLedger(env=env, transcodings=sealing_transcodings(kek, vault), shredder=vault)
    return LedgerRuntime(ledger=ledger, vault=vault, kek=kek, settings=settings, backend=backend, data_dir=where)


def open_ledger(data_dir: str | Path | None = None, db_url: str | None = None) -> KycLedger:
    """The ledger alone, for commands that only read and write events."""
    return open_runtime(data_dir=data_dir, db_url=db_url).ledger

"""Session fixtures: a real PostgreSQL and a real NATS JetStream, started once and stopped by us.

``KYC_TEST_POSTGRES_DSN`` (an admin DSN) replaces the embedded PostgreSQL when it is set.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from ops.local_services import EmbeddedPostgres, LocalNats, create_database

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = (REPO_ROOT / ".." / "shared" / "data").resolve()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared public test data (never copied into the repo)."""
    if not SHARED_DATA.is_dir():
        raise FileNotFoundError(f"shared test data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def postgres_dsn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Admin DSN of a real PostgreSQL server for this test session."""
    given = os.environ.get("KYC_TEST_POSTGRES_DSN")
    if given:
        yield given
        return
    server = EmbeddedPostgres(tmp_path_factory.mktemp("pg") / "pgdata").start()
    try:
        yield server.dsn
    finally:
        server.stop()


@pytest.fixture
def fresh_postgres_db(postgres_dsn: str) -> str:
    """A new, empty database on the session's PostgreSQL server."""
    return create_database(postgres_dsn)


@pytest.fixture(scope="session")
def nats_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a real nats-server with JetStream on 127.0.0.1 for this test session."""
    server = LocalNats(tmp_path_factory.mktemp("nats")).start()
    try:
        yield server.url
    finally:
        server.stop()

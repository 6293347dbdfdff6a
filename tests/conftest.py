"""Session fixtures: a real PostgreSQL and a real NATS JetStream, started once and stopped by us.

``KYC_TEST_POSTGRES_DSN`` (an admin DSN) replaces the embedded PostgreSQL when it is set.
"""

from __future__ import annotations

import os
import shutil
import tempfile
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


def _private_dir(prefix: str) -> Path:
    # Not pytest's tmp_path_factory: pytest prunes old base temp dirs, which removes a running
    # server's files when several pytest sessions share the machine.
    return Path(tempfile.mkdtemp(prefix=prefix))


@pytest.fixture(scope="session")
def postgres_dsn() -> Iterator[str]:
    """Admin DSN of a real PostgreSQL server for this test session."""
    given = os.environ.get("KYC_TEST_POSTGRES_DSN")
    if given:
        yield given
        return
    root = _private_dir("kycledger-test-pg-")
    server = EmbeddedPostgres(root / "pgdata").start()
    try:
        yield server.dsn
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def fresh_postgres_db(postgres_dsn: str) -> str:
    """A new, empty database on the session's PostgreSQL server."""
    return create_database(postgres_dsn)


@pytest.fixture(scope="session")
def nats_url() -> Iterator[str]:
    """URL of a real nats-server with JetStream on 127.0.0.1 for this test session."""
    root = _private_dir("kycledger-test-nats-")
    server = LocalNats(root).start()
    try:
        yield server.url
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)

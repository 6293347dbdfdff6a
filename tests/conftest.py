"""Session fixtures: a real PostgreSQL and a real NATS JetStream, started once and stopped by us.

``KYC_TEST_POSTGRES_DSN`` (an admin DSN) replaces the embedded PostgreSQL when it is set.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from ops.local_services import EmbeddedPostgres, LocalNats, create_database
from tests.scratch import memory_fs, private_dir
from tests.workers import worker_count

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = (REPO_ROOT / ".." / "shared" / "data").resolve()


def pytest_configure(config: pytest.Config) -> None:
    """``tmp_path`` and ``tmp_path_factory`` folders in memory when the machine has room
    (``tests.scratch``): the tests' ledgers, HTTP state stores and read models are SQLite files whose
    every commit waits on the disk (about 4 ms a commit on this disk, 0.01 ms in memory; tests/e2e/api
    took a third less time). pytest's own numbered folders and clean-up are kept; only their root
    moves (``PYTEST_DEBUG_TEMPROOT``). With ``tmp_path_retention_policy = "failed"`` (pyproject) a
    passed test's folder is removed when it ends, so memory holds only what the running tests use.
    ``--basetemp`` or a root set by hand wins."""
    if config.option.basetemp is None and not os.environ.get("PYTEST_DEBUG_TEMPROOT"):
        room = memory_fs()
        if room is not None:
            os.environ["PYTEST_DEBUG_TEMPROOT"] = str(room)


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist, which ``-p no:xdist`` leaves out
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto`` (pyproject addopts): two worker processes for a run of folders, none for named files
    (``tests.workers``). Each worker has its own session fixtures: its own PostgreSQL and NATS."""
    return worker_count(config.args, len(os.sched_getaffinity(0)), config.invocation_params.dir)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared public test data (never copied into the repo)."""
    if not SHARED_DATA.is_dir():
        raise FileNotFoundError(f"shared test data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def postgres_dsn() -> Iterator[str]:
    """Admin DSN of a real PostgreSQL server for this test session."""
    given = os.environ.get("KYC_TEST_POSTGRES_DSN")
    if given:
        yield given
        return
    root = private_dir("kycledger-test-pg-", in_memory=True)
    server = EmbeddedPostgres(root / "pgdata").start()
    _without_fsync(server.dsn)
    try:
        yield server.dsn
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def _without_fsync(admin_dsn: str) -> None:
    """Turn off the flushes that guard only against an operating-system crash or power loss.

    This server lives for one session and its data directory is deleted at the end; no test crashes
    it (the crash tests run their own ``RestartablePostgres``), and a killed PostgreSQL process loses
    nothing without fsync since the kernel still holds its writes. With fsync on, the shutdown
    checkpoint alone flushed the hundreds of databases the session creates: 90-120 s of a run.
    ``synchronous_commit`` stays on, so a commit is in the kernel before the client hears of it.
    """
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        for setting in ("fsync", "full_page_writes"):
            conn.execute(sql.SQL("ALTER SYSTEM SET {} = off").format(sql.Identifier(setting)))
        conn.execute("SELECT pg_reload_conf()")


@pytest.fixture
def fresh_postgres_db(postgres_dsn: str) -> str:
    """A new, empty database on the session's PostgreSQL server."""
    return create_database(postgres_dsn)


@pytest.fixture(scope="session")
def nats_url() -> Iterator[str]:
    """URL of a real nats-server with JetStream on 127.0.0.1 for this test session."""
    root = private_dir("kycledger-test-nats-")
    server = LocalNats(root).start()
    try:
        yield server.url
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)

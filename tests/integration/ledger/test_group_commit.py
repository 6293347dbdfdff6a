"""Group commit: many concurrent saves commit together, a conflicting save fails alone, and the
chain stays gap-free and valid, on SQLite and a real PostgreSQL."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import InfrastructureFactory, IntegrityError, StoredEvent

from adapters.persistence.ledger_reader import PostgresLedgerReader, SQLiteLedgerReader
from domain.integrity.verifier import verify_rows
from ops.bootstrap import POSTGRES_FACTORY, SQLITE_FACTORY, postgres_env

pytestmark = pytest.mark.integration

WRITERS = 8
SAVES_PER_WRITER = 25


def _recorder(backend: str, tmp_path: Path, request: pytest.FixtureRequest, group: str) -> tuple[Any, Any]:
    if backend == "sqlite":
        path = tmp_path / "ledger.db"
        env = {"PERSISTENCE_MODULE": SQLITE_FACTORY, "SQLITE_DBNAME": str(path), "KYC_GROUP_COMMIT": group}
        reader_factory = lambda: SQLiteLedgerReader(path)  # noqa: E731
    else:
        dsn = request.getfixturevalue("fresh_postgres_db")
        env = {**postgres_env(dsn), "PERSISTENCE_MODULE": POSTGRES_FACTORY, "KYC_GROUP_COMMIT": group,
               "POSTGRES_POOL_SIZE": str(WRITERS + 2)}
        reader_factory = lambda: PostgresLedgerReader(dsn, events_table="stored_events")  # noqa: E731
    factory = InfrastructureFactory.construct(env)  # type: ignore[arg-type]
    return factory.application_recorder(), reader_factory


def _event(oid: UUID, version: int) -> StoredEvent:
    return StoredEvent(originator_id=oid, originator_version=version, topic="tests.GroupCommit", state=b"x" * 64)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_concurrent_saves_group_and_conflicts_fail_alone(backend: str, tmp_path: Path,
                                                         request: pytest.FixtureRequest) -> None:
    recorder, reader_factory = _recorder(backend, tmp_path, request, "1")
    assert recorder.group_commit is not None
    contested = uuid4()
    recorder.insert_events([_event(contested, 1)])
    outcomes: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(WRITERS)

    def writer(n: int) -> None:
        barrier.wait()
        for i in range(SAVES_PER_WRITER):
            # Every writer's first save races for version 2 of the same aggregate: one may win.
            batch = [_event(contested, 2)] if i == 0 else [_event(oid, v) for oid in (uuid4(),) for v in (1, 2)]
            try:
                recorder.insert_events(batch)
                result = "ok" if i else "won"
            except IntegrityError:
                result = "conflict"
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert outcomes.count("won") == 1
    assert outcomes.count("conflict") == WRITERS - 1
    assert outcomes.count("ok") == WRITERS * (SAVES_PER_WRITER - 1)
    stats = recorder.group_commit
    assert stats.saves == 1 + WRITERS * SAVES_PER_WRITER
    assert stats.groups < stats.saves, "no two saves ever shared a commit"
    with reader_factory().snapshot() as (events, chain):
        report = verify_rows(events, chain)
    assert report.ok, report.reason
    assert report.event_count == 2 + WRITERS * (SAVES_PER_WRITER - 1) * 2


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_group_commit_can_be_turned_off(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    recorder, _ = _recorder(backend, tmp_path, request, "0")
    assert recorder.group_commit is None
    oid = uuid4()
    assert len(recorder.insert_events([_event(oid, 1), _event(oid, 2)])) == 2
    with pytest.raises(IntegrityError):
        recorder.insert_events([_event(oid, 2)])


@pytest.mark.parametrize("group", ["0", "1"])
def test_two_processes_writing_one_sqlite_file_keep_one_valid_chain(tmp_path: Path, request: pytest.FixtureRequest,
                                                                    group: str) -> None:
    # Two recorder instances stand for two processes: each caches the tail it last wrote, and
    # must notice the other's writes instead of chaining onto a stale tail.
    first, reader_factory = _recorder("sqlite", tmp_path, request, group)
    second, _ = _recorder("sqlite", tmp_path, request, group)
    for i in range(30):
        writer = first if i % 3 else second
        writer.insert_events([_event(uuid4(), 1)])
    with reader_factory().snapshot() as (events, chain):
        report = verify_rows(events, chain)
    assert report.ok, report.reason
    assert report.event_count == 30


def test_a_rolled_back_save_is_never_cached_as_the_tail(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    recorder, reader_factory = _recorder("sqlite", tmp_path, request, "0")
    other, _ = _recorder("sqlite", tmp_path, request, "0")
    oid = uuid4()
    recorder.insert_events([_event(oid, 1)])
    with pytest.raises(IntegrityError):
        recorder.insert_events([_event(uuid4(), 1), _event(oid, 1)])  # rolls back: nothing kept
    other.insert_events([_event(uuid4(), 1)])  # takes the rowid the failed save had used
    recorder.insert_events([_event(uuid4(), 1)])
    with reader_factory().snapshot() as (events, chain):
        report = verify_rows(events, chain)
    assert report.ok, report.reason
    assert report.event_count == 3

"""Processes and threads writing one ledger at once build one gap-free, valid chain (SQLite and
PostgreSQL), and SQLite's cached chain tail notices every write made elsewhere since its last."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import InfrastructureFactory, IntegrityError, StoredEvent

from adapters.persistence.ledger_reader import PostgresLedgerReader, SQLiteLedgerReader
from domain.integrity.verifier import VerificationReport, verify_rows
from ops.bootstrap import POSTGRES_FACTORY, SQLITE_FACTORY, postgres_env

pytestmark = pytest.mark.integration

PROCESSES = 2
THREADS = 4
SAVES = 15


def _env(backend: str, target: str, group: str) -> dict[str, str]:
    if backend == "sqlite":
        return {"PERSISTENCE_MODULE": SQLITE_FACTORY, "SQLITE_DBNAME": target, "KYC_GROUP_COMMIT": group}
    return {**postgres_env(target), "PERSISTENCE_MODULE": POSTGRES_FACTORY, "KYC_GROUP_COMMIT": group,
            "POSTGRES_POOL_SIZE": str(THREADS + 1)}


def _recorder(env: dict[str, str]) -> Any:
    return InfrastructureFactory.construct(env).application_recorder()  # type: ignore[arg-type]


def _event(oid: UUID, version: int) -> StoredEvent:
    return StoredEvent(originator_id=oid, originator_version=version, topic="tests.TailCache", state=b"s" * 48)


def _verify(backend: str, target: str) -> VerificationReport:
    reader = (SQLiteLedgerReader(Path(target)) if backend == "sqlite"
              else PostgresLedgerReader(target, events_table="stored_events"))
    with reader.snapshot() as (events, chain):
        return verify_rows(events, chain)


def _write_from_threads(env: dict[str, str]) -> None:
    """One process: THREADS threads on one recorder, SAVES saves of 1 or 3 events each."""
    recorder = _recorder(env)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(SAVES):
                oid = uuid4()
                recorder.insert_events([_event(oid, v) for v in range(1, 2 + 2 * ((n + i) % 2))])
        except BaseException as error:  # reported through the exit code
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def _target(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    return str(tmp_path / "ledger.db") if backend == "sqlite" else str(request.getfixturevalue("fresh_postgres_db"))


@pytest.mark.parametrize("group", ["0", "1"])
@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_processes_and_threads_writing_at_once_keep_one_valid_chain(
    backend: str, group: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    target = _target(backend, tmp_path, request)
    env = _env(backend, target, group)
    _recorder(env).insert_events([_event(uuid4(), 1)])  # create the tables before the race
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_write_from_threads, args=(env,)) for _ in range(PROCESSES)]
    for p in processes:
        p.start()
    _write_from_threads(env)  # the test process writes too
    for p in processes:
        p.join(timeout=120)
    assert [p.exitcode for p in processes] == [0] * PROCESSES
    report = _verify(backend, target)
    assert report.ok, report.reason
    assert report.event_count == 1 + (PROCESSES + 1) * THREADS * SAVES * 2  # saves of 1 and 3 alternate


def test_a_sqlite_writer_notices_every_write_made_elsewhere_since_its_last(tmp_path: Path) -> None:
    target = str(tmp_path / "ledger.db")
    ours, other = _recorder(_env("sqlite", target, "0")), _recorder(_env("sqlite", target, "0"))
    contested = uuid4()
    ours.insert_events([_event(contested, 1)])
    for _ in range(5):
        ours.insert_events([_event(uuid4(), 1)])  # consecutive saves: the cached tail is current
    assert ours.tail_cache.hits == 5
    other.insert_events([_event(uuid4(), 1), _event(uuid4(), 1)])
    ours.insert_events([_event(uuid4(), 1)])
    assert ours.tail_cache.misses == 2  # the first save, and the one after `other` wrote
    with pytest.raises(IntegrityError):
        other.insert_events([_event(uuid4(), 1), _event(contested, 1)])  # rolls back: ids freed
    ours.insert_events([_event(uuid4(), 1)])
    other.insert_events([_event(uuid4(), 1)])
    ours.insert_events([_event(uuid4(), 1)])
    assert ours.tail_cache.misses == 3
    report = _verify("sqlite", target)
    assert report.ok, report.reason
    assert report.event_count == 12

"""A save whose connection drops during its COMMIT, on a real PostgreSQL.

The server may have committed while the acknowledgement was lost with the connection; the save is
then retried on a fresh connection (``adapters.persistence.pg_pool.bounded_retry``) and conflicts
with itself. Before, that conflict went up as ``IntegrityError`` and the API answered 500 for a
session it had in fact created. Now the retry recognises its own events (same ids, versions, topics
and state bytes) and returns their notification ids; a conflict with anyone else's events stays an
``IntegrityError``, and a save that never committed is simply written by the retry.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import uuid4

import psycopg
import pytest
from eventsourcing.persistence import InfrastructureFactory, IntegrityError, OperationalError, StoredEvent

from adapters.persistence.ledger_reader import PostgresLedgerReader
from domain.integrity.verifier import verify_ledger
from ops.bootstrap import POSTGRES_FACTORY, postgres_env

pytestmark = pytest.mark.integration


def _recorder(dsn: str) -> Any:
    env = {**postgres_env(dsn), "PERSISTENCE_MODULE": POSTGRES_FACTORY, "KYC_GROUP_COMMIT": "0"}
    return InfrastructureFactory.construct(env).application_recorder()


def _drop_first_connection(recorder: Any, *, after_commit: bool, meanwhile: Any = None) -> list[str]:
    """The first connection the recorder takes dies: after its work committed, or before it could."""
    real = recorder.datastore.get_connection
    seen: list[str] = []

    @contextmanager
    def flaky() -> Iterator[Any]:
        seen.append("connection")
        if len(seen) == 1 and not after_commit:
            if meanwhile is not None:
                meanwhile()
            raise OperationalError("server closed the connection unexpectedly") from psycopg.OperationalError()
        with real() as conn:
            yield conn
        if len(seen) == 1:
            raise OperationalError("server closed the connection unexpectedly") from psycopg.OperationalError()

    recorder.datastore.get_connection = flaky
    return seen


def _verified_count(dsn: str) -> int:
    with PostgresLedgerReader(dsn, events_table="stored_events").ledger_rows() as rows:
        report = verify_ledger(rows)
    assert report.ok, report
    return report.event_count


def test_a_save_whose_acknowledgement_was_lost_is_recognised_as_committed(fresh_postgres_db: str) -> None:
    recorder = _recorder(fresh_postgres_db)
    oid = uuid4()
    seen = _drop_first_connection(recorder, after_commit=True)
    ids = recorder.insert_events([StoredEvent(oid, 1, "tests.SessionCreated", b"created"),
                                  StoredEvent(oid, 2, "tests.CaptureRecorded", b"capture")])
    assert len(seen) >= 3  # the lost acknowledgement, the retry that conflicted, the look-up
    stored = recorder.select_events(oid)
    assert [(e.originator_version, e.state) for e in stored] == [(1, b"created"), (2, b"capture")]
    assert ids == [n.id for n in recorder.select_notifications(1, 10)]  # what the first attempt committed
    assert _verified_count(fresh_postgres_db) == 2  # stored once, chain intact


def test_a_conflict_with_someone_else_s_save_after_a_dropped_connection_is_still_refused(
        fresh_postgres_db: str) -> None:
    recorder = _recorder(fresh_postgres_db)
    rival = _recorder(fresh_postgres_db)
    oid = uuid4()

    def rival_writes_first() -> None:
        rival.insert_events([StoredEvent(oid, 1, "tests.SessionCreated", b"theirs")])

    _drop_first_connection(recorder, after_commit=False, meanwhile=rival_writes_first)
    with pytest.raises(IntegrityError):
        recorder.insert_events([StoredEvent(oid, 1, "tests.SessionCreated", b"ours")])
    assert [e.state for e in recorder.select_events(oid)] == [b"theirs"]
    assert _verified_count(fresh_postgres_db) == 1


def test_a_save_that_never_committed_is_written_by_the_retry(fresh_postgres_db: str) -> None:
    recorder = _recorder(fresh_postgres_db)
    oid = uuid4()
    seen = _drop_first_connection(recorder, after_commit=False)
    ids = recorder.insert_events([StoredEvent(oid, 1, "tests.SessionCreated", b"created")])
    assert len(seen) == 2 and ids is not None and len(ids) == 1
    assert [e.state for e in recorder.select_events(oid)] == [b"created"]
    assert _verified_count(fresh_postgres_db) == 1

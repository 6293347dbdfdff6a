"""The ledger rings its followers' commit signal: in process on SQLite (the embedded default), and on
PostgreSQL also for commits made by another process (LISTEN on the channel each save NOTIFYs). A
projection whose poll is a minute still applies a new event: the commit woke it."""

from __future__ import annotations

import time
from pathlib import Path
from uuid import uuid4

import pytest
from eventsourcing.persistence import StoredEvent

from adapters.persistence.commit_signal import commit_signal_of
from adapters.views.runner import ProjectionRunner
from ops.runners.relays import open_read_model_view
from tests.integration.decisions.seeding import TENANTS, open_ledger_at
from tests.unit.projections.support import meter

pytestmark = pytest.mark.integration


@pytest.mark.timeout(60)
@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_save_rings_the_signal_of_its_own_process(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    db = request.getfixturevalue("fresh_postgres_db") if backend == "postgres" else None
    rt = open_ledger_at(tmp_path, db)
    try:
        signal = commit_signal_of(rt.ledger)
        assert signal is not None
        seen = signal.count
        rt.ledger.recorder.insert_events([StoredEvent(uuid4(), 1, "tests.Signal", b"x")])
        assert signal.wait_after(seen, timeout=600) > seen
    finally:
        rt.close()


@pytest.mark.timeout(60)
def test_postgres_a_commit_by_another_process_wakes_the_follower(tmp_path: Path, fresh_postgres_db: str) -> None:
    follower = open_ledger_at(tmp_path / "a", fresh_postgres_db)
    writer = open_ledger_at(tmp_path / "b", fresh_postgres_db)
    try:
        signal = commit_signal_of(follower.ledger)
        assert signal is not None  # once it returns, LISTEN is in place
        seen = signal.count
        writer.ledger.recorder.insert_events([StoredEvent(uuid4(), 1, "tests.Signal", b"x")])
        assert signal.wait_after(seen, timeout=600) > seen  # only the NOTIFY can ring it: the writer is elsewhere
    finally:
        writer.close()
        follower.close()


@pytest.mark.timeout(60)
def test_a_projection_polling_once_a_minute_applies_a_new_event_on_its_commit(tmp_path: Path) -> None:
    rt = open_ledger_at(tmp_path)
    view = open_read_model_view(rt)
    runner = ProjectionRunner(rt.ledger, view)
    try:
        runner.start(poll_seconds=600)
        time.sleep(0.2)  # the runner has read the empty log and waits
        meter(rt.ledger, TENANTS[0], "ocr", "call-1")
        while not view.dump()["rm_quota_counters"]:  # bounded by the test timeout, not by the poll
            time.sleep(0.01)
        assert sum(r["used"] for r in view.dump()["rm_quota_counters"]) == 1
    finally:
        runner.stop()
        view.close()
        rt.close()

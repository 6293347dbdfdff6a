"""The relay and the ML worker outlive a NATS outage longer than nats-py's own reconnecting.

nats-py retries a lost server ``max_reconnect_attempts`` times and then closes the client for good;
both background services used to keep that dead client (relay) or die with it (ML worker), so
after a long outage decisions stopped reaching NATS and queued jobs stopped being processed until
someone restarted the process. The tests take away nats-py's own reconnecting (0 attempts: the
client closes as soon as the server goes, as it does after a long outage), stop the real
nats-server, start it again on the same port and store, and show both services carry on.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest

from adapters.nats import relay as relay_module
from adapters.nats.streams import SESSIONS_STREAM
from adapters.nats.work_queue import JetStreamWorkQueue, MlJob
from ops.local_services import LocalNats
from ops.runners import ml_worker as worker_module
from ops.runners.relays import open_read_model_view
from tests.integration.decisions.seeding import open_ledger_at
from tests.integration.streams.nats_support import drive_sessions, new_tenant, read_stream, wait_relayed

pytestmark = pytest.mark.integration


@pytest.fixture
def restartable_nats(tmp_path: Path) -> Iterator[LocalNats]:
    server = LocalNats(tmp_path / "nats").start()
    try:
        yield server
    finally:
        server.stop()


def _wait(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _outage(server: LocalNats, seconds: float) -> None:
    server.stop()
    time.sleep(seconds)
    server.start()  # same port, same JetStream store


def test_the_relay_connects_again_after_nats_py_gave_up(tmp_path: Path, restartable_nats: LocalNats,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(relay_module, "RETRY_PAUSE_SECONDS", 0.1)
    rt = open_ledger_at(tmp_path / "ledger")
    tenant = new_tenant()
    try:
        relay = relay_module.NatsStreamRelay(rt.ledger, open_read_model_view(rt))
        handle = relay_module.RelayHandle(relay, restartable_nats.url, poll_seconds=0.02,
                                          reconnect_attempts=0).start()
        try:
            drive_sessions(rt, tenant)
            wait_relayed(rt, handle)
            _outage(restartable_nats, 1.0)
            drive_sessions(rt, tenant)  # written while NATS was away
            wait_relayed(rt, handle, timeout=30)
            assert handle.reconnects >= 1 and handle.error is None
        finally:
            handle.stop()
        messages = asyncio.run(_read(restartable_nats.url, tenant))
    finally:
        rt.close()
    ids = [m.headers["Nats-Msg-Id"] for m in messages]
    assert len(ids) == len(set(ids)) and len(ids) >= 8  # both rounds of sessions, no duplicate


async def _read(url: str, tenant: str) -> list[Any]:
    import nats
    nc = await nats.connect(url)
    try:
        return await read_stream(nc.jetstream(), SESSIONS_STREAM, f"kyc.{tenant}.sessions.>")
    finally:
        await nc.close()


class FakePipeline:
    """Records the jobs the worker hands over (the worker's NATS handling is under test here)."""

    def __init__(self) -> None:
        self.sessions: list[Any] = []

    def process_session(self, tenant_id: str, session_id: Any, *, sandbox: bool) -> None:
        self.sessions.append(session_id)

    def decide(self, session_id: Any) -> bool:
        return True


def test_the_ml_worker_processes_jobs_queued_after_a_long_outage(restartable_nats: LocalNats,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worker_module, "RECONNECT_PAUSE_SECONDS", 0.2)
    pipeline = FakePipeline()
    worker = worker_module.MlWorkerHandle(pipeline, restartable_nats.url, reconnect_attempts=0).start()  # type: ignore[arg-type]
    try:
        first, second = uuid4(), uuid4()
        asyncio.run(_enqueue(restartable_nats.url, MlJob("ten_outage", first, 1, False)))
        _wait(lambda: first in pipeline.sessions, "the job queued before the outage")
        _outage(restartable_nats, 1.0)
        asyncio.run(_enqueue(restartable_nats.url, MlJob("ten_outage", second, 1, False)))
        _wait(lambda: second in pipeline.sessions, "the job queued after the outage")
        assert worker.reconnects >= 1
    finally:
        worker.stop()
    assert pipeline.sessions == [first, second]


async def _enqueue(url: str, job: MlJob) -> None:
    queue = JetStreamWorkQueue(url)
    try:
        await queue.enqueue(job.tenant_id, job.session_id, job.attempt, job.sandbox)
    finally:
        await queue.aclose()

"""A PostgreSQL crash and restart under a running API and running followers, against real servers.

Before: session creation with the database down hung 14-16 s and answered 500, the first requests
after it returned failed, /readyz stayed green, and the read models, the NATS relay, the webhook
dispatcher and the erasure route failed on dead connections until their process was restarted.
Now an outage answers 503 ``dependency_unavailable`` with Retry-After within the pool's wait,
/readyz names the dependency that is down, the first request after the restart succeeds, and every
follower catches up on its own.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import nats
import psycopg
import pytest

from adapters.nats.streams import DECISIONS_STREAM
from tests.integration.resilience.support import Cluster, private_dir, wait_until
from tests.integration.streams.nats_support import read_stream
from tests.integration.webhooks.receiver import Receiver, running_receiver

pytestmark = pytest.mark.integration

DB_TIMEOUT_S = 2


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    started = Cluster.start(private_dir("kyc-pg-restart-"), KYC_DB_TIMEOUT_S=str(DB_TIMEOUT_S))
    try:
        yield started
    finally:
        started.close()


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


def test_an_outage_answers_503_fast_and_the_first_request_after_it_succeeds(cluster: Cluster) -> None:
    client = cluster.sandbox_client()
    assert client.post("/v1/sessions", {"checks": ["ocr"]}).status_code == 201
    cluster.pg.crash()
    try:
        started = time.monotonic()
        down = client.post("/v1/sessions", {"checks": ["ocr"]})
        elapsed = time.monotonic() - started
        assert down.status_code == 503, down.text
        assert down.headers["content-type"].startswith("application/problem+json")
        assert down.headers["retry-after"] == "5"
        problem = down.json()
        assert problem["code"] == "dependency_unavailable" and problem["details"]["dependency"] == "postgresql"
        assert elapsed < DB_TIMEOUT_S + 2.0, f"the outage took {elapsed:.1f} s to answer"

        started = time.monotonic()
        ready = cluster.http.get("/readyz")
        assert time.monotonic() - started < 3.5
        assert ready.status_code == 503 and ready.json() == {"ready": False,
                                                             "checks": {"postgresql": False, "nats": True}}
        assert cluster.http.get("/healthz").status_code == 200  # liveness only: the process is fine
    finally:
        cluster.pg.start()
    first = client.post("/v1/sessions", {"checks": ["ocr"]})  # the very first request after the restart
    assert first.status_code == 201, first.text
    assert cluster.http.get("/readyz").json() == {"ready": True, "checks": {"postgresql": True, "nats": True}}


def test_followers_and_the_erasure_route_carry_on_after_a_restart(cluster: Cluster, receiver: Receiver) -> None:
    client = cluster.sandbox_client()
    admin = cluster.admin_client(cluster.tenant_id)
    hook = admin.post("/v1/webhooks", {"url": receiver.url, "event_types": ["verification.completed"]})
    assert hook.status_code == 201, hook.text
    before = cluster.open_session(client)
    assert client.post(f"/v1/sessions/{before}/complete").json()["job_status"] == "queued"
    wait_until(lambda: cluster.decided(client, before), "the session before the restart to be decided")

    cluster.pg.crash()
    time.sleep(2.0)  # the followers poll a dead database meanwhile
    cluster.pg.start()
    restarted_at = time.monotonic()

    after = cluster.open_session(client)
    assert client.post(f"/v1/sessions/{after}/complete").status_code == 202
    wait_until(lambda: cluster.decided(client, after), "the ML worker and the decision worker after the restart")
    tip = cluster.tip()
    # Read models, NATS relay and webhook dispatcher (their rows), and the decision worker (its file).
    caught_up = wait_until(lambda: all(cluster.positions().get(name, 0) >= tip for name in (
        "read_models", "nats_relay", "webhook_dispatcher", "decision_worker")), "every follower to catch up", 30)
    assert time.monotonic() - restarted_at < 60 and caught_up < 30

    decisions = asyncio.run(_decision_subjects(cluster.nats.url))
    assert sum(after in subject or after in body for subject, body in decisions) == 1  # on NATS, once
    wait_until(lambda: any(after.encode() in r.body for r in receiver.requests), "the webhook after the restart")
    size = cluster.rt.chain.chain_size()  # chain positions: gap-free (notification ids jump after a crash)
    wait_until(lambda: _checkpoint_covers(cluster, size), "a checkpoint signed after the restart")

    erased = client.post(f"/v1/sessions/{after}/erasure", {"reason": "gdpr_art17_request"})
    assert erased.status_code == 200, erased.text
    assert erased.json()["receipts"][0]["status"] == "erased"


def _checkpoint_covers(cluster: Cluster, size: int) -> bool:
    assert cluster.rt.settings.db_url is not None
    with psycopg.connect(cluster.rt.settings.db_url) as conn:
        row = conn.execute("SELECT max(tree_size) FROM ledger_checkpoints").fetchone()
    return bool(row and row[0] is not None and int(row[0]) >= size)


async def _decision_subjects(url: str) -> list[tuple[str, str]]:
    client = await nats.connect(url)
    try:
        messages = await read_stream(client.jetstream(), DECISIONS_STREAM, "kyc.*.decisions")
        return [(m.subject, m.data.decode()) for m in messages]
    finally:
        await client.close()

"""The ledger is the outbox: recorded work reaches a decision whatever happens after the commit.

Against a real PostgreSQL and a real NATS with the work-recovery follower running (grace 2 s):
``complete`` with NATS killed answers 202 at once and the session is decided once NATS is back; a
request committed by an API replica that died before publishing (or during an instant call) is
queued from the ledger; a job taken by a worker that died mid-way is queued again; the instant
API answers 202 "accepted, processing" when its inline run cannot finish, and the session is
decided all the same. Every session ends with one decision and one result per check.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import nats
import psycopg
import pytest

from adapters.nats.work_queue import MlJob, fetch_one, pull_subscription
from domain.audit import audit_context
from policies.replay import replay_session
from tests.integration.resilience.support import CHECKS, Cluster, jpeg_b64, private_dir, wait_until

pytestmark = pytest.mark.integration

GRACE_S = 2.0


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    started = Cluster.start(private_dir("kyc-outbox-"), KYC_OUTBOX_GRACE_S=str(GRACE_S),
                            KYC_INSTANT_TIMEOUT_S="1")
    try:
        yield started
    finally:
        started.close()


def recorded_once(cluster: Cluster, sid: str) -> None:
    """One decision for the attempt, one result per requested check (exactly-once recording), and the
    decision replays from what was recorded (policies.replay), however late or often the job ran."""
    events = list(cluster.rt.ledger.events.get(UUID(sid)))
    topics = [type(e).__name__ for e in events]
    assert topics.count("DecisionMade") == 1, topics
    completed = [e.result["check"] for e in events if type(e).__name__ == "CheckCompleted"]  # type: ignore[attr-defined]
    assert sorted(completed) == sorted({*completed}) and set(CHECKS) <= set(completed), completed
    tenant = str(events[0].tenant_id)  # type: ignore[attr-defined]
    replayed = replay_session(events, lambda policy_hash: cluster.rt.ledger.policy_document(tenant, policy_hash))
    assert replayed and all(r.reproduced for r in replayed), replayed


def test_complete_with_nats_down_succeeds_and_the_session_is_decided_once_nats_is_back(cluster: Cluster) -> None:
    client = cluster.sandbox_client()
    sid = cluster.open_session(client)
    assert cluster.nats.process is not None
    cluster.nats.process.kill()  # kill -9: no goodbye to the clients
    cluster.nats.process.wait()
    try:
        started = time.monotonic()
        answer = client.post(f"/v1/sessions/{sid}/complete")
        assert answer.status_code == 202, answer.text
        assert answer.json()["job_status"] == "accepted"
        assert time.monotonic() - started < 4.0
        ready = cluster.http.get("/readyz")
        assert ready.status_code == 503 and ready.json()["checks"] == {"postgresql": True, "nats": False}
        time.sleep(GRACE_S + 1.5)  # the follower's offer fails meanwhile: the session waits, it is not lost
        assert not cluster.decided(client, sid)
    finally:
        cluster.nats.start()  # same port, same JetStream store
    took = wait_until(lambda: cluster.decided(client, sid), "the session to be decided after NATS returned", 60)
    assert took < 30
    recorded_once(cluster, sid)


def test_a_request_whose_publish_never_happened_is_queued_from_the_ledger(cluster: Cluster) -> None:
    """What an API replica killed between its commit and its publish (or during an instant call) leaves."""
    client = cluster.sandbox_client()
    sid = cluster.open_session(client)
    tenant = client.get(f"/v1/sessions/{sid}").json()["subject_id"].split(":")[0]
    with audit_context(tenant, "key:died-before-publish:sandbox", "req-died"):
        cluster.rt.ledger.request_checks(tenant, UUID(sid), CHECKS)
    requested = time.monotonic()
    wait_until(lambda: cluster.decided(client, sid), "the follower to queue the stranded request", 60)
    assert time.monotonic() - requested >= GRACE_S - 0.5  # not before the grace: the API may still publish
    recorded_once(cluster, sid)


def test_a_job_lost_with_its_worker_is_queued_again(cluster: Cluster) -> None:
    client = cluster.sandbox_client()
    sid = cluster.open_session(client)
    taken = asyncio.run(_complete_and_take_the_job(cluster, client, sid))
    assert taken is not None and taken.session_id == UUID(sid)  # a worker took it, then died unacked
    # JetStream would redeliver after its ack wait (minutes); the follower queues a copy sooner.
    took = wait_until(lambda: cluster.decided(client, sid), "the job of the dead worker to be queued again", 60)
    assert took < 4 * GRACE_S + 10
    recorded_once(cluster, sid)


async def _complete_and_take_the_job(cluster: Cluster, client: Any, sid: str) -> MlJob | None:
    """Complete the session, then take its job from the shared consumer before the real worker does
    and go away without acking it (a worker killed mid-job)."""
    nc = await nats.connect(cluster.nats.url)
    try:
        subscription = await pull_subscription(nc.jetstream())
        await asyncio.to_thread(cluster.stop_ml_worker)
        answer = await asyncio.to_thread(client.post, f"/v1/sessions/{sid}/complete")
        assert answer.status_code == 202 and answer.json()["job_status"] == "queued", answer.text
        message = await fetch_one(subscription, timeout=5)
        return None if message is None else MlJob.decode(message.data)
    finally:
        await nc.close()  # unacked: JetStream keeps the job until its ack wait ends
        await asyncio.to_thread(cluster.start_ml_worker)


def test_instant_verify_answers_202_when_its_run_cannot_finish_and_the_session_is_decided(cluster: Cluster) -> None:
    client = cluster.sandbox_client()
    body = {"document_front": jpeg_b64(), "selfie": jpeg_b64(), "checks": CHECKS}
    fast = client.post("/v1/identity/verify", body)
    assert fast.status_code == 200 and fast.json()["decision"] is not None  # all is well: the full answer

    pipeline = cluster.pipeline
    original = pipeline.process_session

    def hiccup(*args: Any, **kwargs: Any) -> Any:
        raise psycopg.OperationalError("server closed the connection unexpectedly")

    pipeline.process_session = hiccup  # type: ignore[method-assign]
    try:
        failed = client.post("/v1/identity/verify", body)
    finally:
        pipeline.process_session = original  # type: ignore[method-assign]
    assert failed.status_code == 202, failed.text
    accepted = failed.json()
    assert accepted["status"] == "pending" and accepted["job_status"] == "queued"
    assert failed.headers["location"] == accepted["poll_url"] == f"/v1/sessions/{accepted['id']}"
    wait_until(lambda: cluster.decided(client, accepted["id"]), "the failed instant run to be processed", 60)
    recorded_once(cluster, accepted["id"])


def test_instant_verify_that_outlasts_its_timeout_answers_202_and_finishes(cluster: Cluster) -> None:
    client = cluster.sandbox_client()
    pipeline = cluster.pipeline
    original = pipeline.process_session

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(1.5)  # longer than KYC_INSTANT_TIMEOUT_S=1, shorter than the grace
        return original(*args, **kwargs)

    pipeline.process_session = slow  # type: ignore[method-assign]
    try:
        answer = client.post("/v1/identity/verify", {"document_front": jpeg_b64(), "selfie": jpeg_b64(),
                                                     "checks": CHECKS})
        assert answer.status_code == 202, answer.text
        assert answer.json()["job_status"] == "processing"
        wait_until(lambda: cluster.decided(client, answer.json()["id"]), "the inline run to finish", 60)
    finally:
        pipeline.process_session = original  # type: ignore[method-assign]
    recorded_once(cluster, answer.json()["id"])

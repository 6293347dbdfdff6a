"""kycledger's own components on a nats-server running its accounts: each works as its own user, and
each user can do its job and nothing else (ACCOUNTS.md "Who may do what").

The relay (``ops.runners.relays.start_relays``), the API's work-queue publisher and live session feed
(``ops.product_wiring.product_services`` wiring) and the ML worker's consumer connect with credentials
derived from the runtime's KEK; a tenant receives what the relay published from a real ledger.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from adapters.nats.accounts import InternalRole
from adapters.nats.connection import flush_subscriptions
from adapters.nats.endpoint import NatsEndpoint, connect
from adapters.nats.session_feed import NatsSessionEventFeed
from adapters.nats.streams import session_subject
from adapters.nats.work_queue import SUBJECT, JetStreamWorkQueue, MlJob, fetch_one, pull_subscription
from ops.nats_access import component_endpoint
from ops.runners.relays import start_relays
from tests.integration.streams.accounts_support import Accounts, start_accounts, tenant_connect
from tests.integration.streams.nats_support import drive_sessions, wait_relayed

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def accounts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Accounts]:
    yield from start_accounts(tmp_path_factory)


def _endpoint(accounts: Accounts, role: InternalRole) -> NatsEndpoint:
    return component_endpoint(accounts.rt, accounts.url, role)


def test_the_relay_publishes_as_its_user_and_the_tenant_receives_its_decision(accounts: Accounts) -> None:
    tenant = next(iter(accounts.creds))
    creds = accounts.creds[tenant]

    async def scenario() -> Any:
        app = await tenant_connect(accounts.url, creds, [])
        decisions: asyncio.Queue[Any] = asyncio.Queue()
        await app.subscribe(creds["subjects"]["decisions"], cb=decisions.put)
        await flush_subscriptions(app)
        handle = await asyncio.to_thread(start_relays, accounts.rt, accounts.url, 0.01)
        try:
            await asyncio.to_thread(drive_sessions, accounts.rt, tenant)
            await asyncio.to_thread(wait_relayed, accounts.rt, handle)
            return await asyncio.wait_for(decisions.get(), 15)
        finally:
            await asyncio.to_thread(handle.stop)
            await app.close()

    decision = asyncio.run(scenario())
    assert decision.subject == creds["subjects"]["decisions"]
    assert json.loads(decision.data)["tenant_id"] == tenant


def test_the_live_feed_follows_a_session_as_the_api_user(accounts: Accounts) -> None:
    tenant, session_id = next(iter(accounts.creds)), str(uuid.uuid4())
    feed = NatsSessionEventFeed(_endpoint(accounts, InternalRole.API))

    async def scenario() -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        relay = await connect(_endpoint(accounts, InternalRole.RELAY))
        try:
            async with feed.subscribe(tenant, session_id) as subscription:
                await relay.publish(session_subject(tenant, session_id, "scan.status.updated"), b'{"n":1}')
                await relay.publish(session_subject(tenant, str(uuid.uuid4()), "scan.status.updated"), b'{"n":2}')
                return await subscription.next(5), await subscription.next(0.5)
        finally:
            await relay.close()
            await feed.aclose()

    own, other = asyncio.run(scenario())
    assert own == {"n": 1} and other is None


def test_the_work_queue_runs_between_the_api_user_and_the_ml_worker_user(accounts: Accounts) -> None:
    tenant = next(iter(accounts.creds))
    queue = JetStreamWorkQueue(_endpoint(accounts, InternalRole.API))
    session_id = uuid.uuid4()

    async def scenario() -> MlJob | None:
        job_id = await queue.enqueue(tenant, session_id, 1, sandbox=True)
        assert job_id == f"{session_id}:1"
        worker = await connect(_endpoint(accounts, InternalRole.ML_WORKER))
        try:
            message = await fetch_one(await pull_subscription(worker.jetstream()), timeout=5)
            assert message is not None
            await message.ack()
            return MlJob.decode(message.data)
        finally:
            await worker.close()
            await queue.close()

    assert asyncio.run(scenario()) == MlJob(tenant, session_id, 1, True)


async def _violations(endpoint: NatsEndpoint, subscribe: list[str], publish: list[str]) -> str:
    errors: list[str] = []

    async def on_error(exc: Exception) -> None:
        errors.append(str(exc).lower())

    nc = await connect(endpoint, error_cb=on_error, allow_reconnect=False)
    for subject in subscribe:
        await nc.subscribe(subject)
    for subject in publish:
        await nc.publish(subject, b"{}")
    await nc.flush()
    await asyncio.sleep(0.3)
    await nc.close()
    return " ".join(errors)


def test_each_component_user_is_refused_what_is_not_its_job(accounts: Accounts) -> None:
    tenant = next(iter(accounts.creds))
    decisions, sessions = f"kyc.{tenant}.decisions", f"kyc.{tenant}.sessions.s1.decision.made"
    expectations = {
        # the relay writes the tenant streams and reads nothing, nor queues ML work
        InternalRole.RELAY: (["kyc.>", "_INBOX.>"], [SUBJECT, "$JS.API.STREAM.DELETE.KYC_DECISIONS"]),
        # the API queues jobs and follows session status; it never forges a decision or a status
        InternalRole.API: ([decisions, "_INBOX.>"], [decisions, sessions, "$JS.API.STREAM.DELETE.KYC_ML_JOBS"]),
        # the ML worker consumes jobs; it never writes to the tenants' streams nor reads them
        InternalRole.ML_WORKER: (["kyc.>", "_INBOX.>"], [decisions, sessions, SUBJECT]),
    }
    for role, (subscribe, publish) in expectations.items():
        found = asyncio.run(_violations(_endpoint(accounts, role), subscribe, publish))
        for subject in subscribe:
            assert f'subscription to "{subject.lower()}"' in found, (role, subject, found)
        for subject in publish:
            assert f'publish to "{subject.lower()}"' in found, (role, subject, found)

"""The API's NATS users share one connection per event loop and open a new one after it closed.

Live feeds of many capture pages used to open one connection each; the work queue kept a client
that, once nats-py gave up reconnecting, failed every enqueue until the process restarted.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from uuid import uuid4

import nats
import pytest

from adapters.nats.session_feed import NatsSessionEventFeed
from adapters.nats.work_queue import JetStreamWorkQueue
from ops.local_services import LocalNats

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def private_nats(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of this module's own: the jobs queued here must not reach other tests' workers."""
    server = LocalNats(tmp_path_factory.mktemp("shared-connection-nats")).start()
    try:
        yield server.url
    finally:
        server.stop()


def test_live_feeds_share_one_connection_and_reopen_after_it_closed(private_nats: str) -> None:
    feed = NatsSessionEventFeed(private_nats)
    tenant, first, second = "ten_shared", str(uuid4()), str(uuid4())

    async def scenario() -> tuple[bool, bool, dict[str, object] | None]:
        publisher = await nats.connect(private_nats)
        async with feed.subscribe(tenant, first) as a, feed.subscribe(tenant, second) as b:
            shared = feed._connections._clients[asyncio.get_running_loop()]
            await publisher.publish(f"kyc.{tenant}.sessions.{second}.decision.made", b'{"n": 1}')
            got_b, got_a = await b.next(5), await a.next(0.2)
        same = got_b == {"n": 1} and got_a is None
        await shared.close()  # as when nats-py gives up reconnecting: the client stays closed
        async with feed.subscribe(tenant, first) as again:
            reopened = feed._connections._clients[asyncio.get_running_loop()]
            await publisher.publish(f"kyc.{tenant}.sessions.{first}.scan.status.updated", b'{"n": 2}')
            got = await again.next(5)
        await feed.aclose()
        await publisher.close()
        return same, reopened is not shared and shared.is_closed, got

    routed, reopened, got = asyncio.run(scenario())
    assert routed  # each page gets its own session's messages on the shared connection
    assert reopened and got == {"n": 2}


def test_the_work_queue_enqueues_again_after_its_connection_closed(private_nats: str) -> None:
    queue = JetStreamWorkQueue(private_nats)

    async def scenario() -> int:
        await queue.enqueue("ten_queue", uuid4(), 1, sandbox=True)
        client = queue._connections._clients[asyncio.get_running_loop()]
        before = await queue.depth()
        await client.close()
        await queue.enqueue("ten_queue", uuid4(), 1, sandbox=True)
        after = await queue.depth()
        await queue.aclose()
        return after - before

    assert asyncio.run(scenario()) == 1


def test_a_message_published_right_after_subscribing_is_never_missed(private_nats: str) -> None:
    """The capture page subscribes, then reads the ledger: what the relay publishes after the subscribe
    returned must arrive. A plain nats-py flush let about 1 in 100 such messages slip past."""
    feed = NatsSessionEventFeed(private_nats)

    async def scenario() -> int:
        publisher = await nats.connect(private_nats)
        missed = 0
        for _ in range(300):
            session = str(uuid4())
            async with feed.subscribe("ten_race", session) as live:
                await publisher.publish(f"kyc.ten_race.sessions.{session}.decision.made", b'{"n": 1}')
                missed += await live.next(2) is None
        await feed.aclose()
        await publisher.close()
        return missed

    assert asyncio.run(scenario()) == 0

"""A session's live status messages from NATS, for the capture page's SSE stream.

Implements ``api.web.live.SessionEventFeed`` (structurally: adapters may not import the API) with a
core NATS subscription on ``kyc.<tenant>.sessions.<session id>.>``, the subjects the relay
(``adapters.nats.relay``) publishes to JetStream; a JetStream publish is also delivered to core
subscribers, so no consumer state is created per page, and all pages of a process share one
connection. Messages published before the subscription are not replayed: the SSE stream catches up
from the ledger right after subscribing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import nats
from nats.aio.msg import Msg

from adapters.nats.connection import LoopConnections, flush_subscriptions
from adapters.nats.endpoint import NatsTarget
from adapters.nats.streams import token

MAX_PENDING = 1000  # one session publishes a few dozen messages; more means a stuck reader


class NatsSessionSubscription:
    """The payloads of one session's status messages, in arrival (= relay publication) order."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(MAX_PENDING)

    async def receive(self, message: Msg) -> None:
        payload = json.loads(message.data)
        if isinstance(payload, dict):
            self._queue.put_nowait(payload)

    async def next(self, timeout: float) -> dict[str, Any] | None:
        """The next message's payload, or None when none arrives within ``timeout`` seconds."""
        if timeout <= 0:
            return None if self._queue.empty() else self._queue.get_nowait()
        try:
            return await asyncio.wait_for(self._queue.get(), timeout)
        except TimeoutError:
            return None


class NatsSessionEventFeed:
    """Subscribes each followed session on the process's shared connection (``LoopConnections``)."""

    def __init__(self, nats_url: NatsTarget, connect_timeout: float = 2.0) -> None:
        self.nats_url = str(nats_url)
        self._connections = LoopConnections(nats_url, name="kycledger-live", connect_timeout=connect_timeout)

    def subject(self, tenant_id: str, session_id: str) -> str:
        return f"kyc.{token(tenant_id, 'tenant_id')}.sessions.{token(session_id, 'session_id')}.>"

    @asynccontextmanager
    async def subscribe(self, tenant_id: str, session_id: str) -> AsyncIterator[NatsSessionSubscription]:
        """Subscribed on entry (the server has registered the interest); unsubscribed on exit."""
        subject = self.subject(tenant_id, session_id)
        nc = await self._connections.get()
        subscription = NatsSessionSubscription()
        sub = await nc.subscribe(subject, cb=subscription.receive, pending_msgs_limit=MAX_PENDING)
        try:
            await flush_subscriptions(nc)  # the SUB has reached the server before the caller reads the ledger
            yield subscription
        finally:
            if not nc.is_closed:
                with contextlib.suppress(nats.errors.Error):  # the connection may be going away
                    await sub.unsubscribe()

    async def aclose(self) -> None:
        """Close the shared connection of the running loop (application shutdown)."""
        await self._connections.aclose()

"""A session's live status messages from NATS, for the capture page's SSE stream (issue 7).

Implements ``api.web.live.SessionEventFeed`` (structurally: adapters may not import the API) with a
core NATS subscription on ``kyc.<tenant>.sessions.<session id>.>``, the subjects the relay
(``adapters.nats.relay``) publishes to JetStream; a JetStream publish is also delivered to core
subscribers, so no consumer state is created per page. Messages published before the subscription
are not replayed: the SSE stream catches up from the ledger right after subscribing.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import nats
from nats.aio.msg import Msg

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
    """Opens one NATS connection per followed session (a capture page follows exactly one)."""

    def __init__(self, nats_url: str, connect_timeout: float = 2.0) -> None:
        self.nats_url = nats_url
        self.connect_timeout = connect_timeout

    def subject(self, tenant_id: str, session_id: str) -> str:
        return f"kyc.{token(tenant_id, 'tenant_id')}.sessions.{token(session_id, 'session_id')}.>"

    @asynccontextmanager
    async def subscribe(self, tenant_id: str, session_id: str) -> AsyncIterator[NatsSessionSubscription]:
        """Subscribed on entry (the server has registered the interest); unsubscribed and closed on exit."""
        subject = self.subject(tenant_id, session_id)
        nc = await nats.connect(self.nats_url, name="kycledger-live", connect_timeout=self.connect_timeout,
                                max_reconnect_attempts=3, allow_reconnect=True)
        try:
            subscription = NatsSessionSubscription()
            await nc.subscribe(subject, cb=subscription.receive, pending_msgs_limit=MAX_PENDING)
            await nc.flush()  # the SUB has reached the server before the caller reads the ledger
            yield subscription
        finally:
            await nc.close()

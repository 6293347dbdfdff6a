"""One real stack for the live-stream tests: SQLite ledger, real models, ML worker, NATS relay.

It has its OWN nats-server (never the shared ``nats_url``): its ML worker and relay must not take
other tests' jobs or publish into their streams. The capture page's live feed is the real
``NatsSessionEventFeed``, wrapped to record what NATS delivered to the SSE stream.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from adapters.nats.session_feed import NatsSessionEventFeed
from api.deps import ApiSettings
from api.routes import ROUTE_HANDLERS
from ops.api_wiring import build_api
from ops.bootstrap import open_runtime
from ops.local_services import LocalNats
from ops.product_wiring import build_pipeline, product_services
from ops.runners.ml_worker import start_ml_worker
from ops.runners.relays import start_relays
from tests.e2e.api.helpers import ApiStack, SettableClock
from tests.e2e.routes.support import PRODUCT_CONTROLLERS, SANCTIONS


class RecordingSubscription:
    def __init__(self, inner: Any, delivered: list[dict[str, Any]], waiting: threading.Event) -> None:
        self.inner = inner
        self.delivered = delivered
        self.waiting = waiting

    async def next(self, timeout: float) -> dict[str, Any] | None:
        self.waiting.set()  # the stream has caught up from the ledger and now waits on NATS
        payload: dict[str, Any] | None = await self.inner.next(timeout)
        if payload is not None:
            self.delivered.append(payload)
        return payload


class RecordingFeed:
    """The real NATS feed; remembers each subscription's delivered payloads and signals (``ready``)
    when a stream, caught up from the ledger, first waits on NATS."""

    def __init__(self, inner: NatsSessionEventFeed) -> None:
        self.inner = inner
        self.delivered: dict[str, list[dict[str, Any]]] = {}
        self.subscribed: dict[str, threading.Event] = {}

    def ready(self, session_id: str) -> threading.Event:
        return self.subscribed.setdefault(session_id, threading.Event())

    @asynccontextmanager
    async def subscribe(self, tenant_id: str, session_id: str) -> AsyncIterator[RecordingSubscription]:
        async with self.inner.subscribe(tenant_id, session_id) as subscription:
            delivered = self.delivered.setdefault(session_id, [])
            yield RecordingSubscription(subscription, delivered, self.ready(session_id))


class StreamsStack:
    def __init__(self, api: ApiStack, nats_url: str, feed: RecordingFeed) -> None:
        self.api = api
        self.nats_url = nats_url
        self.feed = feed


@pytest.fixture(scope="package")
def streams_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamsStack]:
    nats_server = LocalNats(Path(tmp_path_factory.mktemp("streams-nats"))).start()
    rt = open_runtime(data_dir=Path(tmp_path_factory.mktemp("streams")))
    pipeline = build_pipeline(rt, watchlist_dir=SANCTIONS)
    services = product_services(rt, pipeline, nats_server.url)
    assert services.session_feed is not None
    feed = RecordingFeed(services.session_feed)
    services = dataclasses.replace(services, session_feed=feed)  # ApiServices is frozen
    missing = tuple(c for c in PRODUCT_CONTROLLERS if c not in ROUTE_HANDLERS)
    clock = SettableClock()
    app = build_api(rt, settings=ApiSettings(rate_limit_per_minute=10_000, rate_limit_per_day=100_000),
                    clock=clock, services=services, route_handlers=(*ROUTE_HANDLERS, *missing))
    http = TestClient(app, raise_server_exceptions=False, timeout=120)
    http.__enter__()
    worker = start_ml_worker(rt, nats_server.url, pipeline=pipeline)
    relay = start_relays(rt, nats_server.url)
    stack = ApiStack(rt=rt, app=app, http=http, clock=clock)
    try:
        yield StreamsStack(stack, nats_server.url, feed)
    finally:
        relay.stop()
        worker.stop()
        stack.close()
        nats_server.stop()

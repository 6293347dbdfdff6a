"""Helpers for the stream tests: unique tenants, a driven ledger, and reading a stream back."""

from __future__ import annotations

import time
import uuid
from typing import Any

from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from nats.js.api import ConsumerConfig, DeliverPolicy

from ops.bootstrap import LedgerRuntime
from tests.unit.projections.support import review_session, verified_session


def new_tenant() -> str:
    return f"ten_{uuid.uuid4().hex[:10]}"


def drive_sessions(rt: LedgerRuntime, tenant: str) -> list[Any]:
    """A verified session (with sealed personal data) and one routed to manual review."""
    return [verified_session(rt.ledger, tenant, subject=f"subj_{tenant}"), review_session(rt.ledger, tenant)]


def wait_relayed(rt: LedgerRuntime, handle: Any, timeout: float = 20.0) -> None:
    """Block until the relay's saved position reaches the end of the log."""
    deadline = time.monotonic() + timeout
    while handle.relay.positions.position("nats_relay") < rt.ledger.recorder.max_notification_id():
        if time.monotonic() > deadline:
            raise TimeoutError("the relay did not catch up with the log")
        time.sleep(0.02)


async def read_stream(js: JetStreamContext, stream: str, subject: str, start_seq: int | None = None,
                      idle: float = 0.5) -> list[Any]:
    """Every message of ``stream`` matching ``subject`` (from ``start_seq`` if given), in stream order."""
    config = ConsumerConfig(deliver_policy=DeliverPolicy.BY_START_SEQUENCE if start_seq else DeliverPolicy.ALL,
                            opt_start_seq=start_seq, inactive_threshold=30.0)
    sub = await js.pull_subscribe(subject, stream=stream, config=config)
    messages: list[Any] = []
    try:
        while True:
            try:
                batch = await sub.fetch(100, timeout=idle)
            except (TimeoutError, NatsTimeout):
                return messages
            for m in batch:
                await m.ack()
            messages.extend(batch)
    finally:
        await sub.unsubscribe()

"""The ML job queue on NATS JetStream: a work-queue stream with one durable pull consumer.

Jobs carry ids only (tenant, session, attempt, sandbox flag): nothing personal goes into NATS
(docs/architecture.md §5). ``Nats-Msg-Id`` = ``<session>:<attempt>`` lets JetStream drop a
duplicate publish within its dedupe window. A job is acked only after its events are recorded; a
crashed worker's job is redelivered after ``ack_wait`` and re-running it is harmless because the
pipeline records each check of an attempt once. With tracing on, the publish is a producer span and
its W3C ``traceparent`` rides in the message headers (``adapters.telemetry.propagation``).
"""

from __future__ import annotations

import json
import weakref
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.api import AckPolicy, ConsumerConfig, RetentionPolicy, StreamConfig
from nats.js.errors import NotFoundError
from opentelemetry.trace import SpanKind

from adapters.nats.connection import LoopConnections
from adapters.nats.endpoint import NatsTarget
from adapters.telemetry import inject_trace_headers, traced

STREAM = "KYC_ML_JOBS"
SUBJECT = "kyc.ml.jobs"
DURABLE = "ml-workers"
ACK_WAIT_S = 120.0  # longer than the slowest document read on a loaded 2-core machine
MAX_DELIVER = 5


@dataclass(frozen=True)
class MlJob:
    tenant_id: str
    session_id: UUID
    attempt: int
    sandbox: bool

    @property
    def job_id(self) -> str:
        return f"{self.session_id}:{self.attempt}"

    def encode(self) -> bytes:
        return json.dumps({"tenant_id": self.tenant_id, "session_id": str(self.session_id),
                           "attempt": self.attempt, "sandbox": self.sandbox}).encode()

    @classmethod
    def decode(cls, data: bytes) -> MlJob:
        raw = json.loads(data)
        return cls(str(raw["tenant_id"]), UUID(str(raw["session_id"])), int(raw["attempt"]), bool(raw["sandbox"]))


async def ensure_stream(js: Any) -> None:
    try:
        await js.stream_info(STREAM)
    except NotFoundError:
        await js.add_stream(StreamConfig(name=STREAM, subjects=[SUBJECT], retention=RetentionPolicy.WORK_QUEUE))


class JetStreamWorkQueue:
    """Publishes ML jobs on the process's shared connection (``LoopConnections``): opened lazily in
    the caller's event loop, and opened again after nats-py gave up reconnecting."""

    def __init__(self, url: NatsTarget) -> None:
        self.url = str(url)
        self._connections = LoopConnections(url, name="kycledger-work-queue")
        self._ready: weakref.WeakSet[Any] = weakref.WeakSet()  # connections whose stream was ensured

    async def _jetstream(self) -> Any:
        nc = await self._connections.get()
        js = nc.jetstream()
        if nc not in self._ready:
            await ensure_stream(js)  # idempotent: two first callers at once both succeed
            self._ready.add(nc)
        return js

    async def enqueue(self, tenant_id: str, session_id: UUID, attempt: int, sandbox: bool,
                      message_id: str | None = None) -> str:
        """Publish the job; ``message_id`` (default: the job id) is its ``Nats-Msg-Id`` for de-duplication."""
        job = MlJob(tenant_id, session_id, attempt, sandbox)
        js = await self._jetstream()
        msg_id = message_id or job.job_id
        attributes = {"messaging.system": "nats", "messaging.destination.name": SUBJECT,
                      "messaging.operation.type": "publish", "messaging.message.id": msg_id}
        with traced(f"publish {SUBJECT}", attributes, SpanKind.PRODUCER):
            headers = inject_trace_headers({"Nats-Msg-Id": msg_id})
            await js.publish(SUBJECT, job.encode(), headers=headers, timeout=5)
        return job.job_id

    async def depth(self) -> int:
        """Jobs in the work-queue stream: queued plus in progress (a work queue drops acked jobs)."""
        js = await self._jetstream()
        info = await js.stream_info(STREAM)
        return int(info.state.messages)

    async def close(self) -> None:
        """Close the running loop's connection (application shutdown)."""
        await self._connections.aclose()

    aclose = close


async def pull_subscription(js: Any) -> Any:
    """The durable pull consumer every ML worker shares (each job goes to one worker)."""
    await ensure_stream(js)
    config = ConsumerConfig(durable_name=DURABLE, ack_policy=AckPolicy.EXPLICIT, ack_wait=ACK_WAIT_S,
                            max_deliver=MAX_DELIVER)
    return await js.pull_subscribe(SUBJECT, durable=DURABLE, stream=STREAM, config=config)


async def fetch_one(subscription: Any, timeout: float) -> Any | None:
    try:
        messages = await subscription.fetch(1, timeout=timeout)
    except NatsTimeoutError:
        return None
    return messages[0] if messages else None

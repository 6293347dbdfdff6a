"""The ML worker process.

``start_ml_worker(runtime, nats_url)`` consumes the JetStream work queue in a background thread
(its own event loop): for each job it runs the pipeline in a thread, then asks the decision worker
to decide, and only then acks. A job whose session moved on is acked without work; an error naks
it with a delay (redelivered up to ``MAX_DELIVER`` times). The pipeline it runs comes from
``ops.product_wiring.build_pipeline``.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adapters.nats.accounts import InternalRole
from adapters.nats.connection import close_quietly, reconnect_options
from adapters.nats.endpoint import NatsTarget, connect
from adapters.nats.work_queue import SUBJECT, MlJob, fetch_one, pull_subscription
from adapters.telemetry import extract_trace_context, job_span
from ops.bootstrap import LedgerRuntime
from ops.nats_access import component_endpoint
from ops.product_wiring import build_pipeline
from services.verification.pipeline import VerificationPipeline

log = logging.getLogger("kycledger.ml_worker")


RECONNECT_PAUSE_SECONDS = 1.0


@dataclass
class MlWorkerStats:
    processed: int = 0
    failed: int = 0


class MlWorkerHandle:
    """A running ML worker; ``stop()`` ends it after the job in hand."""

    def __init__(self, pipeline: VerificationPipeline, nats_url: NatsTarget, reconnect_attempts: int = 60) -> None:
        self.pipeline = pipeline
        self.nats_url = nats_url
        self.reconnect_attempts = reconnect_attempts  # nats-py's own, 2 s apart; then we connect anew
        self.reconnects = 0
        self.stats = MlWorkerStats()
        self.ready = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="kycledger-ml-worker", daemon=True)

    def start(self) -> MlWorkerHandle:
        self._thread.start()
        if not self.ready.wait(15):
            self.stop(timeout=5)
            raise RuntimeError(f"ML worker could not subscribe to NATS at {self.nats_url}")
        return self

    def stop(self, timeout: float = 30.0) -> None:
        self._stopping.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        asyncio.run(self._consume())

    async def _consume(self) -> None:
        # Survives NATS outages: nats-py reconnects by itself for a while; a fetch that fails meanwhile,
        # or a client that gave up, leads to a fresh connection after a pause. An unacked job is
        # redelivered by JetStream after its ack wait, so nothing is lost in between.
        while not self._stopping.is_set():
            try:
                nc = await connect(self.nats_url, connect_timeout=5,
                                        **reconnect_options(self.reconnect_attempts))
            except Exception as exc:
                log.warning("ML worker cannot reach NATS (%s); retrying", type(exc).__name__)
                await asyncio.sleep(RECONNECT_PAUSE_SECONDS)
                continue
            try:
                subscription = await pull_subscription(nc.jetstream())
                self.ready.set()
                while not self._stopping.is_set() and not nc.is_closed:
                    message = await fetch_one(subscription, timeout=0.5)
                    if message is not None:
                        await self._handle(message)
            except Exception as exc:
                self.reconnects += 1
                log.warning("ML worker lost NATS (%s); connecting again", type(exc).__name__)
                await asyncio.sleep(RECONNECT_PAUSE_SECONDS)
            finally:
                await close_quietly(nc, drain=False)  # unacked jobs are redelivered anyway

    async def _handle(self, message: Any) -> None:
        job = MlJob.decode(message.data)
        try:
            # The job's span continues the trace of the request that queued it (traceparent header);
            # to_thread copies the context, so the pipeline's spans are its children.
            with job_span(SUBJECT, job.job_id, job.attempt, job.sandbox, extract_trace_context(message.headers)):
                await asyncio.to_thread(self.process, job)
        except Exception:
            self.stats.failed += 1
            log.exception("ML job %s failed; redelivering later", job.job_id)
            await message.nak(delay=5)
            return
        self.stats.processed += 1
        await message.ack()

    def process(self, job: MlJob) -> None:
        """Run and record the job's checks, then let the decision worker decide (idempotent)."""
        self.pipeline.process_session(job.tenant_id, job.session_id, sandbox=job.sandbox)
        self.pipeline.decide(job.session_id)


def start_ml_worker(runtime: LedgerRuntime, nats_url: NatsTarget, pipeline: VerificationPipeline | None = None,
                    watchlist_dir: Path | None = None) -> MlWorkerHandle:
    """Start consuming ML jobs for ``runtime`` as the ML worker's NATS user; ``stop()`` ends it."""
    endpoint = component_endpoint(runtime, nats_url, InternalRole.ML_WORKER)
    return MlWorkerHandle(pipeline or build_pipeline(runtime, watchlist_dir), endpoint).start()

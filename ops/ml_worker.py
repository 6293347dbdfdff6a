"""The ML worker process and the product wiring the API and the worker share.

``start_ml_worker(runtime, nats_url)`` consumes the JetStream work queue in a background thread
(its own event loop): for each job it runs the pipeline in a thread, then asks the decision worker
to decide, and only then acks. A job whose session moved on is acked without work; an error naks
it with a delay (redelivered up to ``MAX_DELIVER`` times). ``product_services(runtime, ...)`` builds
what the routes read from ``ApiDependencies.extensions["routes.product"]``.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adapters.blobs import LocalDiskBlobStore
from adapters.nats.accounts import InternalRole
from adapters.nats.connection import close_quietly, reconnect_options
from adapters.nats.endpoint import NatsTarget, connect
from adapters.nats.session_feed import NatsSessionEventFeed
from adapters.nats.work_queue import SUBJECT, JetStreamWorkQueue, MlJob, fetch_one, pull_subscription
from adapters.telemetry import extract_trace_context, job_span
from api.client_token import ClientTokens, SessionChallenges
from api.controllers.nats_credentials import NATS_CREDENTIALS_EXTENSION
from api.controllers.product import PRODUCT_EXTENSION, ProductServices
from api.review_evidence import REVIEW_WATCHLIST_EXTENSION
from api.web.live import SESSION_FEED_EXTENSION
from ml.kya.checker import OfflineKyaChecker
from ops.api_services import platform_services
from ops.bootstrap import LedgerRuntime
from ops.ml_services import build_ml_services
from ops.nats_access import LedgerNatsCredentials, component_endpoint
from ops.pipeline import VerificationPipeline, record_module_call, sandbox_label
from ops.review_wiring import WatchlistFolderEntries
from ops.sandbox import build_sandbox_services

log = logging.getLogger("kycledger.ml_worker")


def blob_store(runtime: LedgerRuntime) -> LocalDiskBlobStore:
    """The embedded blob store under the data dir (an S3 adapter implements the same port)."""
    root = (runtime.data_dir or Path(".kycledger")) / "blobs"
    return LocalDiskBlobStore(root, runtime.vault.data_key, runtime.kek.derive("blob-address"))


def build_pipeline(runtime: LedgerRuntime, watchlist_dir: Path | None = None) -> VerificationPipeline:
    """The pipeline over this runtime; real models load on first use, once per process."""
    pipeline = VerificationPipeline(
        ledger=runtime.ledger, blobs=blob_store(runtime), real=lambda: build_ml_services(watchlist_dir),
        sandbox=build_sandbox_services(OfflineKyaChecker(None)),
        challenges=SessionChallenges(runtime.kek.derive("liveness-challenge")))
    pipeline.watchlist_dir = watchlist_dir  # the review evidence looks hits up in the same lists
    return pipeline


def product_services(runtime: LedgerRuntime, pipeline: VerificationPipeline, nats_url: NatsTarget | None,
                     allow_private_webhooks: bool = False) -> dict[str, Any]:
    """``ApiDependencies.extensions`` entries for the product routes, plus the audit, erasure and
    webhook services (``ops.api_services``); ``allow_private_webhooks`` only for local development.
    The work queue and the live feed connect to NATS as the API's own user (``adapters.nats.accounts``)."""
    api_nats = component_endpoint(runtime, nats_url, InternalRole.API) if nats_url else None
    services = ProductServices(
        pipeline=pipeline, blobs=pipeline.blobs, tokens=ClientTokens(runtime.kek.derive("client-token")),
        challenges=pipeline.challenges, queue=JetStreamWorkQueue(api_nats) if api_nats else None,
        record_module_call=record_module_call, pipeline_label=sandbox_label)
    live = {SESSION_FEED_EXTENSION: NatsSessionEventFeed(api_nats)} if api_nats else {}  # SSE fed from NATS
    entries = WatchlistFolderEntries(getattr(pipeline, "watchlist_dir", None))
    return {PRODUCT_EXTENSION: services, REVIEW_WATCHLIST_EXTENSION: entries, **live,
            NATS_CREDENTIALS_EXTENSION: LedgerNatsCredentials(runtime),
            **platform_services(runtime, pipeline.blobs, allow_private_webhooks=allow_private_webhooks)}


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

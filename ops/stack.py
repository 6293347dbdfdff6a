"""The processes that follow the ledger's log, started together by ``dev`` and ``worker``."""

from __future__ import annotations

import contextlib
import time
from datetime import timedelta
from pathlib import Path

from adapters.nats.accounts import InternalRole
from adapters.nats.work_queue import JetStreamWorkQueue
from adapters.telemetry import configure_tracing
from ops.bootstrap import LedgerRuntime
from ops.integrity_wiring import build_checkpointer, integrity_stores
from ops.ml_services import watchlist_dir_from_env
from ops.nats_access import component_endpoint
from ops.product_wiring import blob_store, build_pipeline
from ops.runners.background import BackgroundLoop
from ops.runners.checkpointer import CheckpointSchedule
from ops.runners.decision_worker import DecisionWorker, PositionFile
from ops.runners.ml_worker import start_ml_worker
from ops.runners.nats_account_sync import start_account_sync
from ops.runners.relays import open_read_model_view, start_projections, start_relays, start_session_index
from ops.runners.retention_sweeper import start_retention_sweeper
from ops.runners.webhook_dispatcher import start_webhook_dispatcher
from ops.runners.work_recovery import WorkRecovery, WorkRecoveryHandle
from ops.warmup import ModelWarmup
from services.verification.pipeline import VerificationPipeline

EXPIRY_SWEEP_SECONDS = 15.0


class _Every:
    """True at most once per ``seconds`` (monotonic clock); the first call is due."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._next = 0.0

    def due(self) -> bool:
        now = time.monotonic()
        if now < self._next:
            return False
        self._next = now + self.seconds
        return True


def start_followers(rt: LedgerRuntime, nats_url: str, state_dir: Path, stack: contextlib.ExitStack, *,
                    allow_private_webhooks: bool) -> None:
    """Checkpoint signer, decision worker, read models, the session search's index, NATS relay and account
    sync, webhooks, retention sweeper, and the work-recovery follower that queues requested checks nobody processed
    (``ops.runners.work_recovery``).

    Each is stopped, in reverse order, when ``stack`` closes. ``allow_private_webhooks`` is for
    local development only: production never delivers to loopback or private addresses.
    """
    state_dir.mkdir(parents=True, exist_ok=True)
    nodes, store = stack.enter_context(integrity_stores(rt))
    schedule = CheckpointSchedule(build_checkpointer(rt, nodes, store), rt.settings.checkpoint_interval_s)
    schedule.start()
    stack.callback(schedule.stop)
    worker = DecisionWorker(rt.ledger, PositionFile(state_dir / "decision-worker.position"))
    sweep = _Every(EXPIRY_SWEEP_SECONDS)  # the TTL sweep loads every open session: not every 0.5 s

    def decide() -> int:
        return worker.run_once() + (worker.expire_overdue() if sweep.due() else 0)

    decisions = BackgroundLoop("decision-worker", decide).start()
    stack.callback(decisions.stop)
    stack.callback(start_projections(rt).stop)
    stack.callback(start_session_index(rt).stop)
    stack.callback(start_relays(rt, nats_url).stop)
    stack.callback(start_account_sync(rt, nats_url).stop)  # revoked NATS credentials reach the server
    stack.callback(start_webhook_dispatcher(rt, allow_private=allow_private_webhooks).stop)
    stack.callback(start_retention_sweeper(rt, blob_store(rt), interval_seconds=3600).stop)
    stack.callback(start_work_recovery(rt, nats_url).stop)


def start_work_recovery(rt: LedgerRuntime, nats_url: str, poll_seconds: float = 1.0) -> WorkRecoveryHandle:
    """Offer requested-but-unprocessed attempts to the work queue after ``KYC_OUTBOX_GRACE_S``."""
    recovery = WorkRecovery(rt.ledger, open_read_model_view(rt), timedelta(seconds=rt.settings.outbox_grace_s))
    endpoint = component_endpoint(rt, nats_url, InternalRole.API)  # it publishes jobs, as the API does
    return WorkRecoveryHandle(recovery, lambda: JetStreamWorkQueue(endpoint), poll_seconds).start()


def start_tracing(stack: contextlib.ExitStack) -> None:
    """OpenTelemetry from ``KYC_OTEL_EXPORTER`` (none set: no-op); flushed when ``stack`` closes."""
    provider = configure_tracing()
    if provider is not None:
        stack.callback(provider.shutdown)


def start_ml(rt: LedgerRuntime, nats_url: str, stack: contextlib.ExitStack) -> VerificationPipeline:
    """The verification pipeline and the ML worker consuming the JetStream work queue, started once
    the models are loaded and warm (``ops.warmup``): the worker's first job, and the first request
    after ``dev`` says ready, are as fast as the tenth."""
    pipeline = build_pipeline(rt, watchlist_dir_from_env())
    ModelWarmup(lambda: pipeline.services(sandbox=False), enabled=rt.settings.warm_models).start().wait()
    stack.callback(start_ml_worker(rt, nats_url, pipeline=pipeline).stop)
    return pipeline

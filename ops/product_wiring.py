"""The product wiring the API and the ML worker share: the blob store, the pipeline, the route services.

``product_services(runtime, ...)`` builds the ``ApiServices`` the routes call.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from adapters.blobs import LocalDiskBlobStore
from adapters.media import MsgpackLivenessFramesCodec
from adapters.nats.accounts import InternalRole
from adapters.nats.endpoint import NatsTarget
from adapters.nats.session_feed import NatsSessionEventFeed
from adapters.nats.work_queue import JetStreamWorkQueue
from adapters.telemetry import OtelPipelineTelemetry
from api.client_token import ClientTokens
from api.ports import ApiServices, ProductServices
from domain.sessions.challenges import SessionChallenges
from ml.document.portrait import FrontPortraitCropper
from ml.kya.checker import OfflineKyaChecker
from ops.api_services import platform_services
from ops.bootstrap import LedgerRuntime
from ops.ml_services import build_ml_services
from ops.nats_access import LedgerNatsCredentials, component_endpoint
from ops.review_wiring import WatchlistFolderEntries
from ops.sandbox import build_sandbox_services
from services.review.portrait import DocumentPortraits
from services.verification.pipeline import VerificationPipeline, record_module_call, sandbox_label


def blob_store(runtime: LedgerRuntime) -> LocalDiskBlobStore:
    """The embedded blob store under the data dir (an S3 adapter implements the same port)."""
    root = (runtime.data_dir or Path(".kycledger")) / "blobs"
    return LocalDiskBlobStore(root, runtime.vault.data_key, runtime.kek.derive("blob-address"))


def build_pipeline(runtime: LedgerRuntime, watchlist_dir: Path | None = None) -> VerificationPipeline:
    """The pipeline over this runtime; real models load on first use, once per process."""
    pipeline = VerificationPipeline(
        ledger=runtime.ledger, blobs=blob_store(runtime), real=lambda: build_ml_services(watchlist_dir),
        frames=MsgpackLivenessFramesCodec(), telemetry=OtelPipelineTelemetry(),
        sandbox=build_sandbox_services(OfflineKyaChecker(None)),
        challenges=SessionChallenges(runtime.kek.derive("liveness-challenge")))
    pipeline.watchlist_dir = watchlist_dir  # the review evidence looks hits up in the same lists
    return pipeline


def product_services(runtime: LedgerRuntime, pipeline: VerificationPipeline, nats_url: NatsTarget | None,
                     allow_private_webhooks: bool = False) -> ApiServices:
    """The services of the product routes, plus the audit, erasure and webhook services
    (``ops.api_services``); ``allow_private_webhooks`` only for local development.
    The work queue and the live feed connect to NATS as the API's own user (``adapters.nats.accounts``)."""
    api_nats = component_endpoint(runtime, nats_url, InternalRole.API) if nats_url else None
    services = ProductServices(
        pipeline=pipeline, blobs=pipeline.blobs, tokens=ClientTokens(runtime.kek.derive("client-token")),
        challenges=pipeline.challenges, queue=JetStreamWorkQueue(api_nats) if api_nats else None,
        record_module_call=record_module_call, pipeline_label=sandbox_label)
    return dataclasses.replace(
        platform_services(runtime, pipeline.blobs, allow_private_webhooks=allow_private_webhooks),
        product=services, review_watchlist=WatchlistFolderEntries(pipeline.watchlist_dir),
        review_portraits=DocumentPortraits(pipeline.blobs, FrontPortraitCropper()),
        session_feed=NatsSessionEventFeed(api_nats) if api_nats else None,  # SSE fed from NATS
        nats_credentials=LedgerNatsCredentials(runtime))

"""The audit, erasure and webhook services the API reaches through ``api.services``.

``platform_services(runtime, blobs)`` returns the ``ApiServices`` of these routes; the ML
worker's ``product_services`` merges them in, so every app built for the product routes (``dev``,
``serve``, tests) also serves audit, erasure and webhook management.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from adapters.views.runner import ProjectionRunner
from adapters.webhooks.address_policy import resolve_target
from api.ports import ApiServices
from domain.ports.blobs import BlobStore
from ops.bootstrap import LedgerRuntime
from ops.integrity_wiring import RuntimeEvidence
from ops.runners.relays import open_read_model_view
from services.erasure.engine import ErasureEngine, utc_now
from services.erasure.retention import media_retention, place_legal_hold, release_legal_hold, set_media_retention
from services.evidence.bundle import build_bundle
from services.webhooks.admin import LedgerWebhookAdmin


def erasure_engine(rt: LedgerRuntime, blobs: BlobStore | None, view: Any | None = None,
                   clock: Callable[[], datetime] = utc_now) -> ErasureEngine:
    """The erasure engine over the runtime; with ``view``, it brings those read models up to date
    after each shred (they delete the erased subject's rows)."""
    refresh = (lambda: ProjectionRunner(rt.ledger, view).run_once()) if view is not None else None
    return ErasureEngine(RuntimeEvidence(rt), blobs, refresh, clock=clock)


class BundleEvidence:
    """``api.services.EvidenceService`` over ``services.evidence.bundle.build_bundle``."""

    def __init__(self, rt: LedgerRuntime) -> None:
        self.rt = rt
        # Bundles may sign a fresh checkpoint; one at a time keeps the checkpoint store's writer single.
        self._lock = threading.Lock()

    def bundle(self, tenant_id: str, session_id: UUID | None = None, start: datetime | None = None,
               end: datetime | None = None) -> dict[str, Any]:
        with self._lock:
            return build_bundle(RuntimeEvidence(self.rt), tenant_id, session_id, start, end)


class EngineErasure:
    """``api.services.ErasureService`` over ``services.erasure.engine.ErasureEngine``.

    Called inside the request's audit context, so the erasure events name the requesting key.
    """

    def __init__(self, rt: LedgerRuntime, blobs: BlobStore | None) -> None:
        self.rt = rt
        view = open_read_model_view(rt) if rt.backend in ("sqlite", "postgres") else None
        self.engine = erasure_engine(rt, blobs, view)
        self._lock = threading.Lock()  # one shred at a time: each signs checkpoints around itself

    def erase_subject(self, tenant_id: str, subject_id: str, reason: str) -> dict[str, Any]:
        with self._lock:
            return self.engine.erase_subject(tenant_id, subject_id, reason)

    def erase_session(self, tenant_id: str, session_id: UUID, reason: str) -> list[dict[str, Any]]:
        with self._lock:
            return self.engine.erase_session(tenant_id, session_id, reason)

    def place_hold(self, tenant_id: str, subject_id: str, basis: str, until: datetime) -> None:
        place_legal_hold(self.rt.ledger, tenant_id, subject_id, basis, until)

    def release_hold(self, tenant_id: str, subject_id: str, at: datetime) -> None:
        release_legal_hold(self.rt.ledger, tenant_id, subject_id, at)

    def set_media_retention(self, tenant_id: str, days: int) -> None:
        set_media_retention(self.rt.ledger, tenant_id, days)

    def media_retention_days(self, tenant_id: str) -> int:
        return int(media_retention(self.rt.ledger, tenant_id).days)


def platform_services(rt: LedgerRuntime, blobs: BlobStore | None,
                      allow_private_webhooks: bool = False) -> ApiServices:
    """The services of the audit, erasure and webhook routes.

    ``allow_private_webhooks`` lets endpoints on 127.0.0.1 and private networks register (local
    development and tests only; production refuses them, and the dispatcher checks again per attempt).
    """
    return ApiServices(evidence=BundleEvidence(rt), erasure=EngineErasure(rt, blobs),
                       webhooks=LedgerWebhookAdmin(rt.ledger, resolve_target, allow_private=allow_private_webhooks))

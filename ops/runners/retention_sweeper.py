"""The retention sweeper: ``ErasureEngine.sweep`` (``services.erasure.engine``) now and then every interval."""

from __future__ import annotations

from domain.ports.blobs import BlobStore
from ops.api_services import erasure_engine
from ops.bootstrap import LedgerRuntime
from ops.runners.background import BackgroundLoop
from services.erasure.engine import ErasureEngine


def _sweep_step(engine: ErasureEngine) -> int:
    engine.sweep()
    return 0  # then wait the whole interval


def start_retention_sweeper(rt: LedgerRuntime, blobs: BlobStore | None,
                            interval_seconds: float = 3600.0) -> BackgroundLoop:
    """Purge media past retention and shred subjects whose hold ended, now and then every interval.

    A failed sweep is logged and retried at the next interval (``BackgroundLoop``): retention must
    not stop for good because the database blinked once.
    """
    engine = erasure_engine(rt, blobs)
    return BackgroundLoop("retention-sweeper", lambda: _sweep_step(engine), idle_seconds=interval_seconds).start()

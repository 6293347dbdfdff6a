"""The metric and the OpenTelemetry span of the liveness check carry liveness's own time: it runs
beside the document read, and used to be stamped with the time until the read had finished."""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from domain.audit import audit_context
from domain.ports.blobs import session_subject_id
from domain.sessions import SessionConfiguration
from ops.runners.ml_worker import build_pipeline
from tests.integration.decisions.seeding import open_ledger_at

pytestmark = pytest.mark.integration

SLOW_READ_S = 0.5


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (120, 120, 120)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_liveness_is_timed_on_its_own_not_with_the_document_read(tmp_path: Path) -> None:
    rt = open_ledger_at(tmp_path)
    pipeline = build_pipeline(rt)
    tenant = "ten_timing"
    try:
        with audit_context(tenant, "key:k:sandbox", "req"):
            config = SessionConfiguration.build(checks=["ocr", "liveness"], liveness_type="passive")
            sid = rt.ledger.create_session(tenant, config)
            for kind in ("document_front", "selfie"):
                stored = pipeline.blobs.put(session_subject_id(tenant, sid), jpeg(), "image/jpeg")
                rt.ledger.record_capture(tenant, sid, kind, stored.content_sha256, stored.ref, {})
            rt.ledger.request_checks(tenant, sid, ["ocr", "liveness"])
        read = pipeline.read_document

        def slow_read(*args: Any, **kwargs: Any) -> Any:
            time.sleep(SLOW_READ_S)  # a document read that takes longer than the sandbox's liveness
            return read(*args, **kwargs)

        pipeline.read_document = slow_read  # type: ignore[method-assign]
        observed: dict[str, float] = {}
        pipeline.check_observers.append(lambda check, _outcome, seconds: observed.__setitem__(check, seconds))
        recorded = pipeline.process_session(tenant, sid, sandbox=True)
        assert {"ocr", "liveness"} <= set(recorded)
        assert observed["ocr"] >= SLOW_READ_S
        assert observed["liveness"] < SLOW_READ_S  # was the read's time before
    finally:
        rt.close()

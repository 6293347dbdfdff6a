"""Two runs of one attempt at once record each check once (exactly-once recording).

A job redelivered while a slow run still goes, or recovered from the ledger beside an instant call,
makes two pipeline runs of the same attempt overlap. Before, both recorded their results (the
aggregate takes a second ``CheckCompleted`` as a replacement), so one attempt could hold two results
of a check and two copies of the extracted data. Both runs here wait at a barrier after the checks
ran, so their records collide for certain; on a real SQLite ledger with the sandbox adapters.
"""

from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from PIL import Image

from domain.audit import audit_context
from domain.ports.blobs import session_subject_id
from domain.sessions import SessionConfiguration
from ops.product_wiring import build_pipeline
from tests.integration.decisions.seeding import open_ledger_at

pytestmark = pytest.mark.integration


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (120, 120, 120)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_overlapping_runs_of_one_attempt_record_each_check_once(tmp_path: Path) -> None:
    rt = open_ledger_at(tmp_path)
    pipeline = build_pipeline(rt)
    tenant = "ten_once"
    try:
        with audit_context(tenant, "key:k:sandbox", "req"):
            sid = rt.ledger.create_session(tenant, SessionConfiguration.build(checks=["ocr", "face_match"]))
            for kind in ("document_front", "selfie"):
                stored = pipeline.blobs.put(session_subject_id(tenant, sid), jpeg(), "image/jpeg")
                rt.ledger.record_capture(tenant, sid, kind, stored.content_sha256, stored.ref, {})
            rt.ledger.request_checks(tenant, sid, ["ocr", "face_match"])

        barrier = threading.Barrier(2)
        original = pipeline._run_checks

        def run_then_meet(*args: Any, **kwargs: Any) -> Any:
            ran = original(*args, **kwargs)
            barrier.wait(timeout=30)  # both ran every check; now both record
            return ran

        pipeline._run_checks = run_then_meet  # type: ignore[method-assign]
        recorded: list[list[str]] = []
        runs = [threading.Thread(target=lambda: recorded.append(
            pipeline.process_session(tenant, sid, sandbox=True))) for _ in range(2)]
        for run in runs:
            run.start()
        for run in runs:
            run.join(60)
        topics = [type(e).__name__ for e in rt.ledger.events.get(UUID(str(sid)))]
        checks = sorted(e.result["check"] for e in rt.ledger.events.get(UUID(str(sid)))  # type: ignore[attr-defined]
                        if type(e).__name__ == "CheckCompleted")
        assert {"ocr", "face_match"} <= set(checks) and len(checks) == len(set(checks)), checks
        assert topics.count("DocumentDataExtracted") == 1, topics
        assert sorted(map(len, recorded))[0] == 0  # the second run found everything recorded
    finally:
        rt.close()

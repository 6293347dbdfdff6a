"""An app with the product, audit, erasure and webhook services on a SQLite ledger (no models).

Sessions are opened and captured over HTTP (real images from ../shared/data); their check results
are recorded the way the ML pipeline records them and decided by the real decision worker, so the
audit, erasure and webhook routes see exactly what a production session leaves in the ledger.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any
from uuid import UUID

from litestar.testing import TestClient

from api.client import KycClient
from api.deps import ApiSettings
from domain.audit import audit_context
from domain.checks import CheckResult, CheckType, ModelProvenance, Outcome
from ops.api_wiring import build_api
from ops.bootstrap import open_runtime
from ops.product_wiring import build_pipeline, product_services
from ops.runners.decision_worker import DecisionWorker
from tests.e2e.api.helpers import ApiStack, SettableClock

DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data"
SELFIE = DATA / "faces" / "face_recognition" / "obama.jpg"
MODEL = ModelProvenance(name="test-model", version="1", weights_sha256="0" * 64)


def start_stack(data_dir: Path, settings: ApiSettings | None = None) -> ApiStack:
    rt = open_runtime(data_dir=data_dir)
    clock = SettableClock()
    app = build_api(rt, settings=settings or ApiSettings(rate_limit_per_minute=100_000, rate_limit_per_day=1_000_000),
                    clock=clock, services=product_services(rt, build_pipeline(rt), None,
                                                             allow_private_webhooks=True))
    http = TestClient(app, raise_server_exceptions=False)
    http.__enter__()
    return ApiStack(rt=rt, app=app, http=http, clock=clock)


def b64(path: Path) -> str:
    return base64.b64encode(path.read_bytes()).decode()


def captured_session(client: KycClient, checks: list[str] | None = None) -> str:
    """A session with a real selfie uploaded over HTTP; its id (passive liveness: a selfie is all it needs)."""
    created = client.post("/v1/sessions", {"checks": checks or ["face_match", "liveness"], "liveness_type": "passive"})
    assert created.status_code == 201, created.text
    sid: str = created.json()["id"]
    for kind in ("selfie", "document_front"):
        answer = client.post(f"/v1/sessions/{sid}/documents", {"type": kind, "image_base64": b64(SELFIE)})
        assert answer.status_code == 201, answer.text
    return sid


def decided_session(stack: ApiStack, client: KycClient, tenant_id: str, similarity: float = 0.9,
                    face_outcome: Outcome = Outcome.PASS) -> str:
    """A captured session whose checks are recorded and decided by the decision worker."""
    sid = captured_session(client)
    decide_captured(stack, tenant_id, sid, similarity, face_outcome)
    return sid


def decide_captured(stack: ApiStack, tenant_id: str, sid: str, similarity: float = 0.9,
                    face_outcome: Outcome = Outcome.PASS) -> None:
    """Record face-match, liveness and document-validation results as the ML pipeline does (the face
    match reads the document, so the session validates it), then let the worker decide."""
    results = [CheckResult(check=CheckType.FACE_MATCH, outcome=face_outcome,
                           scores={"similarity": similarity}, models=(MODEL,)),
               CheckResult(check=CheckType.LIVENESS, outcome=Outcome.PASS, scores={"confidence": 0.9},
                           models=(MODEL,)),
               CheckResult(check=CheckType.DATA_VALIDATION, outcome=Outcome.PASS, scores={"confidence": 1.0})]
    with audit_context(tenant_id, "system:ml-pipeline", f"test-{sid}"):
        for check in ("face_match", "liveness", "data_validation"):
            stack.rt.ledger.request_check(tenant_id, UUID(sid), check)
        for result in results:
            stack.rt.ledger.record_check_result(tenant_id, UUID(sid), 1, result)
    assert DecisionWorker(stack.rt.ledger).consider(UUID(sid))


def topics(stack: ApiStack, topic: str) -> list[Any]:
    app = stack.rt.ledger
    return [app.mapper.to_domain_event(n) for n in app.recorder.select_notifications(1, 1_000_000, topics=[topic])]

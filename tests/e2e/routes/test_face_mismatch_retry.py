"""A face mismatch is a clear result of the attempt, and retrying the selfie keeps the document scan.

Real models, real images: a photo of the ICAO TD3 specimen carrying Obama's face (faces/face_recognition/
obama.jpg), then Biden's photo as the selfie (labelled "different" in faces/pairs.csv), then Obama's other
photo (obama2.jpg, labelled "same"). The shared data holds no unexpired document, so this app's pipeline
reads documents on 2011-06-01, while the specimen (expiry 2012-04-15) was valid: the face is the only
thing wrong with the first attempt, as it would be with a customer's valid passport.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import msgspec
import pytest
from litestar.testing import TestClient

from api.deps import ApiSettings
from api.routes import ROUTE_HANDLERS
from api.schemas.session_view import SessionView
from domain.audit import audit_context
from ops.api_wiring import build_api
from ops.bootstrap import open_runtime
from ops.product_wiring import build_pipeline, product_services
from policies.document import PolicyDocument
from policies.replay import replay_session
from tests.e2e.api.helpers import ApiStack, SettableClock
from tests.e2e.routes.support import FACES, PRODUCT_CONTROLLERS, b64, held_specimen

pytestmark = pytest.mark.e2e

SPECIMEN_VALID_DAY = date(2011, 6, 1)
# requirements/pipeline §10
MISMATCH = "We couldn't verify your identity. Please ensure the selfie matches your ID photo."
OTHER_PERSON, SAME_PERSON = FACES / "biden.jpg", FACES / "obama2.jpg"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiStack]:
    rt = open_runtime(data_dir=Path(tmp_path_factory.mktemp("face-retry")))
    pipeline = build_pipeline(rt)
    pipeline.today = lambda: SPECIMEN_VALID_DAY
    missing = tuple(c for c in PRODUCT_CONTROLLERS if c not in ROUTE_HANDLERS)
    clock = SettableClock()
    app = build_api(rt, settings=ApiSettings(rate_limit_per_minute=10_000, rate_limit_per_day=100_000), clock=clock,
                    services=product_services(rt, pipeline, None), route_handlers=(*ROUTE_HANDLERS, *missing))
    http = TestClient(app, raise_server_exceptions=False, timeout=120)
    http.__enter__()
    s = ApiStack(rt=rt, app=app, http=http, clock=clock)
    try:
        yield s
    finally:
        s.close()


def _tenant_accepting_passive(stack: ApiStack) -> Any:
    """A tenant whose policy counts a passive liveness pass: liveness is not this test's subject, the face is."""
    tenant = stack.new_tenant()
    opted = PolicyDocument(name="accepts-passive", accept_passive_liveness=True)
    with audit_context(tenant.tenant_id, "operator:cli", "opt-in"):
        stack.rt.ledger.activate_policy(tenant.tenant_id, opted.to_dict(), opted.policy_hash)
    return tenant


def _events(stack: ApiStack, tenant_id: str, sid: str) -> list[Any]:
    return stack.rt.ledger.session_events(tenant_id, UUID(sid))


def _named(events: list[Any], name: str) -> list[Any]:
    return [e for e in events if type(e).__name__ == name]


def _kept_scan_was_judged_again(stack: ApiStack, tenant_id: str, sid: str) -> None:
    """Attempt 2 used the very scan of attempt 1, on record, and its document checks ran on it."""
    events = _events(stack, tenant_id, sid)
    (scanned,) = [e for e in _named(events, "CaptureRecorded") if e.kind == "document_front"]  # one scan only
    (kept,) = _named(events, "CaptureCarriedOver")
    assert (kept.attempt, kept.from_attempt, kept.kind) == (2, 1, "document_front")
    assert (kept.content_sha256, kept.blob_ref) == (scanned.content_sha256, scanned.blob_ref)
    second = {e.result["check"]: e.result for e in _named(events, "CheckCompleted") if e.attempt == 2}
    assert second["ocr"]["outcome"] == "pass" and second["data_validation"]["outcome"] == "pass"
    assert second["face_match"]["outcome"] == "pass"
    results = replay_session(events, lambda h: stack.rt.ledger.policy_document(tenant_id, h))
    assert len(results) == 2 and all(r.reproduced for r in results), [r.differences for r in results]


def test_the_tenants_app_hears_the_mismatch_and_retries_the_selfie_alone(stack: ApiStack) -> None:
    tenant = _tenant_accepting_passive(stack)
    client = stack.client(tenant)
    sid = client.post("/v1/sessions", {"liveness_type": "passive"}).json()["id"]
    scan = client.post("/kyc/id-scan", {"sessionId": sid, "rawImage": held_specimen()})
    assert scan.status_code == 201 and scan.json()["status"] == "success", scan.text

    mismatch = client.post("/kyc/selfie", {"sessionId": sid, "selfieImage": b64(OTHER_PERSON)})
    assert mismatch.status_code == 201, mismatch.text
    answer = mismatch.json()
    assert (answer["attempt"], answer["nextAttempt"], answer["match"]) == (1, 2, False)  # not a silent attempt 2
    decision = answer["decision"]
    assert (decision["decision"], decision["route"], decision["retryStep"], decision["nextStep"]) == (
        "rejected", "retry", "selfie", "retry")
    assert "face_match_none" in decision["reasons"] and decision["userMessage"] == MISMATCH
    session = client.get(f"/v1/sessions/{sid}").json()
    assert (session["status"], session["attempt"], session["captures"]) == ("pending", 2, ["document_front"])
    assert (session["decision"]["attempt"], session["decision"]["retry_step"]) == (1, "selfie")
    documented = msgspec.convert(session, SessionView).decision  # the RetryStep enum holds the recorded step
    assert documented is not None and documented.retry_step == "selfie"

    retried = client.post("/kyc/selfie", {"sessionId": sid, "selfieImage": b64(SAME_PERSON)})  # no new scan
    assert retried.status_code == 201, retried.text
    second = retried.json()
    assert (second["attempt"], second["match"], second["nextAttempt"]) == (2, True, None)
    assert second["decision"] is not None
    assert not {"face_match_none", "document_expired"} & set(second["decision"]["reasons"])
    _kept_scan_was_judged_again(stack, tenant.tenant_id, sid)


def test_the_capture_page_asks_only_for_a_new_selfie(stack: ApiStack) -> None:
    tenant = _tenant_accepting_passive(stack)
    created = stack.client(tenant).post("/v1/sessions", {"liveness_type": "passive"}).json()
    sid, headers = created["id"], {"X-Client-Token": created["client_token"]}

    def call(method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        answer = stack.http.request(method, f"/client/sessions/{sid}{path}", json=body, headers=headers)
        assert answer.status_code in (200, 201), answer.text
        result: dict[str, Any] = answer.json()
        return result

    call("POST", "/captures", {"type": "document_front", "image_base64": held_specimen()})
    call("POST", "/checks/document")
    call("POST", "/captures", {"type": "selfie", "image_base64": b64(OTHER_PERSON)})
    first = call("POST", "/checks/face")
    assert first["decision"] == {"attempt": 1, "user_message": MISMATCH, "next_step": "retry", "retry_step": "selfie",
                                 "decided_by": "policy"}
    assert first["next_attempt_open"] is True and first["scan"]["kept"] is True  # the page skips the scan
    assert first["captures"] == ["document_front"] and "match" not in first["face"]
    call("POST", "/captures", {"type": "selfie", "image_base64": b64(SAME_PERSON)})
    second = call("POST", "/checks/face")
    assert second["decision"] is not None and second["decision"]["attempt"] == 2
    assert second["decision"]["user_message"] != MISMATCH
    _kept_scan_was_judged_again(stack, tenant.tenant_id, sid)

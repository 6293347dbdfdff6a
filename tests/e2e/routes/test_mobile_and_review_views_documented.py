"""The mobile (``/kyc/*``) and review answers are exactly their documented views: each real answer
converts into its Struct (enums and all) and encodes back to the very bytes the server sent, so no field
is missing from the OpenAPI document, none is promised that is not sent, and the order is the same."""

from __future__ import annotations

import httpx
import msgspec
import pytest

from api.schemas.mobile_views import HelpLogged, LivenessView, RetryView, ScanView, SessionStatusView
from api.schemas.review_views import ReviewCase, ReviewDecided, ReviewEvidence, ReviewQueueView
from tests.e2e.api.helpers import ApiStack
from tests.e2e.routes.support import FACES, MRZ_TD3, b64

pytestmark = pytest.mark.e2e


def _documented(answer: httpx.Response, view: type[msgspec.Struct]) -> msgspec.Struct:
    assert answer.status_code in (200, 201), answer.text
    typed = msgspec.convert(answer.json(), view)
    assert msgspec.json.encode(typed) == answer.content
    return typed


def test_each_mobile_and_review_answer_is_its_documented_view(stack: ApiStack) -> None:
    tenant = stack.new_tenant()
    client = stack.client(tenant)
    sid = client.post("/v1/sessions", {"checks": ["ocr", "face_match", "liveness"], "max_retries": 1,
                                       "liveness_type": "passive"}).json()["id"]
    _documented(client.post("/kyc/help-request", {"sessionId": sid, "step": "id_scan", "topic": "glare"}), HelpLogged)
    scan = _documented(client.post("/kyc/id-scan", {"sessionId": sid, "rawImage": b64(MRZ_TD3)}), ScanView)
    assert isinstance(scan, ScanView) and scan.idType == "passport" and scan.checks
    _documented(client.get(f"/kyc/id-scan/{scan.scanId}"), ScanView)
    pending = _documented(client.get(f"/kyc/liveness/{sid}"), LivenessView)
    assert isinstance(pending, LivenessView) and pending.livenessStatus == "pending" and pending.decision is None
    selfie = _documented(client.post("/kyc/selfie", {"sessionId": sid, "selfieImage": b64(FACES / "obama.jpg")}),
                         LivenessView)
    assert isinstance(selfie, LivenessView) and selfie.decision is not None and selfie.decision.reasons
    _documented(client.get(f"/kyc/liveness/{sid}"), LivenessView)
    other = client.post("/v1/sessions", {"checks": ["ocr"], "max_retries": 1}).json()["id"]
    _documented(client.post("/kyc/retry", {"sessionId": other, "step": "selfie"}), RetryView)
    _documented(client.post("/kyc/manual-review", {"sessionId": other, "reason": "persistent_failure"}),
                SessionStatusView)

    reviewer = stack.client(stack.new_key(tenant.tenant_id, "reviewer", name="Rita Reviewer"))
    queue = _documented(reviewer.get("/v1/reviews"), ReviewQueueView)
    assert isinstance(queue, ReviewQueueView) and other in [c.id for c in queue.cases]
    claimed = _documented(reviewer.post(f"/v1/reviews/{other}/claim"), ReviewCase)
    assert isinstance(claimed, ReviewCase) and claimed.claimed_by is not None and claimed.queue == "operations"
    _documented(reviewer.post(f"/v1/reviews/{other}/release"), ReviewCase)
    client.post("/kyc/manual-review", {"sessionId": sid, "reason": "persistent_failure"})
    shown = _documented(reviewer.get(f"/v1/reviews/{sid}"), ReviewEvidence)
    assert isinstance(shown, ReviewEvidence) and shown.attempts[0].captures and shown.attempts[0].checks
    assert shown.attempts[0].policy_decision is not None and shown.attempts[0].policy_decision.reason_codes
    reviewer.post(f"/v1/reviews/{other}/claim")
    decided = _documented(reviewer.post(f"/v1/reviews/{other}/decision",
                                        {"decision": "rejected", "reason": "documents_unclear"}), ReviewDecided)
    assert isinstance(decided, ReviewDecided) and decided.decided and decided.status == "failed"


def test_a_view_missing_a_field_the_server_sends_is_caught(stack: ApiStack) -> None:
    """The byte comparison is what keeps the views whole: a view without ``logged`` loses it on encoding."""

    class Partial(msgspec.Struct, frozen=True, kw_only=True):
        sessionId: str

    client = stack.client(stack.new_tenant())
    sid = client.post("/v1/sessions", {"checks": ["ocr"]}).json()["id"]
    answer = client.post("/kyc/help-request", {"sessionId": sid, "step": "id_scan", "topic": "glare"})
    with pytest.raises(AssertionError):
        _documented(answer, Partial)

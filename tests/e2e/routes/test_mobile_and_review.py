"""The mobile flow of requirements/capture §4 on the session domain, then manual review: queue, claim, decide."""

from __future__ import annotations

import pytest

from tests.e2e.api.helpers import ApiStack
from tests.e2e.routes.support import FACES, MRZ_TD3, b64

pytestmark = pytest.mark.e2e


def test_mobile_scan_selfie_help_manual_review_and_reviewer_decision(stack: ApiStack) -> None:
    tenant = stack.new_tenant()
    client = stack.client(tenant)
    sid = client.post("/v1/sessions", {"checks": ["ocr", "face_match", "liveness"], "max_retries": 0,
                                       "liveness_type": "passive"}).json()["id"]
    help_answer = client.post("/kyc/help-request", {"sessionId": sid, "step": "id_scan", "topic": "glare"})
    assert help_answer.status_code == 200 and help_answer.json()["logged"] is True
    scan = client.post("/kyc/id-scan", {"sessionId": sid, "rawImage": b64(MRZ_TD3)})
    assert scan.status_code == 201, scan.text
    assert scan.json()["status"] == "success" and scan.json()["mrzFound"] is True
    assert scan.json()["ocr"]["name"] == "ANNA MARIA ERIKSSON"
    again = client.get(f"/kyc/id-scan/{scan.json()['scanId']}")
    assert again.json()["ocr"] == scan.json()["ocr"]
    assert client.get(f"/kyc/liveness/{sid}").json()["livenessStatus"] == "pending"
    selfie = client.post("/kyc/selfie", {"sessionId": sid, "selfieImage": b64(FACES / "obama.jpg"),
                                         "instructionsCompleted": ["blink"]})
    assert selfie.status_code == 201, selfie.text
    assert selfie.json()["match"] is False and selfie.json()["faceMatchScore"] is not None
    # no retries left: a face mismatch is rejected or sent to review by the policy; ask a human if still open
    session = client.get(f"/v1/sessions/{sid}").json()
    assert session["decision"] is not None
    if session["status"] != "manual_review":
        other = client.post("/v1/sessions", {"checks": ["ocr"]}).json()["id"]
        assert client.post("/kyc/manual-review", {"sessionId": other, "reason": "persistent_failure"}).json()[
            "status"] == "manual_review"
        sid = other
    reviewer = stack.client(stack.new_key(tenant.tenant_id, "reviewer", name="Rita Reviewer"))
    queue = reviewer.get("/v1/reviews").json()["cases"]
    assert sid in [c["id"] for c in queue]
    outsider = stack.new_key(stack.new_tenant().tenant_id, "reviewer")
    assert stack.client(outsider).get("/v1/reviews").json()["cases"] == []  # tenant isolation
    assert client.post(f"/v1/reviews/{sid}/claim").status_code == 403  # the integration key does not review
    claimed = reviewer.post(f"/v1/reviews/{sid}/claim")
    assert claimed.status_code == 200 and claimed.json()["claimed_by"]["name"] == "Rita Reviewer"
    decided = reviewer.post(f"/v1/reviews/{sid}/decision", {"decision": "rejected", "reason": "documents_unclear"})
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == "failed" and decided.json()["review"]["decision"] == "rejected"
    assert decided.json()["review"]["reviewer_name"] == "Rita Reviewer"
    assert sid not in [c["id"] for c in reviewer.get("/v1/reviews").json()["cases"]]


def test_mobile_retry_opens_a_new_attempt(stack: ApiStack) -> None:
    client = stack.client(stack.new_tenant())
    sid = client.post("/v1/sessions", {"max_retries": 1}).json()["id"]
    first = client.post("/kyc/retry", {"sessionId": sid, "step": "selfie", "reason": "user_request"})
    assert first.json() == {"sessionId": sid, "attempt": 2, "status": "pending"}
    second = client.post("/kyc/retry", {"sessionId": sid, "step": "selfie"})
    assert (second.status_code, second.json()["code"]) == (409, "retry_limit_reached")

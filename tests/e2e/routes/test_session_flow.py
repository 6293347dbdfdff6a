"""A session from creation through uploads, complete, the ML worker (NATS) and the decision.

Real images: the ICAO 9303 TD3 specimen passport (mrz/images/passporteye) and real faces. The
specimen's portrait is not the selfie's person, so the policy must not accept: the test asserts
what was recorded (checks with model provenance, extracted data, a decision with reasons).
"""

from __future__ import annotations

from uuid import UUID

import pytest

from tests.e2e.api.helpers import ApiStack
from tests.e2e.routes.support import FACES, MRZ_TD3, b64, wait_for

pytestmark = pytest.mark.e2e


def test_full_session_through_the_queue_to_a_decision(stack: ApiStack) -> None:
    client = stack.client(stack.new_tenant())
    created = client.post("/v1/sessions", {"checks": ["ocr", "data_validation", "face_match", "liveness",
                                                      "screening"], "reference": "customer-1",
                                           "liveness_type": "passive"})
    assert created.status_code == 201, created.text
    session = created.json()
    assert session["status"] == "pending" and session["client_token"].startswith("kct1.")
    assert session["challenge"] is None
    sid = session["id"]
    for kind, path in (("document_front", MRZ_TD3), ("selfie", FACES / "obama.jpg")):
        answer = client.post(f"/v1/sessions/{sid}/documents", {"type": kind, "image_base64": b64(path)})
        assert answer.status_code == 201, answer.text
        assert len(answer.json()["content_sha256"]) == 64
    queued = client.post(f"/v1/sessions/{sid}/complete")
    assert queued.status_code == 202, queued.text
    assert queued.json()["job_status"] == "queued"
    final = wait_for(client, sid)
    checks = {c["check"]: c for c in final["checks"]}
    assert {"ocr", "data_validation", "face_match", "liveness", "screening", "quality"} <= set(checks)
    assert checks["ocr"]["outcome"] == "pass"
    assert all(c["models"] for name, c in checks.items() if name in ("ocr", "face_match", "liveness"))
    assert checks["face_match"]["outcome"] in ("fail", "uncertain")  # a specimen portrait, not Obama
    assert final["extracted_data"]["surname"] == "ERIKSSON"
    decision = final["decision"]
    assert decision["decision"] != "accepted" and decision["reasons"]
    assert len(decision["policy_hash"]) == 64
    # the capture events carry the blob reference and content hash, never the image
    tenant = final["subject_id"].split(":")[0]
    events = stack.rt.ledger.session_events(tenant, UUID(sid))
    captures = [e for e in events if getattr(type(e), "TOPIC", "") == "kycledger.session.CaptureRecorded"]
    assert len(captures) == 2
    assert all(len(e.blob_ref) == 64 and len(e.content_sha256) == 64 for e in captures)  # type: ignore[attr-defined]


def test_complete_without_captures_is_refused(stack: ApiStack) -> None:
    client = stack.client(stack.new_tenant())
    sid = client.post("/v1/sessions", {}).json()["id"]
    answer = client.post(f"/v1/sessions/{sid}/complete")
    assert answer.status_code == 409
    assert answer.json()["code"] == "captures_missing"
    # liveness is active by default: the challenge's frames are missing too
    assert answer.json()["details"]["missing"] == ["document_front", "liveness_frames", "selfie"]


def test_instant_verify_answers_the_full_result(stack: ApiStack) -> None:
    client = stack.client(stack.new_tenant())
    answer = client.post("/v1/identity/verify", {"document_front": b64(MRZ_TD3),
                                                 "selfie": b64(FACES / "obama.jpg"),
                                                 "checks": ["ocr", "face_match", "liveness"],
                                                 "liveness_type": "passive"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    # a specimen portrait against Obama's selfie: the policy asks for a retry or rejects, never accepts
    assert body["decision"]["decision"] != "accepted" and "face_match_none" in body["decision"]["reasons"]
    assert {c["check"] for c in body["checks"]} >= {"ocr", "face_match", "liveness"}
    assert body["usage"] == {"module": "workflow", "billed": True}
    assert body["processing_ms"] > 0

"""A session with ``require_address_proof`` through the signed API, the queue, real OCR and the policy.

The ID is the ICAO TD3 specimen passport (Anna Maria Eriksson); the address document is a bill to her,
rendered at test time into the tmp dir. The selfie is not the specimen's person, so the decision is not
an acceptance: the test asserts what was recorded for the address proof and that no personal value of it
reached a check result, a log line or a database file in plaintext.
"""

from __future__ import annotations

import base64
import io
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest
from PIL import Image

from tests.e2e.api.helpers import ApiStack
from tests.e2e.routes.support import FACES, MRZ_TD3, b64, wait_for
from tests.integration.address_proof.letters import Letter, render_letter, save

pytestmark = pytest.mark.e2e

ADDRESS = ("14 Willow Street", "Flat 2", "Manchester", "M1 4BT")
PERSONAL = ("Willow", "M1 4BT", "Manchester", "Eriksson")  # the address and the holder's name, any case
BOUNDARY = "kycledger-address-boundary"


def _bill(tmp_path: Path, holder: str = "Ms Anna Maria Eriksson") -> str:
    issued = datetime.now(UTC).date() - timedelta(days=12)  # the pipeline's clock is the wall clock
    path = save(tmp_path, "bill.png", render_letter(Letter(holder=holder, address=ADDRESS, issued=issued)))
    return base64.b64encode(path.read_bytes()).decode()


def _form(kind: str, image: bytes) -> bytes:
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\n{kind}\r\n"
            f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"capture\"\r\n"
            "Content-Type: image/png\r\n\r\n").encode() + image + f"\r\n--{BOUNDARY}--\r\n".encode()


def test_a_session_requiring_address_proof_checks_it_and_decides(stack: ApiStack, tmp_path: Path,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = stack.client(stack.new_tenant())
    created = client.post("/v1/sessions", {"checks": ["ocr", "data_validation", "face_match", "liveness"],
                                           "require_address_proof": True, "reference": "address-1",
                                           "liveness_type": "passive"})
    assert created.status_code == 201, created.text
    sid = created.json()["id"]
    for kind, path in (("document_front", MRZ_TD3), ("selfie", FACES / "obama.jpg")):
        answer = client.post(f"/v1/sessions/{sid}/documents", {"type": kind, "image_base64": b64(path)})
        assert answer.status_code == 201, answer.text

    refused = client.post(f"/v1/sessions/{sid}/complete")
    assert refused.status_code == 409 and refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["code"] == "captures_missing"
    assert refused.json()["details"]["missing"] == ["address_proof"]

    uploaded = client.post(f"/v1/sessions/{sid}/documents", {"type": "address_proof", "image_base64": _bill(tmp_path)})
    assert uploaded.status_code == 201, uploaded.text
    assert uploaded.json()["type"] == "address_proof" and uploaded.json()["media_type"] == "image/png"
    queued = client.post(f"/v1/sessions/{sid}/complete")
    assert queued.status_code == 202, queued.text
    assert "address_proof" in queued.json()["checks_requested"]

    final = wait_for(client, sid)
    checks = {c["check"]: c for c in final["checks"]}
    proof = checks["address_proof"]
    assert proof["outcome"] == "pass", proof
    assert proof["reasons"] == [] and proof["models"] and proof["models"][0]["name"].startswith("PP-OCRv6")
    assert final["decision"] is not None and final["decision"]["reasons"]  # the selfie is not the specimen
    assert "Willow Street" in final["extracted_data"]["address_proof_address"]  # the owner's view, decrypted

    tenant = final["subject_id"].split(":")[0]
    events = stack.rt.ledger.session_events(tenant, UUID(sid))
    decided = next(e for e in events if type(e).TOPIC == "kycledger.session.DecisionMade")  # type: ignore[attr-defined]
    gate = next(r for r in decided.outcome["rules"] if r["rule"] == "address_proof_gate")  # type: ignore[attr-defined]
    assert gate == {**gate, "triggered": False, "detail": "address proof matches the holder"}
    recorded = next(e.result for e in events if type(e).TOPIC == "kycledger.session.CheckCompleted"  # type: ignore[attr-defined]
                    and e.result["check"] == "address_proof")  # type: ignore[attr-defined]
    assert recorded["details"]["document_age_days"] == 12 and recorded["details"]["name"] == "match"

    # nothing personal in the recorded check, the logs, or any file of the data dir in plaintext
    text = (repr(recorded) + caplog.text).lower()
    assert not [p for p in PERSONAL if p.lower() in text]
    data_dir = stack.rt.data_dir
    assert data_dir is not None
    files = [p for p in Path(data_dir).rglob("*") if p.is_file()]
    assert files
    for needle in (b"Willow Street", b"M1 4BT", b"ERIKSSON"):
        assert not [p for p in files if needle in p.read_bytes()], needle


def test_an_address_document_is_refused_by_a_session_that_does_not_require_one(stack: ApiStack,
                                                                              tmp_path: Path) -> None:
    tenant = stack.new_tenant()
    client = stack.client(tenant)
    sid = client.post("/v1/sessions", {"checks": ["ocr"]}).json()["id"]
    bill = _bill(tmp_path)
    as_json = client.post(f"/v1/sessions/{sid}/documents", {"type": "address_proof", "image_base64": bill})
    assert as_json.status_code == 409 and as_json.json()["code"] == "address_proof_not_required"
    as_form = client.request("POST", f"/v1/sessions/{sid}/documents/multipart",
                             content=_form("address_proof", base64.b64decode(bill)),
                             headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
    assert as_form.status_code == 409 and as_form.json()["code"] == "address_proof_not_required"
    assert stack.rt.ledger.get_session(tenant.tenant_id, UUID(sid)).captures == {}
    # the same upload as multipart is accepted by a session that requires it
    wanted = client.post("/v1/sessions", {"checks": ["ocr"], "require_address_proof": True}).json()["id"]
    accepted = client.request("POST", f"/v1/sessions/{wanted}/documents/multipart",
                              content=_form("address_proof", base64.b64decode(bill)),
                              headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
    assert accepted.status_code == 201, accepted.text
    missing = client.post(f"/v1/sessions/{wanted}/complete")
    assert missing.status_code == 409 and missing.json()["details"]["missing"] == ["document_front"]


def _png(colour: tuple[int, int, int]) -> str:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


def test_a_sandbox_address_proof_in_red_asks_for_another_address_document(stack: ApiStack) -> None:
    """Sandbox magic colours (ops.sandbox): grey ID and selfie pass, a red address document fails."""
    tenant = stack.new_tenant()
    client = stack.client(stack.new_key(tenant.tenant_id, sandbox=True))
    created = client.post("/v1/sessions", {"checks": ["ocr", "face_match", "liveness"], "require_address_proof": True,
                                           "max_retries": 2}).json()
    sid = created["id"]
    for kind, colour in (("document_front", (128, 120, 110)), ("selfie", (128, 120, 110)),
                         ("address_proof", (200, 40, 40))):
        answer = client.post(f"/v1/sessions/{sid}/documents", {"type": kind, "image_base64": _png(colour)})
        assert answer.status_code == 201, answer.text
    # active liveness (the default): a grey sandbox recording of 2 s at 12.5 frames per second passes
    frames = client.post(f"/v1/sessions/{sid}/documents", {
        "type": "liveness_frames", "frames_base64": [_png((128, 120, 110))] * 25,
        "frame_offsets_ms": [80 * i for i in range(25)], "challenge_nonce": created["challenge"]["nonce"]})
    assert frames.status_code == 201, frames.text
    assert client.post(f"/v1/sessions/{sid}/complete").status_code == 202
    final = wait_for(client, sid)
    proof = next(c for c in final["checks"] if c["check"] == "address_proof")  # the decided attempt's
    assert (proof["outcome"], proof["reasons"], proof["sandbox"]) == ("fail", ["holder_name_mismatch"], True)
    decision = final["decision"]
    assert (decision["decision"], decision["route"]) == ("rejected", "retry")
    assert "address_proof:holder_name_mismatch" in decision["reasons"]
    assert decision["user_message"].startswith("We couldn't confirm your address")
    session = stack.rt.ledger.get_session(tenant.tenant_id, UUID(sid))
    assert session.attempt == 2 and session.retries[-1]["step"] == "address_capture"

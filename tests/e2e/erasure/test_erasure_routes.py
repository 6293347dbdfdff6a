"""Erasure over HTTP: receipts that verify offline, legal holds that restrict processing and
defer erasure, media retention settings, and another tenant's subjects out of reach."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from adapters.integrity.ed25519_keys import ED25519
from domain.ports.blobs import session_subject_id
from ops.product_wiring import blob_store, build_pipeline
from services.erasure.engine import verify_receipt
from tests.e2e.api.helpers import ApiStack
from tests.e2e.audit.support import SELFIE, b64, captured_session, start_stack, topics

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiStack]:
    s = start_stack(Path(tmp_path_factory.mktemp("erasure")))
    try:
        yield s
    finally:
        s.close()


def _subject(client: Any, sid: str) -> str:
    subject: str = client.get(f"/v1/sessions/{sid}").json()["subject_id"]
    return subject


def test_session_erasure_shreds_purges_and_answers_a_verifiable_receipt(stack: ApiStack) -> None:
    owner = stack.new_tenant()
    client = stack.client(owner)
    sid = captured_session(client)
    subject = _subject(client, sid)
    assert subject == session_subject_id(owner.tenant_id, UUID(sid))
    blobs = blob_store(stack.rt)
    refs = [c["blob_ref"] for c in stack.rt.ledger.get_session(owner.tenant_id, UUID(sid)).captures[1]]
    assert blobs.get(subject, refs[0])  # readable before
    answer = client.post(f"/v1/sessions/{sid}/erasure", {"reason": "gdpr_art17_request"})
    assert answer.status_code == 200, answer.text
    (receipt,) = answer.json()["receipts"]
    assert receipt["status"] == "erased" and receipt["subject_id"] == subject
    assert sorted(receipt["purged_blob_refs"]) == sorted(set(refs))
    assert verify_receipt(receipt, ED25519) == (True, "")
    tampered = {**receipt, "key_id": "dk_forged"}
    assert verify_receipt(tampered, ED25519)[0] is False
    erased = [e for e in topics(stack, "kycledger.subject.SubjectErased")
              if f"{e.originator_id}:{e.originator_version}" == receipt["event"]["event_id"]]
    assert erased and erased[0].actor == f"key:{owner.key_id}"  # the requesting key is on record
    again = client.post(f"/v1/subjects/{subject}/erasure", {"reason": "gdpr_art17_request"})
    assert again.status_code == 409  # already erased
    upload = client.post(f"/v1/sessions/{sid}/documents", {"type": "selfie", "image_base64": b64(SELFIE)})
    assert upload.status_code in (409, 410) and upload.json()["code"] in ("processing_restricted", "subject_erased")


def test_legal_hold_restricts_processing_and_defers_erasure(stack: ApiStack) -> None:
    owner = stack.new_tenant()
    client = stack.client(owner)
    sid = captured_session(client)
    subject = _subject(client, sid)
    until = (stack.clock() + timedelta(days=30)).isoformat()
    admin = stack.client(stack.new_key(owner.tenant_id, "admin"))
    refused = client.post(f"/v1/subjects/{subject}/legal-hold", {"basis": "aml_record_keeping", "until": until})
    assert refused.status_code == 403 and refused.json()["code"] == "admin_role_required"
    held = admin.post(f"/v1/subjects/{subject}/legal-hold", {"basis": "aml_record_keeping", "until": until})
    assert held.status_code == 201, held.text
    assert held.json()["processing_restricted"] is True and held.json()["hold_basis"] == "aml_record_keeping"
    upload = client.post(f"/v1/sessions/{sid}/documents", {"type": "selfie", "image_base64": b64(SELFIE)})
    assert upload.status_code == 409 and upload.json()["code"] == "processing_restricted"
    deferred = client.post(f"/v1/subjects/{subject}/erasure", {"reason": "gdpr_art17_request"})
    assert deferred.status_code == 200 and deferred.json()["status"] == "deferred"
    assert blob_store(stack.rt).get(subject, stack.rt.ledger.get_session(
        owner.tenant_id, UUID(sid)).captures[1][0]["blob_ref"])  # kept while the hold lasts
    # the ML pipeline refuses the restricted subject too: the session ends with the reason on record
    assert client.post(f"/v1/sessions/{sid}/complete").status_code in (202, 503)
    assert build_pipeline(stack.rt).process_session(owner.tenant_id, UUID(sid), sandbox=True) == []
    session = client.get(f"/v1/sessions/{sid}").json()
    assert session["status"] == "cancelled"
    released = admin.request("DELETE", f"/v1/subjects/{subject}/legal-hold")
    assert released.status_code == 200, released.text
    state = client.get(f"/v1/subjects/{subject}/retention").json()
    assert state["hold_basis"] is None and state["erasure_deferred"] is True
    assert state["processing_restricted"] is True  # until the sweeper shreds the deferred erasure


def test_a_tenant_cannot_name_another_tenants_subjects(stack: ApiStack) -> None:
    owner = stack.new_tenant()
    client = stack.client(owner)
    sid = captured_session(client)
    subject = _subject(client, sid)
    intruder = stack.client(stack.new_tenant())
    for path in (f"/v1/subjects/{subject}/erasure", f"/v1/sessions/{sid}/erasure"):
        assert intruder.post(path, {"reason": "gdpr_art17_request"}).status_code == 404
    assert intruder.get(f"/v1/subjects/{subject}/retention").status_code == 404
    for forged in ("someone-else", f"{owner.tenant_id}:session:not-a-uuid", f"{owner.tenant_id}:session:{UUID(int=7)}"):
        assert client.get(f"/v1/subjects/{forged}/retention").status_code == 404
    refs = stack.rt.ledger.get_session(owner.tenant_id, UUID(sid)).captures[1]
    assert blob_store(stack.rt).get(subject, refs[0]["blob_ref"])  # the owner's key survived


def test_media_retention_is_a_tenant_setting(stack: ApiStack) -> None:
    tenant = stack.new_tenant()
    assert stack.client(tenant).get("/v1/retention/media").json()["code"] == "admin_role_required"
    client = stack.client(stack.new_key(tenant.tenant_id, "admin"))
    assert client.get("/v1/retention/media").json() == {"media_retention_days": 30}
    changed = client.request("PUT", "/v1/retention/media", {"media_retention_days": 7})
    assert changed.status_code == 200 and changed.json() == {"media_retention_days": 7}
    assert client.request("PUT", "/v1/retention/media", {"media_retention_days": 0}).status_code == 400
    assert client.get("/v1/retention/media").json() == {"media_retention_days": 7}


def test_the_client_reference_is_an_opaque_id_that_outlives_erasure(stack: ApiStack) -> None:
    """README "The client reference": validated as an opaque id (no names, no e-mail addresses), so
    it may stay readable after erasure and tie the receipt to the client's own record."""
    client = stack.client(stack.new_tenant())
    for personal in ("Jane Doe", "jane.doe@example.com", "+44 20 7946 0958", "x" * 101, "", "<script>"):
        refused = client.post("/v1/sessions", {"checks": ["face_match", "liveness"], "reference": personal})
        assert refused.status_code == 400 and refused.json()["code"] == "validation_error", personal
    created = client.post("/v1/sessions", {"checks": ["face_match", "liveness"], "reference": "crm:case-2026.0042"})
    assert created.status_code == 201, created.text
    sid = created.json()["id"]
    for kind in ("selfie", "document_front"):
        assert client.post(f"/v1/sessions/{sid}/documents", {"type": kind, "image_base64": b64(SELFIE)}).status_code \
            == 201
    receipt = client.post(f"/v1/sessions/{sid}/erasure", {"reason": "gdpr_art17_request"}).json()["receipts"][0]
    after = client.get(f"/v1/sessions/{sid}").json()
    assert after["reference"] == "crm:case-2026.0042" and receipt["subject_id"] == after["subject_id"]
    blobs = blob_store(stack.rt)
    tenant_id = after["subject_id"].split(":")[0]
    refs = [c["blob_ref"] for c in stack.rt.ledger.get_session(tenant_id, UUID(sid)).captures[1]]
    with pytest.raises(Exception) as gone:
        blobs.get(after["subject_id"], refs[0])
    assert getattr(gone.value, "code", "") == "subject_erased"  # the person's data is gone; the opaque id stays

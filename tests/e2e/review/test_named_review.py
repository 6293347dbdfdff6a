"""Named reviewers and four eyes through the real API (requirements/pipeline §9; README "Who may do what").

A reviewer is a person with their own key; every claim, proposal and decision records their id and
display name; the integration key cannot review; compliance escalations and overturning a rejection
need two different reviewers; nobody reviews a case they submitted or already decided; the review
evidence (images decrypted on demand, no-store) is served and each look is a ledger event; the
decision's provenance and the evidence bundle name the reviewers; the policy's decision still replays.
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest
from PIL import Image

from adapters.media.lossless_strip import strip_jpeg
from api.client import KycClient
from domain.members import Member
from tests.e2e.api.helpers import ApiStack
from tests.e2e.review.support import (
    FACES,
    compliance_case,
    listed_entry,
    operations_case,
    rejected_to_review,
    review_stack,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiStack]:
    s = review_stack(Path(tmp_path_factory.mktemp("review")))
    try:
        yield s
    finally:
        s.close()


def people(stack: ApiStack, tenant_id: str) -> dict[str, KycClient]:
    return {"ana": stack.client(stack.new_key(tenant_id, "compliance", name="Ana Compliance")),
            "ben": stack.client(stack.new_key(tenant_id, "compliance", name="Ben Compliance")),
            "rita": stack.client(stack.new_key(tenant_id, "reviewer", name="Rita Reviewer")),
            "raj": stack.client(stack.new_key(tenant_id, "reviewer", name="Raj Reviewer"))}


def access_records(stack: ApiStack, resource: str) -> list[object]:
    found = stack.rt.ledger.recorder.select_notifications(1, 1_000_000, topics=["kycledger.audit.AuditAccessRecorded"])
    records = [stack.rt.ledger.repository.get(n.originator_id) for n in found]
    return [r for r in records if r.resource == resource]  # type: ignore[attr-defined]


def test_the_integration_key_cannot_claim_or_decide_a_review(stack: ApiStack) -> None:
    tenant = stack.new_tenant()
    client = stack.client(tenant)
    sid = operations_case(stack, client, tenant.tenant_id)
    for path, body in ((f"/v1/reviews/{sid}/claim", None),
                       (f"/v1/reviews/{sid}/decision", {"decision": "accepted", "reason": "looks_fine"})):
        refused = client.post(path, body)
        assert refused.status_code == 403 and refused.json()["code"] == "reviewer_role_required", refused.text
    assert client.get(f"/v1/sessions/{sid}").json()["status"] == "manual_review"
    assert [c["id"] for c in stack.client(stack.new_key(tenant.tenant_id, "reviewer")).get("/v1/reviews").json()[
        "cases"]] == [sid]


def test_a_compliance_escalation_needs_two_different_compliance_officers(stack: ApiStack) -> None:
    tenant = stack.new_tenant()
    client, team = stack.client(tenant), people(stack, tenant.tenant_id)
    sid = compliance_case(stack, client, tenant.tenant_id)

    refused = team["rita"].post(f"/v1/reviews/{sid}/claim")  # an operations reviewer: not an MLRO
    assert refused.status_code == 403 and refused.json()["code"] == "compliance_role_required"
    claimed = team["ana"].post(f"/v1/reviews/{sid}/claim")
    assert claimed.status_code == 200 and claimed.json()["claimed_by"]["name"] == "Ana Compliance"
    assert team["ben"].post(f"/v1/reviews/{sid}/claim").json()["code"] == "review_already_claimed"

    first = team["ana"].post(f"/v1/reviews/{sid}/decision", {"decision": "accepted", "reason": "false_positive"})
    assert first.status_code == 200 and first.json()["decided"] is False
    assert first.json()["status"] == "manual_review"
    waiting = first.json()["awaiting_second_review"]
    assert waiting["proposed_by"]["name"] == "Ana Compliance" and waiting["four_eyes"] == "compliance_escalation"
    # Ana cannot be her own checker, whether she claims again or decides.
    again = team["ana"].post(f"/v1/reviews/{sid}/claim")
    assert again.status_code == 403 and again.json()["code"] == "second_reviewer_required"
    assert team["ana"].post(f"/v1/reviews/{sid}/decision", {"decision": "accepted", "reason": "x"}).status_code == 409
    [case] = team["ben"].get("/v1/reviews").json()["cases"]
    assert case["awaiting_second_review"]["proposed_by"]["name"] == "Ana Compliance" and case["claimed_by"] is None

    assert team["ben"].post(f"/v1/reviews/{sid}/claim").status_code == 200
    final = team["ben"].post(f"/v1/reviews/{sid}/decision", {"decision": "accepted", "reason": "false_positive"})
    assert final.status_code == 200 and final.json()["decided"] is True and final.json()["status"] == "verified"
    decision = final.json()["decision"]
    assert decision["decided_by"] == "review" and decision["decision"] == "accepted"
    assert [r["name"] for r in decision["reviewers"]] == ["Ana Compliance", "Ben Compliance"]
    assert decision["supersedes"]["route"] == "compliance_escalation"

    # The reviewers are in the decision's provenance: the ledger events and the evidence bundle.
    session = stack.rt.ledger.get_session(tenant.tenant_id, UUID(sid))
    assert [a["name"] for a in session.review_decision["approvals"]] == ["Ana Compliance", "Ben Compliance"]
    auditor = stack.client(stack.new_key(tenant.tenant_id, "auditor"))
    bundle = auditor.get(f"/v1/audit/sessions/{sid}/bundle").json()
    states = {e["topic"]: json.loads(base64.b64decode(e["state"])) for e in bundle["events"]}
    decided = states["kycledger.session.ReviewDecided"]
    assert decided["reviewer_name"] == "Ben Compliance"
    assert [a["name"] for a in decided["approvals"]] == ["Ana Compliance", "Ben Compliance"]
    assert states["kycledger.session.ReviewDecisionProposed"]["reviewer_name"] == "Ana Compliance"
    timeline = auditor.get(f"/v1/audit/sessions/{sid}").json()
    assert "ReviewDecided" in {e["topic"].rsplit(".", 1)[-1] for e in timeline["events"]}
    proposed, final_review = timeline["reviews"]
    assert (proposed["step"], proposed["reviewer"]["name"], proposed["four_eyes"]) == (
        "proposed", "Ana Compliance", "compliance_escalation")
    assert final_review["step"] == "decided" and final_review["reviewer"]["name"] == "Ben Compliance"
    assert [a["name"] for a in final_review["approvals"]] == ["Ana Compliance", "Ben Compliance"]
    # The policy's decision is still the policy's, and it replays exactly.
    replay = auditor.get(f"/v1/audit/sessions/{sid}/replay").json()
    assert replay["reproduced"] is True and [d["attempt"] for d in replay["decisions"]] == [1]


def test_overturning_a_rejection_needs_a_checker_and_a_disagreeing_checker_keeps_it_rejected(
        stack: ApiStack) -> None:
    tenant = stack.new_tenant()
    client, team = stack.client(tenant), people(stack, tenant.tenant_id)
    sid = rejected_to_review(stack, client, tenant.tenant_id)
    team["rita"].post(f"/v1/reviews/{sid}/claim")
    proposal = team["rita"].post(f"/v1/reviews/{sid}/decision", {"decision": "accepted", "reason": "same_person"})
    assert proposal.json()["decided"] is False
    assert proposal.json()["awaiting_second_review"]["four_eyes"] == "overturns_rejection"
    team["raj"].post(f"/v1/reviews/{sid}/claim")
    kept = team["raj"].post(f"/v1/reviews/{sid}/decision", {"decision": "rejected", "reason": "different_person"})
    assert kept.json()["decided"] is True and kept.json()["status"] == "failed"
    assert [r["name"] for r in kept.json()["decision"]["reviewers"]] == ["Raj Reviewer"]
    # Rejecting a rejected case needs nobody else; accepting it did.
    sid2 = rejected_to_review(stack, client, tenant.tenant_id)
    team["raj"].post(f"/v1/reviews/{sid2}/claim")
    alone = team["raj"].post(f"/v1/reviews/{sid2}/decision", {"decision": "rejected", "reason": "different_person"})
    assert alone.json()["decided"] is True


def test_nobody_reviews_a_case_they_submitted(stack: ApiStack) -> None:
    tenant = stack.new_tenant()
    admin = stack.client(stack.new_key(tenant.tenant_id, "admin"))
    member = admin.post("/v1/admin/members", {"display_name": "Alex Agent", "roles": ["agent", "reviewer"]}).json()
    keys = {role: admin.post(f"/v1/admin/members/{member['member_id']}/keys", {"role": role}).json()
            for role in ("client", "reviewer")}
    as_agent = KycClient("http://testserver", keys["client"]["api_key_id"], keys["client"]["api_key_secret"],
                         http=stack.http, clock=stack.clock.unix)
    as_reviewer = KycClient("http://testserver", keys["reviewer"]["api_key_id"], keys["reviewer"]["api_key_secret"],
                            http=stack.http, clock=stack.clock.unix)
    sid = operations_case(stack, as_agent, tenant.tenant_id)  # Alex opened this customer's session
    refused = as_reviewer.post(f"/v1/reviews/{sid}/claim")
    assert refused.status_code == 403 and refused.json()["code"] == "own_submission"
    other = stack.client(stack.new_key(tenant.tenant_id, "reviewer", name="Rita Reviewer"))
    assert other.post(f"/v1/reviews/{sid}/claim").status_code == 200
    # A case Alex did not submit is theirs to review.
    sid2 = operations_case(stack, stack.client(tenant), tenant.tenant_id)
    assert as_reviewer.post(f"/v1/reviews/{sid2}/claim").status_code == 200


def test_the_tenant_admin_can_ask_four_eyes_for_every_review(stack: ApiStack) -> None:
    tenant = stack.new_tenant()
    client, team = stack.client(tenant), people(stack, tenant.tenant_id)
    admin = stack.client(stack.new_key(tenant.tenant_id, "admin"))
    assert admin.get("/v1/admin/review-rules").json() == {"four_eyes_compliance": True, "four_eyes_overturn": True,
                                                          "four_eyes_all": False}
    sid = operations_case(stack, client, tenant.tenant_id)
    changed = admin.put("/v1/admin/review-rules", {"four_eyes_compliance": True, "four_eyes_overturn": True,
                                                   "four_eyes_all": True})
    assert changed.status_code == 200 and changed.json()["four_eyes_all"] is True
    team["rita"].post(f"/v1/reviews/{sid}/claim")
    first = team["rita"].post(f"/v1/reviews/{sid}/decision", {"decision": "rejected", "reason": "unclear"})
    assert first.json()["decided"] is False and first.json()["awaiting_second_review"]["four_eyes"] == "every_review"
    team["raj"].post(f"/v1/reviews/{sid}/claim")
    # The checker disagrees: theirs becomes the proposal, and a third person must agree with someone.
    second = team["raj"].post(f"/v1/reviews/{sid}/decision", {"decision": "accepted", "reason": "same_person"})
    assert second.json()["decided"] is False
    assert second.json()["awaiting_second_review"]["proposed_by"]["name"] == "Raj Reviewer"
    assert team["rita"].post(f"/v1/reviews/{sid}/claim").json()["code"] == "second_reviewer_required"
    third = stack.client(stack.new_key(tenant.tenant_id, "reviewer", name="Tess Third"))
    third.post(f"/v1/reviews/{sid}/claim")
    done = third.post(f"/v1/reviews/{sid}/decision", {"decision": "accepted", "reason": "same_person"})
    assert done.json()["decided"] is True
    assert [r["name"] for r in done.json()["decision"]["reviewers"]] == ["Raj Reviewer", "Tess Third"]
    rules_events = [e for e in stack.rt.ledger.recorder.select_notifications(
        1, 1_000_000, topics=["kycledger.review.RulesChanged"]) if e.originator_id is not None]
    assert rules_events  # the change is on the record


def test_the_reviewer_sees_the_evidence_and_every_look_is_recorded(stack: ApiStack) -> None:
    tenant = stack.new_tenant()
    client, team = stack.client(tenant), people(stack, tenant.tenant_id)
    sid = compliance_case(stack, client, tenant.tenant_id)
    answer = team["ana"].get(f"/v1/reviews/{sid}")
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "no-store"
    evidence = answer.json()
    [attempt] = evidence["attempts"]
    kinds = {c["kind"]: c for c in attempt["captures"]}
    assert set(kinds) == {"document_front", "selfie", "liveness_frames"}
    assert attempt["extracted_data"] == {"surname": "OBAMA", "given_names": "BARACK"}  # decrypted for the reviewer
    screening = next(c for c in attempt["checks"] if c["check"] == "screening")
    assert screening["reasons"] == ["sanctions_hit"] and screening["models"]
    list_name, entry_id, listed_name = listed_entry()
    [hit] = attempt["screening_hits"]
    assert hit["entry"]["list_name"] == list_name and hit["entry"]["entry_id"] == entry_id
    assert listed_name in [n["text"] for n in hit["entry"]["names"]]
    assert attempt["policy_decision"]["route"] == "compliance_escalation"

    selfie = team["ana"].get(kinds["selfie"]["url"])
    assert selfie.status_code == 200 and selfie.headers["content-type"] == "image/jpeg"
    assert selfie.headers["cache-control"] == "no-store"
    assert len(kinds["liveness_frames"]["frame_urls"]) == 2 and kinds["liveness_frames"]["url"] is None
    frame = team["ana"].get(kinds["liveness_frames"]["frame_urls"][1])
    assert frame.status_code == 200 and frame.content[:3] == b"\xff\xd8\xff" and frame.headers["cache-control"] == \
        "no-store"
    document = team["ana"].get(kinds["document_front"]["url"])
    assert document.content[:3] == b"\xff\xd8\xff" and document.content != selfie.content

    looks = [r for r in access_records(stack, "review_capture") if str(r.scope).startswith(sid)]  # type: ignore
    assert sorted(r.scope for r in looks) == sorted([f"{sid}/1/1", f"{sid}/1/2/1", f"{sid}/1/0"])  # type: ignore
    assert {r.member_name for r in looks} == {"Ana Compliance"}  # type: ignore[attr-defined]
    assert selfie.headers["x-trace-id"] in {r.access_request_id for r in looks}  # type: ignore[attr-defined]
    cases = [r for r in access_records(stack, "review_evidence") if r.scope == sid]  # type: ignore[attr-defined]
    assert len(cases) == 1 and cases[0].member_id is not None  # type: ignore[attr-defined]
    assert isinstance(stack.rt.ledger.get_member(tenant.tenant_id, cases[0].member_id), Member)  # type: ignore

    # The integration key sees none of it; an auto-approved case is not a reviewer's to browse.
    assert client.get(f"/v1/reviews/{sid}").status_code == 403
    missing = team["ana"].get(f"/v1/reviews/{sid}/captures/1/9")
    assert missing.status_code == 404
    assert team["ana"].get(f"/v1/reviews/{sid}/captures/1/2").status_code == 404  # frames one by one


def test_a_reviewer_is_shown_a_re_encoding_never_the_uploaded_stream(stack: ApiStack) -> None:
    """The stored picture keeps the upload's compressed data (metadata stripped); what a browser gets is
    decoded and re-encoded with the server's own tables (requirements/platform §6)."""
    tenant = stack.new_tenant()
    client, team = stack.client(tenant), people(stack, tenant.tenant_id)
    sid = compliance_case(stack, client, tenant.tenant_id)
    evidence = team["ana"].get(f"/v1/reviews/{sid}").json()
    selfie_url = next(c["url"] for c in evidence["attempts"][0]["captures"] if c["kind"] == "selfie")
    served = team["ana"].get(selfie_url)
    assert served.status_code == 200, served.text
    uploaded = (FACES / "obama2.jpg").read_bytes()
    stored = strip_jpeg(uploaded).content
    with Image.open(io.BytesIO(uploaded)) as original, Image.open(io.BytesIO(served.content)) as shown, \
            Image.open(io.BytesIO(_pillow_jpeg())) as reference:
        assert original.quantization != reference.quantization  # the upload's own tables differ: can fail
        assert shown.quantization == reference.quantization  # the server's encoder wrote what is shown
        assert shown.size == original.size
    assert served.content != stored and _scan_data(stored) not in served.content


def _pillow_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16)).save(out, format="JPEG", quality=95, subsampling=0)
    return out.getvalue()


def _scan_data(jpeg: bytes) -> bytes:
    """A slice of the compressed picture data (after the first start-of-scan header)."""
    start = jpeg.index(b"\xff\xda")
    return jpeg[start + 64:start + 192]


def test_images_are_gone_after_erasure(stack: ApiStack) -> None:
    tenant = stack.new_tenant()
    client, team = stack.client(tenant), people(stack, tenant.tenant_id)
    sid = operations_case(stack, client, tenant.tenant_id)
    url = team["rita"].get(f"/v1/reviews/{sid}").json()["attempts"][0]["captures"][0]["url"]
    assert team["rita"].get(url).status_code == 200
    assert client.post(f"/v1/sessions/{sid}/erasure", {"reason": "gdpr_art17_request"}).status_code == 200
    gone = team["rita"].get(url)
    assert gone.status_code == 410 and gone.json()["code"] == "subject_erased"

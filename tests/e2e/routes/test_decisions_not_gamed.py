"""Decisions that an expired document or the person being verified cannot game, through the real app.

- An expired passport is never verified, on any verify path, with the default checks: a photo of the
  ICAO TD3 specimen (expired 2012-04-15) carrying Obama's face, and another photo of him as the selfie:
  the real models read the document, match the face and (passive) find it live, so only the document's
  validation stands between this case and auto-approval (requirements/pipeline §10: "Document expired").
- A compliance escalation is closed by a reviewer only: the client token and the client key get 409
  with a code and the case stays in the review queue. The shared data has no document of a listed
  person, so the screening hit is recorded as the ML worker records one; every step around it goes
  through the public API.
- The person cannot ask for manual review before two failed attempts; the bank's server can.
- The client-token answers carry no per-check outcome or score.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from uuid import UUID

import pytest

from api.client import KycClient
from domain.audit import audit_context
from domain.checks import CheckResult, CheckType, Outcome
from ops.runners.decision_worker import DecisionWorker
from services.verification.pipeline import PIPELINE_ACTOR
from tests.e2e.api.helpers import ApiStack
from tests.e2e.routes.support import FACES, b64, held_specimen, wait_for

pytestmark = pytest.mark.e2e

EXPIRED = "Your document has expired. Please use a valid ID."  # requirements/pipeline §10
UNDER_REVIEW = "Thanks, your verification is being reviewed. We'll let you know the result."
SELFIE = FACES / "obama2.jpg"  # faces/pairs.csv: the same person as the specimen's portrait (obama.jpg)
# Keys and values that would tell the person how a check came out.
SIGNAL_KEYS = {"outcome", "outcomes", "match", "score", "scores", "similarity", "liveness", "livenessPassed",
               "faceMatchScore", "reasons", "reason_codes", "route", "rules", "queue", "checks_attempt"}
SIGNAL_WORDS = ("face_match_", "liveness_failed", "liveness_uncertain", "similarity", "spoof", "screening_",
                "compliance", "sanction", "fraud")
PASSIVE = {"liveness_type": "passive"}  # what the selfie answers; the checks stay the default ones


def _client_token_calls(stack: ApiStack, sid: str, token: str) -> Callable[..., Any]:
    def call(method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        return stack.http.request(method, f"/client/sessions/{sid}{path}", json=body, timeout=120,
                                  headers={"X-Client-Token": token})
    return call


def _person_flow(stack: ApiStack, client: KycClient, checks: list[str] | None = None) -> tuple[str, Callable[..., Any],
                                                                                               list[Any]]:
    """The capture page's calls: document, its checks, selfie, the face checks. Returns every answer."""
    created = client.post("/v1/sessions", {**PASSIVE, **({"checks": checks} if checks else {})}).json()
    sid, call = created["id"], _client_token_calls(stack, created["id"], created["client_token"])
    answers = [call("POST", "/captures", {"type": "document_front", "image_base64": held_specimen()}),
               call("POST", "/checks/document"),
               call("POST", "/captures", {"type": "selfie", "image_base64": b64(SELFIE)}),
               call("POST", "/checks/face")]
    assert all(a.status_code in (200, 201) for a in answers), [a.text for a in answers]
    return sid, call, answers


# ------------------------------------------------------------------ an expired passport, every path
def _instant(stack: ApiStack, client: KycClient) -> str:
    answer = client.post("/v1/identity/verify", {"document_front": held_specimen(), "selfie": b64(SELFIE), **PASSIVE})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["id"])


def _asynchronous(stack: ApiStack, client: KycClient) -> str:
    queued = client.post("/v1/kyc/verify", {"document_front": held_specimen(), "selfie": b64(SELFIE), **PASSIVE})
    assert queued.status_code == 202, queued.text
    return str(queued.json()["job_id"])


def _session_routes(stack: ApiStack, client: KycClient) -> str:
    sid = client.post("/v1/sessions", PASSIVE).json()["id"]
    for kind, image in (("document_front", held_specimen()), ("selfie", b64(SELFIE))):
        assert client.post(f"/v1/sessions/{sid}/documents", {"type": kind, "image_base64": image}).status_code == 201
    assert client.post(f"/v1/sessions/{sid}/complete").status_code == 202
    return str(sid)


def _mobile(stack: ApiStack, client: KycClient) -> str:
    sid = client.post("/v1/sessions", PASSIVE).json()["id"]
    scan = client.post("/kyc/id-scan", {"sessionId": sid, "rawImage": held_specimen()})
    assert scan.status_code == 201 and scan.json()["ocr"]["expiry"] == "2012-04-15", scan.text
    selfie = client.post("/kyc/selfie", {"sessionId": sid, "selfieImage": b64(SELFIE)})
    assert selfie.status_code == 201, selfie.text
    decision = selfie.json()["decision"]
    assert decision["userMessage"] == EXPIRED and "document_expired" in decision["reasons"]
    return str(sid)


def _capture_page(stack: ApiStack, client: KycClient) -> str:
    sid, _, answers = _person_flow(stack, client)
    person = answers[-1].json()["decision"]
    assert (person["user_message"], person["next_step"]) == (EXPIRED, "retry")
    return sid


@pytest.mark.parametrize("path", [_instant, _asynchronous, _session_routes, _mobile, _capture_page],
                         ids=["instant", "kyc-verify", "sessions", "mobile", "capture-page"])
def test_an_expired_passport_is_never_verified(stack: ApiStack, path: Callable[[ApiStack, KycClient], str]) -> None:
    client = stack.client(stack.new_tenant())
    sid = path(stack, client)
    final = wait_for(client, sid)
    checks = {c["check"]: c for c in final["checks"]}
    assert final["checks_requested"][-1] == "data_validation"  # the default checks judge the document
    assert checks["data_validation"]["outcome"] == "fail" and checks["data_validation"]["reasons"] == [
        "document_expired"]
    assert checks["face_match"]["outcome"] == "pass"  # the same person: only the validation refuses it
    decision = final["decision"]
    assert final["status"] != "verified" and decision["decision"] == "rejected"
    assert "document_expired" in decision["reasons"] and decision["user_message"] == EXPIRED
    assert decision["route"] in ("retry", "active_challenge") and decision["retry_step"] in ("document_capture", "all")


# ------------------------------------------------------------------ a compliance escalation
def _escalate(stack: ApiStack, tenant_id: str, sid: str) -> None:
    """Record a sanctions hit as the ML worker does, then let the decision worker decide."""
    with audit_context(tenant_id, PIPELINE_ACTOR, f"pipeline-{sid}"):
        stack.rt.ledger.request_check(tenant_id, UUID(sid), "screening")
        stack.rt.ledger.record_check_result(tenant_id, UUID(sid), 1, CheckResult(
            check=CheckType.SCREENING, outcome=Outcome.FAIL, reasons=("sanctions_hit",)))
    assert DecisionWorker(stack.rt.ledger).consider(UUID(sid))


def test_a_compliance_escalation_cannot_be_retried_or_closed_by_the_person_or_the_client_key(
        stack: ApiStack) -> None:
    tenant = stack.new_tenant()
    client = stack.client(tenant)
    sid, call, _ = _person_flow(stack, client, checks=["ocr", "face_match", "liveness", "screening"])
    _escalate(stack, tenant.tenant_id, sid)
    assert client.get(f"/v1/sessions/{sid}").json()["decision"]["route"] == "compliance_escalation"

    # The same answers as for any case under review: nothing tells the person why it is held.
    for path, body, code in (("/retry", {"step": "all", "reason": "user_retry"}, "case_under_review"),
                             ("/manual-review", {"reason": "persistent_failure"}, "illegal_status_transition")):
        refused = call("POST", path, body)
        assert (refused.status_code, refused.json()["code"]) == (409, code), refused.text
        assert "compliance" not in refused.text
    for path, body in (("/kyc/retry", {"sessionId": sid, "step": "all", "reason": "needs_more_info"}),
                       (f"/v1/sessions/{sid}/cancel", {"reason": "customer_abandoned"})):
        refused = client.post(path, body)
        assert (refused.status_code, refused.json()["code"]) == (409, "case_under_compliance_review"), refused.text

    compliance_officer = stack.client(stack.new_key(tenant.tenant_id, "compliance"))  # the queue is reviewers'
    queue = compliance_officer.get("/v1/reviews").json()["cases"]
    assert [(c["id"], c["queue"]) for c in queue if c["id"] == sid] == [(sid, "compliance")]
    assert client.get(f"/v1/sessions/{sid}").json()["status"] == "manual_review"
    # The person sees an ordinary review (api.outcome_view): nothing that singles out an escalation.
    progress = call("GET", "/progress").json()
    assert progress["status"] == "manual_review" and progress["review_requested"] is True
    assert progress["decision"] == {"attempt": 1, "user_message": UNDER_REVIEW, "next_step": "wait",
                                    "retry_step": None, "decided_by": "policy"}
    assert _signals(progress) == [] and "compliance" not in json.dumps(progress)


# ------------------------------------------------------------------ manual review on request
def test_the_person_cannot_ask_for_manual_review_on_a_new_session_but_the_bank_can(stack: ApiStack) -> None:
    client = stack.client(stack.new_tenant())
    created = client.post("/v1/sessions", {}).json()
    call = _client_token_calls(stack, created["id"], created["client_token"])
    assert call("GET", "/progress").json()["manual_review_available"] is False
    refused = call("POST", "/manual-review", {"reason": "persistent_failure"})
    assert (refused.status_code, refused.json()["code"]) == (409, "manual_review_not_available")
    assert refused.json()["details"] == {"failed_attempts": 0, "required": 2}
    assert client.get(f"/v1/sessions/{created['id']}").json()["status"] == "pending"
    bank = client.post("/kyc/manual-review", {"sessionId": created["id"], "reason": "bank_request"})
    assert (bank.status_code, bank.json()["status"]) == (200, "manual_review")


# ------------------------------------------------------------------ no per-check outcome for the person
def _signals(value: Any, path: str = "") -> list[str]:
    """Where a client-token answer says how a check came out (the session's configured ``checks`` list
    names checks, not outcomes)."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in SIGNAL_KEYS:
                found.append(f"{path}.{key}")
            if not (path == "" and key == "checks"):
                found += _signals(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            found += _signals(inner, f"{path}[{i}]")
    elif isinstance(value, str) and any(word in value for word in SIGNAL_WORDS):
        found.append(f"{path}={value!r}")
    return found


def test_the_client_token_answers_carry_no_per_check_outcome_or_score(stack: ApiStack) -> None:
    client = stack.client(stack.new_tenant())
    sid, call, answers = _person_flow(stack, client, checks=["ocr", "face_match", "liveness", "data_validation"])
    # the tenant's server sees every check with its outcome, score and reasons ...
    tenant_view = client.get(f"/v1/sessions/{sid}").json()
    assert {c["check"] for c in tenant_view["checks"]} >= {"face_match", "liveness"}
    assert any(c["scores"] for c in tenant_view["checks"]) and tenant_view["decision"]["reasons"]
    # ... and the person none of it
    answers += [call("GET", "/progress"), call("GET", ""), call("POST", "/retry", {"step": "selfie"}),
                call("POST", "/manual-review", {"reason": "persistent_failure"})]
    bodies = [a.json() for a in answers]
    for body in bodies:
        assert _signals(body) == [], json.dumps(body)[:2000]
    # and the live stream (it ends with the session: cancelled here) carries the same reduced view
    assert client.post(f"/v1/sessions/{sid}/cancel", {"reason": "customer_abandoned"}).status_code == 200
    live = call("GET", "/live")
    assert live.status_code == 200
    for block in live.text.replace("\r\n", "\n").split("\n\n"):
        data = [line[5:] for line in block.splitlines() if line.startswith("data:")]
        if data:
            payload = json.loads("".join(data))
            assert _signals(payload["progress"]) == [], payload["progress"]

"""Cases routed to manual review, with real images uploaded over HTTP and the check results the ML
pipeline would record (no models run), decided by the real decision worker; a stack whose screener
lists are the shared sanctions lists, so a hit's list entry is a real one."""

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
from domain.personal_data import PersonalData
from domain.ports.blobs import session_subject_id
from ops.api_wiring import build_api
from ops.bootstrap import open_runtime
from ops.product_wiring import build_pipeline, product_services
from ops.runners.decision_worker import DecisionWorker
from tests.e2e.api.helpers import ApiStack, SettableClock

DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data"
FACES = DATA / "faces" / "face_recognition"
SANCTIONS = DATA / "sanctions"
MODEL = ModelProvenance(name="test-model", version="1", weights_sha256="0" * 64)


def review_stack(data_dir: Path) -> ApiStack:
    rt = open_runtime(data_dir=data_dir)
    clock = SettableClock()
    app = build_api(rt, settings=ApiSettings(rate_limit_per_minute=100_000, rate_limit_per_day=1_000_000),
                    clock=clock, services=product_services(rt, build_pipeline(rt, SANCTIONS), None,
                                                             allow_private_webhooks=True))
    http = TestClient(app, raise_server_exceptions=False)
    http.__enter__()
    return ApiStack(rt=rt, app=app, http=http, clock=clock)


def b64(path: Path) -> str:
    return base64.b64encode(path.read_bytes()).decode()


def captured(client: KycClient, checks: list[str], max_retries: int = 2) -> dict[str, Any]:
    """A session with a document, a selfie and a two-frame liveness answer uploaded over HTTP."""
    created = client.post("/v1/sessions", {"checks": checks, "liveness_type": "active", "max_retries": max_retries,
                                           "reference": "case-2026-0042"})
    assert created.status_code == 201, created.text
    session = created.json()
    sid = session["id"]
    for kind, image in (("document_front", FACES / "obama.jpg"), ("selfie", FACES / "obama2.jpg")):
        answer = client.post(f"/v1/sessions/{sid}/documents", {"type": kind, "image_base64": b64(image)})
        assert answer.status_code == 201, answer.text
    frames = {"type": "liveness_frames", "frames_base64": [b64(FACES / "obama2.jpg"), b64(FACES / "obama.jpg")],
              "frame_offsets_ms": [0, 400], "challenge_nonce": session["challenge"]["nonce"]}
    answer = client.post(f"/v1/sessions/{sid}/documents", frames)
    assert answer.status_code == 201, answer.text
    return session


# A document whose MRZ check digits, dates, expiry and age rules all passed.
VALID_DOCUMENT_RULES = {"mrz_checksum": "pass", "mrz_format": "pass", "barcode_format": "not_applicable",
                        "dates_plausible": "pass", "not_expired": "pass", "min_age": "pass",
                        "mrz_vs_barcode": "not_applicable", "mrz_vs_printed": "pass"}


def record_and_decide(stack: ApiStack, tenant_id: str, sid: str, results: list[CheckResult],
                      fields: dict[str, str] | None = None) -> dict[str, Any]:
    """Record results (and extracted fields, sealed under the session's subject) as the pipeline does;
    the decision worker decides. The policy's recorded outcome. A session that validates its document
    (every session whose checks read it) gets a passing data_validation unless ``results`` bring one:
    these cases are about the other checks."""
    subject = session_subject_id(tenant_id, UUID(sid))
    requested = stack.rt.ledger.get_session(tenant_id, UUID(sid)).config.checks
    if CheckType.DATA_VALIDATION in requested and all(r.check != CheckType.DATA_VALIDATION for r in results):
        results = [*results, check(CheckType.DATA_VALIDATION, Outcome.PASS, (), {"checks": VALID_DOCUMENT_RULES},
                                   confidence=1.0)]
    with audit_context(tenant_id, "system:ml-pipeline", f"test-{sid}"):
        for result in results:
            stack.rt.ledger.request_check(tenant_id, UUID(sid), str(result.check))
        if fields:
            stack.rt.ledger.record_extracted_data(tenant_id, UUID(sid), 1,
                                                  {k: PersonalData.of(subject, v) for k, v in fields.items()})
        for result in results:
            stack.rt.ledger.record_check_result(tenant_id, UUID(sid), 1, result)
    assert DecisionWorker(stack.rt.ledger).consider(UUID(sid))
    outcome: dict[str, Any] = stack.rt.ledger.get_session(tenant_id, UUID(sid)).decisions[1]["outcome"]
    return outcome


def check(kind: CheckType, outcome: Outcome, reasons: tuple[str, ...] = (), details: dict[str, Any] | None = None,
          **scores: float) -> CheckResult:
    return CheckResult(check=kind, outcome=outcome, scores=scores, reasons=reasons, details=details or {},
                       models=(MODEL,))


def listed_entry() -> tuple[str, str, str]:
    """(list name, entry id, primary name) of a real entry of the shared sanctions lists."""
    from ml.screening.screener import RapidfuzzSanctionsScreener

    entry = RapidfuzzSanctionsScreener.for_folder(SANCTIONS).watchlist.entries[0]
    return entry.list_name, entry.entry_id, entry.names[0].text


def compliance_case(stack: ApiStack, client: KycClient, tenant_id: str) -> str:
    """A sanctions hit: the policy escalates to compliance (requirements/pipeline §9)."""
    list_name, entry_id, _ = listed_entry()
    sid: str = captured(client, ["face_match", "liveness", "screening"])["id"]
    hit = {"list": list_name, "entry_id": entry_id, "entity_kind": "individual", "name_kind": "primary",
           "name_index": 0, "name_score": 0.97, "birth_date": "unknown", "nationality": "unknown", "level": "hit"}
    outcome = record_and_decide(stack, tenant_id, sid, [
        check(CheckType.FACE_MATCH, Outcome.PASS, similarity=0.91),
        check(CheckType.LIVENESS, Outcome.PASS, confidence=0.95),
        check(CheckType.SCREENING, Outcome.FAIL, ("sanctions_hit",), {"hits": [hit]}, best_name_score=0.97),
    ], fields={"surname": "OBAMA", "given_names": "BARACK"})
    assert outcome["route"] == "compliance_escalation", outcome
    return sid


def rejected_to_review(stack: ApiStack, client: KycClient, tenant_id: str) -> str:
    """A face mismatch with no retries left: the policy rejects and sends the case to a person
    (policy ``on_retries_exhausted: manual_review``)."""
    sid: str = captured(client, ["face_match", "liveness"], max_retries=0)["id"]
    outcome = record_and_decide(stack, tenant_id, sid, [
        check(CheckType.FACE_MATCH, Outcome.FAIL, ("face_mismatch",), similarity=0.12),
        check(CheckType.LIVENESS, Outcome.PASS, confidence=0.95)])
    assert (outcome["decision"], outcome["route"]) == ("rejected", "manual_review"), outcome
    return sid


def documented_mismatch(stack: ApiStack, client: KycClient, tenant_id: str) -> str:
    """A face mismatch on a read passport: the MRZ's fields recorded (with the raw MRZ) and a
    data_validation that found the MRZ's check digits and the printed text in agreement."""
    sid: str = captured(client, ["ocr", "data_validation", "face_match", "liveness"], max_retries=0)["id"]
    rules = VALID_DOCUMENT_RULES
    outcome = record_and_decide(stack, tenant_id, sid, [
        check(CheckType.OCR, Outcome.PASS, (), {"document_type": "passport", "country": "USA", "basis": "mrz"},
              classification_confidence=0.98),
        check(CheckType.DATA_VALIDATION, Outcome.PASS, (), {"checks": rules}, confidence=1.0),
        check(CheckType.FACE_MATCH, Outcome.FAIL, ("face_mismatch",), similarity=0.12),
        check(CheckType.LIVENESS, Outcome.PASS, confidence=0.95)],
        fields={"surname": "OBAMA", "given_names": "BARACK", "document_number": "L898902C3",
                "birth_date": "1961-08-04", "nationality": "USA",
                "mrz": "P<USAOBAMA<<BARACK<<<<<<<<<<<<<<<<<<<<<<<<<<\nL898902C36USA6108047M3001018<<<<<<<<<<<<<<02"})
    assert outcome["route"] == "manual_review", outcome
    return sid


def operations_case(stack: ApiStack, client: KycClient, tenant_id: str) -> str:
    """A weak face match with no retries left: review by the operations queue."""
    sid: str = captured(client, ["face_match", "liveness"], max_retries=0)["id"]
    outcome = record_and_decide(stack, tenant_id, sid, [
        check(CheckType.FACE_MATCH, Outcome.UNCERTAIN, similarity=0.5),
        check(CheckType.LIVENESS, Outcome.PASS, confidence=0.95)])
    assert (outcome["decision"], outcome["route"]) == ("review", "manual_review"), outcome
    return sid

"""The mobile flow of requirements/capture §4, mapped onto the same session domain (no second implementation).

``/kyc/id-scan`` is a ``document_front`` capture whose document checks run at once (the app shows
the OCR result for confirmation); ``/kyc/selfie`` is a ``selfie`` capture whose face match and
liveness run at once; retry, manual review and help requests are the session's own commands. When
every configured check is in, the decision worker decides, exactly as for the session routes.

These routes are HMAC-signed with the tenant's API key: the tenant's backend calls them, never the
person's device. Their answers keep the per-check fields of requirements/capture §3 (``match``, ``faceMatchScore``,
``livenessStatus``...) for that server, and carry the attempt's ``decision``: what the app shows the
person is ``decision.userMessage`` and ``decision.nextStep``, never a per-check signal (requirements/pipeline §10
"Never reveal fraud details"). A face mismatch answers with the decided attempt (rejected, retry step
``selfie``, reason ``face_match_none``), not with the empty attempt the retry opened.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import Parameter

from api.controllers.captures import accept_capture
from api.controllers.product import check_view, extracted_view, in_thread, parse_session_id, product
from api.dto import Dto
from api.errors import ApiProblem
from api.guards import client_access
from api.metering import meter
from api.openapi import body, ok
from api.outcome_view import NEXT_STEP, answered_attempt
from api.params import Caller, Deps
from api.schemas.mobile_views import HelpLogged, LivenessView, RetryView, ScanView, SessionStatusView
from api.schemas.sessions import CODE, CaptureUpload
from domain.checks import CheckType
from domain.sessions.aggregate import VerificationSession
from domain.usage import modules_of_checks

DOCUMENT = frozenset({CheckType.OCR, CheckType.DATA_VALIDATION, CheckType.FRAUD, CheckType.AGE_VERIFICATION})
FACE = frozenset({CheckType.FACE_MATCH, CheckType.LIVENESS})
_SID = "0d6f3c1e-8a43-4d83-9d1a-2b1f4f0c9e21"
FOR_YOUR_SERVER = ("Called by the tenant's backend (HMAC-signed), never by the person's device. The per-check "
                   "fields are signals for your server; show the person decision.userMessage and follow "
                   "decision.nextStep (done, retry with decision.retryStep, wait for a reviewer, none), never "
                   "a per-check outcome or score (requirements/pipeline: never reveal fraud details).")
_MISMATCH_MESSAGE = "We couldn't verify your identity. Please ensure the selfie matches your ID photo."
_SCAN = {"scanId": f"{_SID}.1", "sessionId": _SID, "status": "success",
         "ocr": {"name": "ANNA MARIA ERIKSSON", "dob": "1974-08-12", "expiry": "2032-04-15"}, "idType": "passport",
         "mrzFound": True, "pdf417Found": False, "checks": [], "decision": None}
_LIVENESS = {"sessionId": _SID, "attempt": 1, "nextAttempt": 2, "decision": {
    "attempt": 1, "decision": "rejected", "route": "retry", "reasons": ["face_match_none"], "retryStep": "selfie",
    "userMessage": _MISMATCH_MESSAGE, "nextStep": "retry"}, "sessionStatus": "pending", "livenessStatus": "pass",
    "livenessPassed": True, "match": False, "faceMatchScore": 0.31, "status": "failed"}


def meter_checks(request: Request[Any, Any, Any], deps: Deps, tenant_id: str, session_id: UUID,
                 step: frozenset[CheckType]) -> None:
    """Bill the modules of the session's checks this step runs (``domain.usage.CHECK_MODULES``): the scan
    and the selfie together cost what the same session costs through ``complete`` (requirements/platform
    §16: the workflow is the sum of its modules)."""
    checks = deps.ledger.get_session(tenant_id, session_id).required_checks
    for module in modules_of_checks(c for c in checks if CheckType(c) in step):
        meter(request, module)


class IdScan(Dto, frozen=True, kw_only=True):
    sessionId: str
    rawImage: Annotated[str, msgspec.Meta(min_length=1)]
    userId: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    cameraParams: dict[str, Any] | None = None


class Selfie(Dto, frozen=True, kw_only=True):
    sessionId: str
    selfieImage: Annotated[str, msgspec.Meta(min_length=1)]
    instructionsCompleted: list[str] = msgspec.field(default_factory=list)


class SessionStep(Dto, frozen=True, kw_only=True):
    sessionId: str
    step: Annotated[str, CODE] = "all"
    reason: Annotated[str, CODE] = "user_request"
    topic: Annotated[str, CODE] = "general"


def _scan_id(session_id: UUID, attempt: int) -> str:
    return f"{session_id}.{attempt}"


def decision_view(session: VerificationSession, attempt: int) -> dict[str, Any] | None:
    """The attempt's decision for the tenant's app: its outcome and reasons (for the server) and what to
    tell the person and ask them to do next (``userMessage``, ``nextStep``, ``retryStep``)."""
    decided = session.decisions.get(attempt)
    if decided is None:
        return None
    outcome = decided["outcome"]
    return {"attempt": attempt, "decision": outcome["decision"], "route": outcome["route"],
            "reasons": list(outcome["reason_codes"]), "retryStep": outcome.get("retry_step"),
            "userMessage": outcome["user_message"], "nextStep": NEXT_STEP.get(str(outcome["route"]), "none")}


def scan_view(deps: Deps, tenant_id: str, session_id: UUID, attempt: int) -> dict[str, Any]:
    """``IDScanResult`` (requirements/capture §3): status, OCR data (name, dob, expiry) and the MRZ/PDF417 found."""
    session = deps.ledger.get_session(tenant_id, session_id)
    results = session.results.get(attempt, {})
    data = extracted_view(list(deps.ledger.events.get(session_id)), attempt)
    ocr = results.get("ocr")
    status = "pending" if ocr is None else "success" if ocr["outcome"] == "pass" else "failed"
    basis = ocr["details"].get("basis") if ocr else None
    return {"scanId": _scan_id(session_id, attempt), "sessionId": str(session_id), "status": status,
            "ocr": {"name": " ".join(p for p in (data.get("given_names"), data.get("surname")) if p),
                    "dob": data.get("birth_date", ""), "expiry": data.get("expiry_date", "")},
            "idType": ocr["details"].get("document_type") if ocr else None,
            "mrzFound": basis == "mrz", "pdf417Found": basis == "barcode",
            "checks": [check_view(r) for name, r in results.items()
                       if CheckType(name) in DOCUMENT | {CheckType.QUALITY}],
            "decision": decision_view(session, attempt)}


def require_liveness_frames(deps: Deps, tenant_id: str, session_id: UUID) -> None:
    """Active liveness (the default) is judged on the challenge's frames, not on the self-reported
    ``instructionsCompleted``: refuse the selfie until the frames (or a video) are uploaded."""
    session = deps.ledger.get_session(tenant_id, session_id)
    if session.liveness_type != "active" or "liveness" not in session.required_checks:
        return
    if not any(c["kind"] == "liveness_frames" for c in session.captures.get(session.attempt, [])):
        raise ApiProblem(409, "captures_missing", "active liveness: upload the challenge's liveness_frames (or a "
                         "video) to /v1/sessions/{id}/documents before the selfie", missing=["liveness_frames"])


def liveness_view(deps: Deps, tenant_id: str, session_id: UUID) -> dict[str, Any]:
    """``LivenessCheckResult`` (requirements/capture §3): liveness status, match result and face match score of the
    attempt the selfie answered, with its decision; ``nextAttempt`` when that decision opened another."""
    session = deps.ledger.get_session(tenant_id, session_id)
    attempt = answered_attempt(session)
    results = session.results.get(attempt, {})
    live, match = results.get("liveness"), results.get("face_match")
    return {"sessionId": str(session_id), "attempt": attempt,
            "nextAttempt": session.attempt if session.attempt != attempt else None,
            "decision": decision_view(session, attempt), "sessionStatus": str(session.status),
            "livenessStatus": live["outcome"] if live else "pending",
            "livenessPassed": bool(live and live["outcome"] == "pass"),
            "match": bool(match and match["outcome"] == "pass"),
            "faceMatchScore": match["scores"].get("similarity") if match else None,
            "status": "pending" if not (live and match) else
            "success" if live["outcome"] == match["outcome"] == "pass" else "failed"}


class MobileController(Controller):
    path = "/kyc"
    tags = ("mobile",)
    guards = (client_access,)

    @post("/id-scan", operation_id="mobileIdScan", status_code=201,
          summary="Scan the ID: document capture, OCR and MRZ/PDF417 at once (requirements/capture §4)",
          responses=ok(ScanView, _SCAN, status=201, description="Scanned"), description=FOR_YOUR_SERVER)
    async def id_scan(self, request: Request[Any, Any, Any], deps: Deps, principal: Caller,
                      data: Annotated[IdScan, body({"sessionId": _SID, "rawImage": "/9j/4AAQ..."})]) -> dict[str, Any]:
        sid = parse_session_id(data.sessionId)
        upload = CaptureUpload(type="document_front", image_base64=data.rawImage)
        accepted = await in_thread(accept_capture, deps, principal.tenant_id, sid, upload)
        await in_thread(meter_checks, request, deps, principal.tenant_id, sid, DOCUMENT)
        pipeline = product(deps).pipeline
        await in_thread(lambda: pipeline.process_session(principal.tenant_id, sid, sandbox=principal.sandbox,
                                                         only=DOCUMENT))
        await in_thread(pipeline.decide, sid)
        return await in_thread(scan_view, deps, principal.tenant_id, sid, accepted.attempt)

    @get("/id-scan/{scan_id:str}", operation_id="mobileGetIdScan", sync_to_thread=True,
         summary="A scan's result and status",
         responses=ok(ScanView, _SCAN))
    def get_scan(self, deps: Deps, principal: Caller,
                 scan_id: Annotated[str, Parameter(max_length=80)]) -> dict[str, Any]:
        session_text, _, attempt = scan_id.rpartition(".")
        if not attempt.isdigit():
            raise ApiProblem(404, "not_found", "scan not found")
        return scan_view(deps, principal.tenant_id, parse_session_id(session_text), int(attempt))

    @post("/selfie", operation_id="mobileSelfie", status_code=201,
          summary="Selfie: liveness and face match against the scanned ID at once (requirements/capture §4)",
          responses=ok(LivenessView, _LIVENESS, status=201, description="Checked"),
          description=FOR_YOUR_SERVER + " A face mismatch answers with the decided attempt and nextAttempt: the "
                                        "retry keeps the scanned document, so send only a new selfie.")
    async def selfie(self, request: Request[Any, Any, Any], deps: Deps, principal: Caller,
                     data: Annotated[Selfie, body({"sessionId": _SID, "selfieImage": "/9j/4AAQ...",
                                                   "instructionsCompleted": ["blink", "smile"]})]) -> dict[str, Any]:
        sid = parse_session_id(data.sessionId)
        await in_thread(require_liveness_frames, deps, principal.tenant_id, sid)
        await in_thread(accept_capture, deps, principal.tenant_id, sid,
                        CaptureUpload(type="selfie", image_base64=data.selfieImage))
        await in_thread(meter_checks, request, deps, principal.tenant_id, sid, FACE)
        pipeline = product(deps).pipeline
        await in_thread(lambda: pipeline.process_session(principal.tenant_id, sid, sandbox=principal.sandbox,
                                                         only=FACE))
        await in_thread(pipeline.decide, sid)
        return await in_thread(liveness_view, deps, principal.tenant_id, sid)

    @get("/liveness/{session_id:str}", operation_id="mobileLivenessStatus", sync_to_thread=True,
         summary="Current match and liveness status", responses=ok(LivenessView, _LIVENESS))
    def liveness(self, deps: Deps, principal: Caller,
                 session_id: Annotated[str, Parameter(max_length=64)]) -> dict[str, Any]:
        return liveness_view(deps, principal.tenant_id, parse_session_id(session_id))

    @post("/retry", operation_id="mobileRetry", sync_to_thread=True, status_code=200,
          summary="Retry a step: a new attempt, capped by max_retries (a selfie or liveness retry keeps the "
                  "document; 409 case_under_compliance_review / case_under_fraud_review: only a reviewer closes it)",
          responses=ok(RetryView, {"sessionId": _SID, "attempt": 2, "status": "pending"}))
    def retry(self, deps: Deps, principal: Caller,
              data: Annotated[SessionStep, body({"sessionId": _SID, "step": "selfie", "reason": "face_mismatch"})],
              ) -> dict[str, Any]:
        sid = parse_session_id(data.sessionId)
        deps.ledger.request_retry(principal.tenant_id, sid, data.step, data.reason)
        session = deps.ledger.get_session(principal.tenant_id, sid)
        return {"sessionId": str(sid), "attempt": session.attempt, "status": str(session.status)}

    @post("/manual-review", operation_id="mobileManualReview", sync_to_thread=True, status_code=200,
          summary="Send the case to manual review (the tenant's decision: any time while the session is pending; "
                  "409 case_under_compliance_review / case_under_fraud_review for a case a reviewer must close)",
          responses=ok(SessionStatusView, {"sessionId": _SID, "status": "manual_review"}))
    def manual_review(self, deps: Deps, principal: Caller,
                      data: Annotated[SessionStep, body({"sessionId": _SID, "reason": "persistent_failure"})],
                      ) -> dict[str, Any]:
        sid = parse_session_id(data.sessionId)
        deps.ledger.request_manual_review(principal.tenant_id, sid, data.reason)
        return {"sessionId": str(sid), "status": str(deps.ledger.get_session(principal.tenant_id, sid).status)}

    @post("/help-request", operation_id="mobileHelpRequest", sync_to_thread=True, status_code=200,
          summary="Log a help request for funnel analysis",
          responses=ok(HelpLogged, {"sessionId": _SID, "logged": True}))
    def help_request(self, deps: Deps, principal: Caller,
                     data: Annotated[SessionStep, body({"sessionId": _SID, "step": "id_scan", "topic": "glare"})],
                     ) -> dict[str, Any]:
        sid = parse_session_id(data.sessionId)
        deps.ledger.request_help(principal.tenant_id, sid, data.step, data.topic)
        return {"sessionId": str(sid), "logged": True}

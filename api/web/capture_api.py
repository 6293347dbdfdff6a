"""Client-token routes of the capture page, beside ``/client/sessions`` upload and status.

Each call carries the session's ``X-Client-Token`` (``api.client_token``): the browser never holds
an API secret. Uploads are idempotent by ``Idempotency-Key``; document and face checks run at once,
as the mobile routes do (requirements/capture §4), so the page shows the OCR fields and the policy's message
while the person is still there, never a per-check outcome (``api.web.progress``); retry, help and
manual review are the session's own commands, which refuse what the person may not do
(``domain.sessions.steering``): leaving a review, or asking for one before two failed attempts.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter
from litestar.response import ServerSentEvent

from api.client_session import client_session
from api.controllers.captures import CAPTURE_ACCEPTED_EXAMPLE, UPLOAD_BODY, accept_capture
from api.controllers.client_sessions import sandbox_actor_suffix
from api.controllers.mobile import DOCUMENT, FACE
from api.controllers.product import in_thread, product
from api.dto import Dto
from api.errors import ApiProblem
from api.openapi import body, ok, text_ok
from api.params import ClientToken, Deps
from api.schemas.sessions import CODE, CaptureAccepted, CaptureUpload
from api.web.handoff import capture_link, qr_svg
from api.web.idempotency import run_once
from api.web.live import session_stream
from api.web.progress import capture_progress
from domain.audit import CLIENT_TOKEN_ACTOR_PREFIX, audit_context
from domain.checks import CheckType

SessionId = Annotated[str, Parameter(max_length=64)]
STEPS = {"document": DOCUMENT, "face": FACE, "address": frozenset({CheckType.ADDRESS_PROOF})}


class StepRequest(Dto, frozen=True, kw_only=True):
    step: Annotated[str, CODE] = "all"
    reason: Annotated[str, CODE] = "user_request"
    topic: Annotated[str, CODE] = "general"


def _trace(request: Request[Any, Any, Any]) -> str:
    return str((request.scope.get("state") or {}).get("trace_id") or "web")


def _actor(deps: Deps, tenant_id: str, sid: UUID) -> str:
    """``client-token:<id>``, with ``:sandbox`` when a sandbox key opened the session (docs/architecture.md §9: every
    event of a sandbox session carries the marker)."""
    return f"{CLIENT_TOKEN_ACTOR_PREFIX}{sid}{sandbox_actor_suffix(deps, tenant_id, sid)}"


_SID = "0d6f3c1e-8a43-4d83-9d1a-2b1f4f0c9e21"
_PROGRESS = {
    "id": _SID, "status": "pending", "attempt": 1, "retries_left": 3, "liveness_type": "active",
    "checks": ["ocr", "face_match", "liveness"], "accepted_documents": ["passport"],
    "captures": ["document_front", "selfie"], "challenge": None,
    "scan": {"status": "success", "name": "ANNA MARIA ERIKSSON", "dob": "1974-08-12", "expiry": "2030-04-15",
             "id_type": "passport", "mrz_found": True, "pdf417_found": False, "kept": False,
             "quality": {"passed": True, "guidance": []}},
    "face": {"match_requested": True, "checked": True},
    "address": {"required": False, "captured": False},
    "decision": {"attempt": 1, "user_message": "Your identity has been verified.", "next_step": "done",
                 "retry_step": None},
    "next_attempt_open": False, "review_requested": False, "failed_attempts": 0,
    "manual_review_available": False, "expires_at": "2026-01-01T12:30:00+00:00", "sandbox": False}
_STEP_EXAMPLE = {"step": "face", "reason": "user_request", "topic": "camera"}
StepBody = Annotated[StepRequest, body(_STEP_EXAMPLE)]
_LIVE_EXAMPLE = ('id: 7\nevent: scan.status.updated\ndata: {"id": "' + _SID + '", "status": "pending", '
                 '"scan": {"status": "done"}}\n\n')


# What each step reads: without it the checks would record a failure ("document_missing") that
# the attempt could not take back, so a premature call is refused instead.
STEP_CAPTURES = {"document": frozenset({"document_front"}),
                 "face": frozenset({"selfie", "liveness_frames", "video"}),
                 "address": frozenset({"address_proof"})}


def _require_captures(deps: Deps, tenant_id: str, sid: UUID, step: str) -> None:
    session = deps.ledger.get_session(tenant_id, sid)
    have = {str(c["kind"]) for c in session.captures.get(session.attempt, [])}
    if str(session.status) == "pending" and not have & STEP_CAPTURES[step]:
        raise ApiProblem(409, "capture_missing", f"upload the {step} capture of this attempt first",
                         step=step, attempt=session.attempt)


class CaptureWebController(Controller):
    """What the capture page calls, authorised by the session's client token."""

    path = "/client/sessions"
    tags = ("client capture",)

    @get("/{session_id:str}/progress", operation_id="clientCaptureProgress", sync_to_thread=True,
         summary="The capture page's view: progress, OCR fields to confirm, the policy's message and next step "
                 "(no per-check outcome or score)",
         responses=ok(dict[str, Any], _PROGRESS))
    def progress(self, deps: Deps, session_id: SessionId, client_token: ClientToken = None) -> dict[str, Any]:
        tenant_id, sid = client_session(deps, client_token, session_id)
        return capture_progress(deps, tenant_id, sid)

    @post("/{session_id:str}/captures", operation_id="clientCaptureIdempotent", status_code=201,
          summary="Upload a capture (document_front | document_back | selfie | liveness_frames | video); "
                  "retries with the same Idempotency-Key are recorded once",
          responses=ok(CaptureAccepted, CAPTURE_ACCEPTED_EXAMPLE, status=201, description="Accepted"))
    async def upload(self, request: Request[Any, Any, Any], deps: Deps, session_id: SessionId,
                     data: Annotated[CaptureUpload, UPLOAD_BODY], client_token: ClientToken = None,
                     ) -> Response[bytes]:
        tenant_id, sid = client_session(deps, client_token, session_id)
        body = await request.body()  # the bytes as sent: an Idempotency-Key retry must repeat them

        def work() -> Any:
            with audit_context(tenant_id, _actor(deps, tenant_id, sid), _trace(request)):
                return accept_capture(deps, tenant_id, sid, data)

        answer, replayed = await run_once(deps, sid, request.headers.get("idempotency-key"),
                                          request.url.path, body, work)
        return Response(answer, status_code=201, media_type="application/json",
                        headers={"Idempotent-Replayed": "true"} if replayed else {})

    @post("/{session_id:str}/checks/{step:str}", operation_id="clientRunChecks", status_code=200,
          summary="Run the document or face checks of the current attempt now and decide if all are in",
          responses=ok(dict[str, Any], _PROGRESS))
    async def run_checks(self, request: Request[Any, Any, Any], deps: Deps, session_id: SessionId,
                         step: Annotated[str, Parameter(max_length=16)],
                         client_token: ClientToken = None) -> dict[str, Any]:
        tenant_id, sid = client_session(deps, client_token, session_id)
        if step not in STEPS:
            raise ApiProblem(404, "not_found", "step is 'document', 'face' or 'address'")
        await in_thread(_require_captures, deps, tenant_id, sid, step)
        pipeline = product(deps).pipeline
        sandbox = bool(await in_thread(sandbox_actor_suffix, deps, tenant_id, sid))  # sandbox models, marked
        # Checks already recorded for the attempt are not run again: a retried call is harmless.
        await in_thread(lambda: pipeline.process_session(tenant_id, sid, sandbox=sandbox, only=STEPS[step]))
        await in_thread(pipeline.decide, sid)
        return await in_thread(capture_progress, deps, tenant_id, sid)

    @post("/{session_id:str}/retry", operation_id="clientRetry", sync_to_thread=True, status_code=200,
          summary="Start a new attempt (capped by the session's max_retries; 409 case_under_review once a "
                  "reviewer holds or must take the case)",
          responses=ok(dict[str, Any], {**_PROGRESS, "attempt": 2, "retries_left": 2, "captures": []}))
    def retry(self, request: Request[Any, Any, Any], deps: Deps, session_id: SessionId,
              data: StepBody, client_token: ClientToken = None) -> dict[str, Any]:
        tenant_id, sid = client_session(deps, client_token, session_id)
        with audit_context(tenant_id, _actor(deps, tenant_id, sid), _trace(request)):
            deps.ledger.request_retry(tenant_id, sid, data.step, data.reason)
        return capture_progress(deps, tenant_id, sid)

    @post("/{session_id:str}/manual-review", operation_id="clientManualReview", sync_to_thread=True,
          status_code=200, summary="Ask for a person to review the case after repeated failure (409 "
                                   "manual_review_not_available before two failed attempts)",
          responses=ok(dict[str, Any], {**_PROGRESS, "status": "manual_review", "review_requested": True}))
    def manual_review(self, request: Request[Any, Any, Any], deps: Deps, session_id: SessionId,
                      data: StepBody, client_token: ClientToken = None) -> dict[str, Any]:
        tenant_id, sid = client_session(deps, client_token, session_id)
        with audit_context(tenant_id, _actor(deps, tenant_id, sid), _trace(request)):
            deps.ledger.request_manual_review(tenant_id, sid, data.reason)
        return capture_progress(deps, tenant_id, sid)

    @post("/{session_id:str}/help", operation_id="clientHelpRequest", sync_to_thread=True, status_code=200,
          summary="Record a help request (funnel analysis)",
          responses=ok(dict[str, Any], {"logged": True}))
    def help_request(self, request: Request[Any, Any, Any], deps: Deps, session_id: SessionId,
                     data: StepBody, client_token: ClientToken = None) -> dict[str, Any]:
        tenant_id, sid = client_session(deps, client_token, session_id)
        with audit_context(tenant_id, _actor(deps, tenant_id, sid), _trace(request)):
            deps.ledger.request_help(tenant_id, sid, data.step, data.topic)
        return {"logged": True}

    @get("/{session_id:str}/handoff.svg", operation_id="clientHandoffQr", sync_to_thread=True,
         summary="A QR code of this session's capture link, to continue on a phone "
                 "(requirements/capture: mobile ↔ web)",
         responses=text_ok('<svg xmlns="http://www.w3.org/2000/svg" ...></svg>', "image/svg+xml"))
    def handoff(self, request: Request[Any, Any, Any], deps: Deps, session_id: SessionId,
                client_token: ClientToken = None) -> Response[bytes]:
        tenant_id, sid = client_session(deps, client_token, session_id)
        status = str(deps.ledger.get_session(tenant_id, sid).status)
        if status != "pending":
            raise ApiProblem(409, "session_not_pending", f"the session is {status}: nothing to continue",
                             session_status=status)
        link = capture_link(str(request.base_url), client_token or "")
        return Response(qr_svg(link), media_type="image/svg+xml",
                        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})

    @get("/{session_id:str}/live", operation_id="clientLiveStatus", sync_to_thread=False,
         summary="Server-sent events: scan.status.updated, liveness.status.updated, manual_review.requested, "
                 "decision.made ... with the page's progress view",
         responses=text_ok(_LIVE_EXAMPLE, "text/event-stream"))
    def live(self, request: Request[Any, Any, Any], deps: Deps, session_id: SessionId,
             client_token: ClientToken = None) -> ServerSentEvent:
        tenant_id, sid = client_session(deps, client_token, session_id)
        last = request.headers.get("last-event-id", "0")
        after = int(last) if last.isdigit() else 0
        return ServerSentEvent(session_stream(deps, tenant_id, sid, after),
                               headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

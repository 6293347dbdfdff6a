"""Client-token routes of the capture page, beside ``/client/sessions`` upload and status.

Each call carries the session's ``X-Client-Token`` (``api.client_token``): the browser never holds
an API secret. Uploads are idempotent by ``Idempotency-Key``; document and face checks run at once,
as the mobile routes do (seed 000 section 4), so the page shows the OCR fields and Match/Mismatch
while the person is still there; retry, help and manual review are the session's own commands.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import JSONBody, Parameter
from litestar.response import ServerSentEvent

from api.client_token import InvalidClientTokenError
from api.controllers.mobile import DOCUMENT, FACE
from api.controllers.product import in_thread, product
from api.controllers.sessions import accept_capture
from api.dto import Dto
from api.errors import ApiProblem
from api.params import ClientToken, Deps
from api.schemas.sessions import CODE, CaptureUpload
from api.web.idempotency import run_once
from api.web.live import session_stream
from api.web.progress import capture_progress
from domain.audit import audit_context

SessionId = Annotated[str, Parameter(max_length=64)]
STEPS = {"document": DOCUMENT, "face": FACE}


class StepRequest(Dto, frozen=True, kw_only=True):
    step: Annotated[str, CODE] = "all"
    reason: Annotated[str, CODE] = "user_request"
    topic: Annotated[str, CODE] = "general"


def client_session(deps: Deps, token: str | None, session_id: str) -> tuple[str, UUID]:
    """(tenant, session) the token authorises; 401 for a bad, expired or other session's token."""
    try:
        tenant_id, sid = product(deps).tokens.verify(token or "", deps.clock())
    except InvalidClientTokenError as exc:
        raise ApiProblem(401, exc.code, exc.message) from None
    if str(sid) != session_id:
        raise ApiProblem(401, "client_token_invalid", "client token invalid or expired")
    return tenant_id, sid


def _trace(request: Request[Any, Any, Any]) -> str:
    return str((request.scope.get("state") or {}).get("trace_id") or "web")


class CaptureWebController(Controller):
    """What the capture page calls, authorised by the session's client token."""

    path = "/client/sessions"
    tags = ("client capture",)

    @get("/{session_id:str}/progress", operation_id="clientCaptureProgress", sync_to_thread=True,
         summary="The capture page's view: progress, OCR fields to confirm, Match/Mismatch, user message")
    def progress(self, deps: Deps, session_id: SessionId, client_token: ClientToken = None) -> dict[str, Any]:
        tenant_id, sid = client_session(deps, client_token, session_id)
        return capture_progress(deps, tenant_id, sid)

    @post("/{session_id:str}/captures", operation_id="clientCaptureIdempotent", status_code=201,
          summary="Upload a capture (document_front | document_back | selfie | liveness_frames); "
                  "retries with the same Idempotency-Key are recorded once")
    async def upload(self, request: Request[Any, Any, Any], deps: Deps, session_id: SessionId,
                     client_token: ClientToken = None) -> Response[bytes]:
        tenant_id, sid = client_session(deps, client_token, session_id)
        body = await request.body()
        try:
            data = msgspec.json.decode(body, type=CaptureUpload)
        except msgspec.ValidationError as exc:
            raise ApiProblem(400, "validation_error", str(exc)) from None
        except msgspec.DecodeError:
            raise ApiProblem(400, "invalid_json", "the body is not JSON") from None

        def work() -> Any:
            with audit_context(tenant_id, f"client-token:{sid}", _trace(request)):
                return accept_capture(deps, tenant_id, sid, data)

        answer, replayed = await run_once(deps, sid, request.headers.get("idempotency-key"),
                                          request.url.path, body, work)
        return Response(answer, status_code=201, media_type="application/json",
                        headers={"Idempotent-Replayed": "true"} if replayed else {})

    @post("/{session_id:str}/checks/{step:str}", operation_id="clientRunChecks", status_code=200,
          summary="Run the document or face checks of the current attempt now and decide if all are in")
    async def run_checks(self, request: Request[Any, Any, Any], deps: Deps, session_id: SessionId,
                         step: Annotated[str, Parameter(max_length=16)],
                         client_token: ClientToken = None) -> dict[str, Any]:
        tenant_id, sid = client_session(deps, client_token, session_id)
        if step not in STEPS:
            raise ApiProblem(404, "not_found", "step is 'document' or 'face'")
        pipeline = product(deps).pipeline
        # Checks already recorded for the attempt are not run again: a retried call is harmless.
        await in_thread(lambda: pipeline.process_session(tenant_id, sid, sandbox=False, only=STEPS[step]))
        await in_thread(pipeline.decide, sid)
        return await in_thread(capture_progress, deps, tenant_id, sid)

    @post("/{session_id:str}/retry", operation_id="clientRetry", sync_to_thread=True, status_code=200,
          summary="Start a new attempt (capped by the session's max_retries)")
    def retry(self, request: Request[Any, Any, Any], deps: Deps, session_id: SessionId,
              data: JSONBody[StepRequest], client_token: ClientToken = None) -> dict[str, Any]:
        tenant_id, sid = client_session(deps, client_token, session_id)
        with audit_context(tenant_id, f"client-token:{sid}", _trace(request)):
            deps.ledger.request_retry(tenant_id, sid, data.step, data.reason)
        return capture_progress(deps, tenant_id, sid)

    @post("/{session_id:str}/manual-review", operation_id="clientManualReview", sync_to_thread=True,
          status_code=200, summary="Ask for a person to review the case after repeated failure")
    def manual_review(self, request: Request[Any, Any, Any], deps: Deps, session_id: SessionId,
                      data: JSONBody[StepRequest], client_token: ClientToken = None) -> dict[str, Any]:
        tenant_id, sid = client_session(deps, client_token, session_id)
        with audit_context(tenant_id, f"client-token:{sid}", _trace(request)):
            deps.ledger.request_manual_review(tenant_id, sid, data.reason)
        return capture_progress(deps, tenant_id, sid)

    @post("/{session_id:str}/help", operation_id="clientHelpRequest", sync_to_thread=True, status_code=200,
          summary="Record a help request (funnel analysis)")
    def help_request(self, request: Request[Any, Any, Any], deps: Deps, session_id: SessionId,
                     data: JSONBody[StepRequest], client_token: ClientToken = None) -> dict[str, Any]:
        tenant_id, sid = client_session(deps, client_token, session_id)
        with audit_context(tenant_id, f"client-token:{sid}", _trace(request)):
            deps.ledger.request_help(tenant_id, sid, data.step, data.topic)
        return {"logged": True}

    @get("/{session_id:str}/live", operation_id="clientLiveStatus", sync_to_thread=False,
         summary="Server-sent events: scan.status.updated, liveness.status.updated, manual_review.requested, "
                 "decision.made ... with the page's progress view")
    def live(self, request: Request[Any, Any, Any], deps: Deps, session_id: SessionId,
             client_token: ClientToken = None) -> ServerSentEvent:
        tenant_id, sid = client_session(deps, client_token, session_id)
        last = request.headers.get("last-event-id", "0")
        after = int(last) if last.isdigit() else 0
        return ServerSentEvent(session_stream(deps, tenant_id, sid, after),
                               headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

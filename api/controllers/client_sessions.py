"""Routes a browser capture page calls with the session's client token instead of HMAC (requirements/sessions §3):
uploads and status only, under ``/client/sessions``."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID, uuid4

from litestar import Controller, Request, get, post

from api.client_session import client_session
from api.controllers.captures import CAPTURE_ACCEPTED_EXAMPLE, EXAMPLE_SESSION_ID, UPLOAD_BODY, accept_capture
from api.controllers.product import session_view
from api.controllers.sessions import SessionId
from api.openapi import ok
from api.params import ClientToken, Deps
from api.schemas.sessions import CaptureAccepted, CaptureUpload
from domain.audit import CLIENT_TOKEN_ACTOR_PREFIX, SANDBOX_MARK, audit_context


def sandbox_actor_suffix(deps: Deps, tenant_id: str, session_id: UUID) -> str:
    """``:sandbox`` when a sandbox key opened the session: its client-token events say so too."""
    deps.ledger.get_session(tenant_id, session_id)  # the tenant's own session, or NotFoundError
    return SANDBOX_MARK if deps.ledger.session_environment(session_id) == "sandbox" else ""


def _request_id(request: Request[Any, Any, Any]) -> str:
    return str((request.scope.get("state") or {}).get("trace_id") or uuid4().hex)


class ClientSessionController(Controller):
    """Routes a browser capture page calls with the session's client token (no API secret there)."""

    path = "/client/sessions"
    tags = ("client capture",)

    @post("/{session_id:str}/documents", operation_id="clientUploadCapture", sync_to_thread=True,
          status_code=201, summary="Upload a capture with the session's client token (X-Client-Token)",
          responses=ok(CaptureAccepted, CAPTURE_ACCEPTED_EXAMPLE, status=201, description="Accepted"))
    def upload(self, request: Request[Any, Any, Any], deps: Deps, session_id: SessionId,
               data: Annotated[CaptureUpload, UPLOAD_BODY],
               client_token: ClientToken = None,
               ) -> CaptureAccepted:
        tenant_id, sid = client_session(deps, client_token, session_id)
        with audit_context(tenant_id, f"{CLIENT_TOKEN_ACTOR_PREFIX}{sid}{sandbox_actor_suffix(deps, tenant_id, sid)}",
                           _request_id(request)):
            return accept_capture(deps, tenant_id, sid, data)

    @get("/{session_id:str}", operation_id="clientGetSessionStatus", sync_to_thread=True,
         summary="The session's status and challenge, with the session's client token",
         responses=ok(dict[str, Any], {"id": EXAMPLE_SESSION_ID, "status": "pending", "attempt": 1, "challenge": None,
                                       "captures": ["document_front"]}))
    def status(self, deps: Deps, session_id: SessionId,
               client_token: ClientToken = None,
               ) -> dict[str, Any]:
        tenant_id, sid = client_session(deps, client_token, session_id)
        view = session_view(deps, deps.ledger.get_session(tenant_id, sid), sandbox=False)
        # The capture page sees progress only: no extracted data, scores or decision reasons.
        return {k: view[k] for k in ("id", "status", "attempt", "challenge", "captures")}

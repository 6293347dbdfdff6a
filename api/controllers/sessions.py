"""Session routes (requirements/sessions §3; requirements/pipeline §1 configuration).

create -> upload captures -> complete (queued for the ML workers) -> get (status, checks, extracted
data, decision) -> cancel. Another tenant's session answers 404 on every route (the ledger's
``get_session`` makes the two cases look the same). Uploading and completing are shared with the
other capture routes (``api.controllers.captures``); the ``/client/sessions`` routes for a browser
capture page are ``api.controllers.client_sessions``.
"""

from __future__ import annotations

from typing import Annotated, Any, cast
from uuid import uuid4

from litestar import Controller, Request, get, post
from litestar.openapi.spec import Example
from litestar.params import Body, Parameter

from api.controllers import challenges
from api.controllers.captures import (
    CAPTURE_ACCEPTED_EXAMPLE,
    EXAMPLE_SESSION_ID,
    UPLOAD_BODY,
    accept_capture,
    request_checks,
)
from api.controllers.product import in_thread, parse_session_id, product, session_view
from api.controllers.session_search import SessionListing
from api.guards import client_access
from api.metering import reserve_usage
from api.middleware import SHOWN_SECRET
from api.openapi import body, ok
from api.params import Caller, Deps
from api.schemas.enums import CheckName, JobStatus, SessionStatusName
from api.schemas.session_view import SessionView
from api.schemas.sessions import (
    CancelRequest,
    CaptureAccepted,
    CaptureUpload,
    CompleteAccepted,
    SessionCreate,
    SessionCreated,
)
from api.services import webhook_admin
from api.work import offer_job
from domain.sessions.challenges import session_challenge
from domain.sessions.configuration import SessionConfiguration

SessionId = Annotated[str, Parameter(description="session id (UUID)", max_length=64)]
_SID = EXAMPLE_SESSION_ID
_CREATED = {"id": _SID, "status": "pending", "client_token": "kct1.dGVuX2F8...sig", "sandbox": False,
            "expires_at": "2026-01-01T12:30:00+00:00",
            "challenge": {"nonce": "9f2c6d0e1b7a4c3d8e5f6a7b8c9d0e1f", "actions": ["turn_left", "smile"],
                          "issued_at": "2026-01-01T12:00:00+00:00", "expires_at": "2026-01-01T12:30:00+00:00",
                          "max_capture_ms": 10000}}
SESSION_VIEW_EXAMPLE: dict[str, Any] = {
    "id": _SID, "status": "verified", "attempt": 1, "reference": "customer-42",
    "subject_id": f"ten_0123456789abcdef:session:{_SID}", "expires_at": "2026-01-01T12:30:00+00:00",
    "liveness_type": "active", "checks_requested": ["ocr", "face_match", "liveness", "data_validation"],
    "captures": ["document_front", "selfie"], "checks_attempt": 1,
    "checks": [{"check": "face_match", "outcome": "pass", "scores": {"similarity": 0.84, "threshold": 0.65},
                "reasons": [], "sandbox": False,
                "models": [{"name": "sface", "version": "2021dec", "weights_sha256": "0a" * 32}]}],
    "extracted_data": {"surname": "ERIKSSON", "given_names": "ANNA MARIA", "birth_date": "1974-08-12"},
    "decision": {"attempt": 1, "decided_by": "policy", "decision": "accepted", "route": "auto_approve", "score": 91.5,
                 "reasons": [], "user_message": "Your identity has been verified.", "retry_step": None,
                 "policy_hash": "ab" * 32, "superseded_by": None},
    "decision_history": [{"attempt": 1, "decided_by": "policy", "decision": "accepted", "route": "auto_approve",
                          "score": 91.5, "reasons": [], "user_message": "Your identity has been verified.",
                          "retry_step": None, "policy_hash": "ab" * 32, "superseded_by": None}],
    "review": None, "retries_left": 3, "challenge": None, "sandbox": False}
_CREATE_BODY = Body(examples=[
    Example(summary="active liveness", value={"checks": ["ocr", "face_match", "liveness"],
                                              "liveness_type": "active", "reference": "customer-42"}),
    Example(summary="expecting a Moroccan identity card (requirements/sessions §3)",
            value={"country": "MA", "document_type": "national_id", "checks": ["ocr", "face_match", "liveness"],
                   "reference": "customer-44"}),
    Example(summary="with proof of address (requirements/pipeline: require_address_proof)",
            value={"checks": ["ocr", "data_validation", "face_match", "liveness"], "require_address_proof": True,
                   "reference": "customer-43"})])


class SessionController(SessionListing, Controller):
    path = "/v1/sessions"
    tags = ("sessions",)
    guards = (client_access,)

    @post("/", operation_id="createSession", sync_to_thread=True, status_code=201,
          summary="Open a verification session with its configuration (requirements/pipeline §1)",
          responses=ok(SessionCreated, _CREATED, status=201, description="Created"))
    def create(self, request: Request[Any, Any, Any], deps: Deps, principal: Caller,
               data: Annotated[SessionCreate, _CREATE_BODY]) -> SessionCreated:
        configuration = SessionConfiguration.build(
            accepted_documents=data.accepted_documents, accepted_countries=data.accepted_countries,
            liveness_type=data.liveness_type, face_match_threshold=data.face_match_threshold,
            require_address_proof=data.require_address_proof, max_retries=data.max_retries,
            session_ttl_seconds=data.session_ttl_seconds, checks=data.checks, webhook_url=data.webhook_url,
            country=data.country, document_type=data.document_type)
        session_id = uuid4()
        challenges.admit(deps, principal, configuration, data.reference)  # before anything is registered
        # The session's own webhook_url is checked (SSRF) and registered before the session exists, so a
        # refused URL leaves no session behind; its signing secret is shown in this answer only.
        webhook_secret = webhook_admin(deps).register_session(principal.tenant_id, session_id, data.webhook_url) \
            if data.webhook_url else None
        if webhook_secret is not None:
            request.scope.setdefault("state", {})[SHOWN_SECRET] = True  # never replayed (api.middleware)
        challenges.open_session(deps, principal, configuration, data.reference, session_id)
        session = deps.ledger.get_session(principal.tenant_id, session_id)
        services = product(deps)
        challenge = session_challenge(services.challenges, session, ())
        return SessionCreated(
            id=str(session_id), status=cast(SessionStatusName, str(session.status)),
            expires_at=session.expires_at.isoformat(),
            client_token=services.tokens.issue(principal.tenant_id, session_id, session.expires_at),
            challenge=challenge.to_record() if challenge else None, sandbox=principal.sandbox,
            webhook_secret=webhook_secret)

    @post("/{session_id:str}/documents", operation_id="uploadSessionCapture", sync_to_thread=True,
          status_code=201, summary="Upload a capture: document_front, document_back, selfie, liveness_frames, video, "
                                   "address_proof (409 address_proof_not_required unless the session requires it)",
          responses=ok(CaptureAccepted, CAPTURE_ACCEPTED_EXAMPLE, status=201, description="Accepted"))
    def upload(self, deps: Deps, principal: Caller, session_id: SessionId,
               data: Annotated[CaptureUpload, UPLOAD_BODY]) -> CaptureAccepted:
        return accept_capture(deps, principal.tenant_id, parse_session_id(session_id), data)

    @post("/{session_id:str}/complete", operation_id="completeSession", status_code=202,
          summary="All captures are in: record the checks for the ML workers (result by GET and webhook). "
                  "job_status is queued (on the work queue now) or accepted (recorded; queued from the ledger "
                  "within the grace period, e.g. while NATS is down): either way the session is processed",
          responses=ok(CompleteAccepted, {"id": _SID, "status": "pending", "job_id": f"{_SID}:1",
                                          "job_status": "queued",
                                          "checks_requested": ["ocr", "face_match", "data_validation"]},
                       status=202, description="Accepted"))
    async def complete(self, request: Request[Any, Any, Any], deps: Deps, principal: Caller,
                       session_id: SessionId) -> CompleteAccepted:
        sid = parse_session_id(session_id)
        attempt, checks = await in_thread(request_checks, deps, principal.tenant_id, sid,
                                          lambda: reserve_usage(request, "workflow")[1])
        # The ledger now holds the request: the publish below is the fast path only (api.work).
        job_status = await offer_job(deps, principal.tenant_id, sid, attempt, principal.sandbox)
        return CompleteAccepted(id=str(sid), status="pending", job_id=f"{sid}:{attempt}",
                                job_status=cast(JobStatus, job_status), checks_requested=cast(list[CheckName], checks))

    @get("/{session_id:str}", operation_id="getSession", sync_to_thread=True,
         summary="Status, checks with outcomes, extracted data and the decision with its reasons",
         responses=ok(SessionView, SESSION_VIEW_EXAMPLE))
    def get_session(self, deps: Deps, principal: Caller, session_id: SessionId) -> dict[str, Any]:
        session = deps.ledger.get_session(principal.tenant_id, parse_session_id(session_id))
        return session_view(deps, session, principal.sandbox)

    @post("/{session_id:str}/cancel", operation_id="cancelSession", sync_to_thread=True, status_code=200,
          summary="Cancel a pending session",
          responses=ok(SessionView, {**SESSION_VIEW_EXAMPLE, "status": "cancelled"}))
    def cancel(self, deps: Deps, principal: Caller, session_id: SessionId,
               data: Annotated[CancelRequest, body({"reason": "customer_abandoned"})]) -> dict[str, Any]:
        sid = parse_session_id(session_id)
        deps.ledger.cancel(principal.tenant_id, sid, data.reason)
        return session_view(deps, deps.ledger.get_session(principal.tenant_id, sid), principal.sandbox)

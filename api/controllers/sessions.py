"""Session routes (requirements/sessions §3; requirements/pipeline §1 configuration).

create -> upload captures -> complete (queued for the ML workers) -> get (status, checks, extracted
data, decision) -> cancel. Another tenant's session answers 404 on every route (the ledger's
``get_session`` makes the two cases look the same). The ``/client/sessions`` routes accept the
session-scoped client token instead of HMAC, for a browser capture page: uploads and status only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any, cast
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate
from litestar import Controller, Request, get, post
from litestar.openapi.spec import Example
from litestar.params import Body, Parameter

from api.client_session import client_session
from api.controllers import challenges
from api.controllers.product import (
    in_thread,
    parse_session_id,
    product,
    read_image,
    session_view,
    store_capture,
)
from api.controllers.session_search import SessionListing
from api.errors import ApiProblem
from api.guards import client_access
from api.media import VIDEO_ERROR_STATUS, decode_base64_video, media, media_problem
from api.metering import reserve_usage
from api.middleware import SHOWN_SECRET
from api.openapi import body, ok
from api.params import Caller, ClientToken, Deps
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
from domain.address_proof.capture import ensure_capture_wanted
from domain.audit import CLIENT_TOKEN_ACTOR_PREFIX, SANDBOX_MARK, audit_context
from domain.errors import DomainError
from domain.ports.media import FRAMES_MEDIA_TYPE, MAX_LIVENESS_FRAMES, LivenessFrames
from domain.sessions.challenges import session_challenge
from domain.sessions.configuration import DOCUMENT_READING_CHECKS, SessionConfiguration
from domain.sessions.guards import ensure_capture_room

SessionId = Annotated[str, Parameter(description="session id (UUID)", max_length=64)]
_SID = "0d6f3c1e-8a43-4d83-9d1a-2b1f4f0c9e21"
DOCUMENT_NEEDING = frozenset(str(c) for c in DOCUMENT_READING_CHECKS)
_CREATED = {"id": _SID, "status": "pending", "client_token": "kct1.dGVuX2F8...sig", "sandbox": False,
            "expires_at": "2026-01-01T12:30:00+00:00",
            "challenge": {"nonce": "9f2c6d0e1b7a4c3d8e5f6a7b8c9d0e1f", "actions": ["turn_left", "smile"],
                          "issued_at": "2026-01-01T12:00:00+00:00", "expires_at": "2026-01-01T12:30:00+00:00",
                          "max_capture_ms": 10000}}
_ACCEPTED = {"session_id": _SID, "type": "selfie", "attempt": 1, "media_type": "image/jpeg", "width": 720,
             "height": 960, "content_sha256": "3f" * 32, "frames": None}
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
_UPLOAD_EXAMPLE = {"type": "selfie", "image_base64": "/9j/4AAQSkZJRgABAQ..."}
_UPLOAD_BODY = Body(examples=[
    Example(summary="selfie", value=_UPLOAD_EXAMPLE),
    Example(summary="address_proof (session created with require_address_proof: true)",
            value={"type": "address_proof", "image_base64": "iVBORw0KGgoAAAANSUhEUgAA..."})])
_CREATE_BODY = Body(examples=[
    Example(summary="active liveness", value={"checks": ["ocr", "face_match", "liveness"],
                                              "liveness_type": "active", "reference": "customer-42"}),
    Example(summary="expecting a Moroccan identity card (requirements/sessions §3)",
            value={"country": "MA", "document_type": "national_id", "checks": ["ocr", "face_match", "liveness"],
                   "reference": "customer-44"}),
    Example(summary="with proof of address (seed 002 require_address_proof)",
            value={"checks": ["ocr", "data_validation", "face_match", "liveness"], "require_address_proof": True,
                   "reference": "customer-43"})])


def refuse_unwanted_capture(session: Any, kind: str) -> None:
    """Refused before anything is stored: an address document for a session that does not require
    one, and a capture beyond the attempt's limit for its kind (the domain enforces both again)."""
    ensure_capture_wanted(kind, bool(session.configuration.get("require_address_proof")))
    ensure_capture_room(session.captures.get(session.attempt, []), kind)


def accept_capture(deps: Deps, tenant_id: str, session_id: UUID, data: CaptureUpload) -> CaptureAccepted:
    """Validate, store (encrypted) and record one capture of the session's current attempt."""
    session = deps.ledger.get_session(tenant_id, session_id)
    refuse_unwanted_capture(session, data.type)
    if data.type == "video":
        if data.video_base64 is None:
            raise ApiProblem(422, "video_missing", "video_base64 is required", field="video_base64")
        return accept_video(deps, tenant_id, session_id, decode_video(data.video_base64), data.challenge_nonce)
    if data.type != "liveness_frames":
        image = read_image(deps, data.image_base64, "image_base64")
        assert image is not None
        digest = store_capture(deps, tenant_id, session_id, data.type, image.content, image.media_type,
                               image.metadata())
        return CaptureAccepted(session_id=str(session_id), type=data.type, attempt=session.attempt,
                               content_sha256=digest, media_type=image.media_type, width=image.width,
                               height=image.height)
    frames, offsets, nonce = data.frames_base64 or [], data.frame_offsets_ms or [], data.challenge_nonce
    if not 2 <= len(frames) <= MAX_LIVENESS_FRAMES or len(offsets) != len(frames) or nonce is None:
        raise ApiProblem(422, "liveness_frames_invalid",
                         f"send 2-{MAX_LIVENESS_FRAMES} frames_base64 with as many frame_offsets_ms and the "
                         "challenge_nonce")
    refuse_reused_nonce(session, nonce)
    images = [read_image(deps, f, f"frames_base64[{i}]") for i, f in enumerate(frames)]
    packed = media(deps).frames.pack(LivenessFrames(nonce=nonce, offsets_ms=list(offsets),
                                                    frames=[i.content for i in images if i is not None]))
    digest = store_capture(deps, tenant_id, session_id, "liveness_frames", packed, FRAMES_MEDIA_TYPE,
                           {"frames": len(frames), "nonce": nonce, "media_type": FRAMES_MEDIA_TYPE})
    return CaptureAccepted(session_id=str(session_id), type=data.type, attempt=session.attempt,
                           content_sha256=digest, media_type=FRAMES_MEDIA_TYPE, frames=len(frames))


def refuse_reused_nonce(session: Any, nonce: str) -> None:
    used = {str(c["metadata"].get("nonce")) for a in session.captures.values() for c in a
            if c["kind"] == "liveness_frames"}
    if nonce in used:  # single use (domain.liveness_challenge): a replayed response is refused
        raise ApiProblem(409, "challenge_nonce_reused", "this challenge was already answered")


def decode_video(text: str) -> bytes:
    try:
        return decode_base64_video(text, "video_base64")
    except DomainError as exc:
        raise media_problem(exc, VIDEO_ERROR_STATUS) from None


def accept_video(deps: Deps, tenant_id: str, session_id: UUID, content: bytes,
                 nonce: str | None, field: str = "video_base64") -> CaptureAccepted:
    """A liveness video answers the challenge like ``liveness_frames``: its sampled frames are stored.

    Only the evenly sampled, re-encoded frames are kept (``VideoSampler``: data minimisation, and the
    evidence is exactly what the liveness model judged); the pipeline reads them as liveness frames.
    """
    session = deps.ledger.get_session(tenant_id, session_id)
    if nonce is None:
        raise ApiProblem(422, "liveness_frames_invalid", "a liveness video needs the challenge_nonce")
    refuse_reused_nonce(session, nonce)
    services = media(deps)
    try:
        video = services.videos.sample(content, field)
    except DomainError as exc:
        raise media_problem(exc, VIDEO_ERROR_STATUS) from None
    packed = services.frames.pack(LivenessFrames(nonce=nonce, offsets_ms=video.offsets_ms, frames=video.frames))
    digest = store_capture(deps, tenant_id, session_id, "liveness_frames", packed, FRAMES_MEDIA_TYPE,
                           {"frames": len(video.frames), "nonce": nonce, "media_type": FRAMES_MEDIA_TYPE,
                            **video.metadata()})
    return CaptureAccepted(session_id=str(session_id), type="video", attempt=session.attempt,
                           content_sha256=digest, media_type=FRAMES_MEDIA_TYPE, width=video.width,
                           height=video.height, frames=len(video.frames))


def missing_captures(checks: list[str], liveness_type: str, kinds: set[str]) -> list[str]:
    """Captures the requested checks need that the attempt does not have yet."""
    needed: set[str] = set()
    if "address_proof" in checks:  # requirements/pipeline §1 require_address_proof: checked against the ID's name
        needed |= {"address_proof", "document_front"}
    if DOCUMENT_NEEDING & set(checks):
        needed.add("document_front")
    if "face_match" in checks:
        needed.add("selfie")
    if "liveness" in checks:
        needed.add("liveness_frames" if liveness_type == "active" else "selfie")
    return sorted(needed - kinds)


def request_checks(deps: Deps, tenant_id: str, session_id: UUID,
                   usage: Callable[[], Sequence[Aggregate]] = tuple) -> tuple[int, list[str]]:
    """Record ``CheckRequested`` for every configured check of the attempt (once each).

    ``usage`` reserves the step's billable use once the session may be completed; its facts are
    recorded in the same transaction as the request (one request step, one write).
    """
    session = deps.ledger.get_session(tenant_id, session_id)
    if str(session.status) != "pending":
        raise ApiProblem(409, "illegal_status_transition", f"cannot complete: session is {session.status}")
    kinds = {str(c["kind"]) for c in session.captures.get(session.attempt, [])}
    missing = missing_captures(session.required_checks, session.liveness_type, kinds)
    if missing:
        raise ApiProblem(409, "captures_missing", "upload the missing captures first", missing=missing)
    already = set(session.requested_checks.get(session.attempt, []))
    wanted = [check for check in session.required_checks if check not in already]
    records = usage()
    if wanted:  # one transaction: the work-recovery follower sees the whole request or none of it
        deps.ledger.request_checks(tenant_id, session_id, wanted, along=records)
    elif records:
        deps.ledger.record_usage(records)
    return session.attempt, session.required_checks


class SessionController(SessionListing, Controller):
    path = "/v1/sessions"
    tags = ("sessions",)
    guards = (client_access,)

    @post("/", operation_id="createSession", sync_to_thread=True, status_code=201,
          summary="Open a verification session with its configuration (seed 002 step 1)",
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
          responses=ok(CaptureAccepted, _ACCEPTED, status=201, description="Accepted"))
    def upload(self, deps: Deps, principal: Caller, session_id: SessionId,
               data: Annotated[CaptureUpload, _UPLOAD_BODY]) -> CaptureAccepted:
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
          responses=ok(CaptureAccepted, _ACCEPTED, status=201, description="Accepted"))
    def upload(self, request: Request[Any, Any, Any], deps: Deps, session_id: SessionId,
               data: Annotated[CaptureUpload, _UPLOAD_BODY],
               client_token: ClientToken = None,
               ) -> CaptureAccepted:
        tenant_id, sid = client_session(deps, client_token, session_id)
        with audit_context(tenant_id, f"{CLIENT_TOKEN_ACTOR_PREFIX}{sid}{sandbox_actor_suffix(deps, tenant_id, sid)}",
                           _request_id(request)):
            return accept_capture(deps, tenant_id, sid, data)

    @get("/{session_id:str}", operation_id="clientGetSessionStatus", sync_to_thread=True,
         summary="The session's status and challenge, with the session's client token",
         responses=ok(dict[str, Any], {"id": _SID, "status": "pending", "attempt": 1, "challenge": None,
                                       "captures": ["document_front"]}))
    def status(self, deps: Deps, session_id: SessionId,
               client_token: ClientToken = None,
               ) -> dict[str, Any]:
        tenant_id, sid = client_session(deps, client_token, session_id)
        view = session_view(deps, deps.ledger.get_session(tenant_id, sid), sandbox=False)
        # The capture page sees progress only: no extracted data, scores or decision reasons.
        return {k: view[k] for k in ("id", "status", "attempt", "challenge", "captures")}


"""Instant ``POST /v1/identity/verify`` (requirements/sessions §2) and asynchronous ``POST /v1/kyc/verify``
(requirements/platform §8.5).

Both open an ordinary verification session (the same domain as the session routes), store the
captures and request the checks. Instant runs the pipeline inline in a worker thread and answers
with the decision, or 202 "accepted, processing" when the run cannot finish in time (``api.work``:
the recorded request is processed all the same); ``/v1/kyc/verify`` queues a job on the JetStream
work queue and answers ``queued`` (``accepted`` when the queue is unreachable: the ledger holds it)
(result by ``GET /v1/kyc/verify/{job_id}`` and the webhook). Liveness is active by default, and active
liveness needs a challenge issued beforehand (``POST /v1/liveness/challenges`` with the checks): pass its
``challenge_id``, nonce and frames; without them the request is refused (422
``liveness_challenge_required``) rather than silently judged on a single photo.
"""

from __future__ import annotations

import time
from typing import Annotated, Any
from uuid import UUID, uuid4

from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter

from api.controllers.captures import accept_capture, request_checks
from api.controllers.product import in_thread, parse_session_id, product, session_view
from api.controllers.sessions import SESSION_VIEW_EXAMPLE
from api.errors import ApiProblem
from api.guards import client_access
from api.metering import meter
from api.openapi import body, ok
from api.params import Caller, Deps
from api.schemas.enums import CaptureTypeName
from api.schemas.modules import VerifyRequest
from api.schemas.sessions import CaptureUpload
from api.work import offer_job, run_or_accept
from domain.ports.decoded_uploads import handing_over
from domain.sessions.configuration import SessionConfiguration

JobId = Annotated[str, Parameter(description="job id (the session id)", max_length=64)]
_PROCESSING_EXAMPLE = {"id": SESSION_VIEW_EXAMPLE["id"], "status": "pending", "job_id": SESSION_VIEW_EXAMPLE["id"],
                       "job_status": "processing", "poll_url": f"/v1/sessions/{SESSION_VIEW_EXAMPLE['id']}",
                       "processing_ms": 30012, "usage": {"module": "workflow", "billed": True}}
_VERIFY_EXAMPLE = {"document_front": "/9j/4AAQSkZJRgABAQ...", "selfie": "/9j/4AAQSkZJRgABAQ...",
                   "checks": ["ocr", "face_match", "liveness"], "country": "MA"}


def refuse_other_expectation(recorded: SessionConfiguration, data: VerifyRequest) -> None:
    """A challenge's session records what it expects: ``country``/``document_type`` sent with the
    verification must be those sent with the challenge (or be left out)."""
    asked = SessionConfiguration.build(checks=["ocr"], country=data.country, document_type=data.document_type)
    if (data.country is not None and asked.expected_country != recorded.expected_country) or (
            data.document_type is not None and asked.expected_document_type != recorded.expected_document_type):
        raise ApiProblem(422, "expected_document_mismatch", "country and document_type belong to the challenge: "
                         "send them with POST /v1/liveness/challenges", field="country")


def open_verification(deps: Deps, principal: Caller, data: VerifyRequest) -> UUID:
    """Create (or reuse the challenge's) session, store every capture and request its checks."""
    tenant = principal.tenant_id
    if data.challenge_id is not None:
        session_id = parse_session_id(data.challenge_id)
        session = deps.ledger.get_session(tenant, session_id)
        if session.liveness_type != "active" or str(session.status) != "pending" or session.captures:
            raise ApiProblem(409, "challenge_not_usable", "the challenge is not open for a verification")
        if not data.frames_base64 or data.challenge_nonce is None:
            raise ApiProblem(422, "liveness_frames_missing", "send the frames answering the challenge, their "
                             "frame_offsets_ms and the challenge_nonce", field="frames_base64")
        refuse_other_expectation(session.config, data)
    else:
        if data.frames_base64:
            raise ApiProblem(422, "challenge_missing", "liveness frames answer a challenge: send challenge_id")
        configuration = SessionConfiguration.build(checks=data.checks, liveness_type=data.liveness_type,
                                                   country=data.country, document_type=data.document_type)
        if configuration.liveness_type == "active" and "liveness" in data.checks:
            # Active liveness (the default) needs a challenge issued before the frames are recorded.
            raise ApiProblem(422, "liveness_challenge_required", "active liveness needs a challenge: get one "
                             "with POST /v1/liveness/challenges (same checks and reference), record its actions, "
                             "then send challenge_id, challenge_nonce and the frames; or set liveness_type "
                             "passive (its pass counts as uncertain unless your policy accepts it)",
                             field="challenge_id")
        session_id = deps.ledger.create_session(tenant, configuration, data.reference, uuid4())
    captures: list[tuple[CaptureTypeName, str | None]] = [
        ("document_front", data.document_front), ("document_back", data.document_back), ("selfie", data.selfie)]
    for kind, image in captures:
        if image is not None:
            accept_capture(deps, tenant, session_id, CaptureUpload(type=kind, image_base64=image))
    if data.frames_base64:
        accept_capture(deps, tenant, session_id, CaptureUpload(
            type="liveness_frames", frames_base64=data.frames_base64, frame_offsets_ms=data.frame_offsets_ms,
            challenge_nonce=data.challenge_nonce))
    request_checks(deps, tenant, session_id)
    return session_id


def run_inline(deps: Deps, principal: Caller, session_id: UUID) -> dict[str, Any]:
    pipeline = product(deps).pipeline
    pipeline.process_session(principal.tenant_id, session_id, sandbox=principal.sandbox)
    pipeline.decide(session_id)
    return session_view(deps, deps.ledger.get_session(principal.tenant_id, session_id), principal.sandbox)


class VerifyController(Controller):
    path = "/v1"
    tags = ("verification",)
    guards = (client_access,)

    @post("/identity/verify", operation_id="verifyIdentityInstant", status_code=200,
          summary="Instant verification: all images in, the full result out (requirements/sessions). "
                  "When the run cannot "
                  "finish in time (KYC_INSTANT_TIMEOUT_S) or hits an outage after the session was recorded, the "
                  "answer is 202 accepted/processing with the session to poll (Location, poll_url): it is "
                  "processed all the same",
          responses={**ok(dict[str, Any], {**SESSION_VIEW_EXAMPLE, "processing_ms": 1140,
                                           "usage": {"module": "workflow", "billed": True}}),
                     **ok(dict[str, Any], _PROCESSING_EXAMPLE, status=202, description="Accepted, processing")})
    async def instant(self, request: Request[Any, Any, Any], deps: Deps, principal: Caller,
                      data: Annotated[VerifyRequest, body(_VERIFY_EXAMPLE)]) -> Response[dict[str, Any]]:
        started = time.perf_counter()
        with handing_over():  # the uploads' pixels go to the inline run (docs/targets.md §5: decoded once)
            session_id = await in_thread(open_verification, deps, principal, data)
            receipt = await in_thread(meter, request, "workflow")
            return await run_or_accept(deps, principal.tenant_id, session_id, principal.sandbox,
                                       deps.settings.instant_timeout_s, lambda: run_inline(deps, principal, session_id),
                                       {"usage": receipt.as_usage()}, started)

    @post("/kyc/verify", operation_id="verifyKycAsync", status_code=202,
          summary="Full workflow, asynchronous: answers a job id and queued (requirements/platform §8.5); the job is "
                  "recorded first, so it is processed even when the work queue is unreachable (status accepted)",
          responses=ok(dict[str, Any], {"job_id": SESSION_VIEW_EXAMPLE["id"], "status": "queued",
                                        "usage": {"module": "workflow", "billed": True}}, status=202,
                       description="Queued"))
    async def queue(self, request: Request[Any, Any, Any], deps: Deps, principal: Caller,
                    data: Annotated[VerifyRequest, body(_VERIFY_EXAMPLE)]) -> dict[str, Any]:
        session_id = await in_thread(open_verification, deps, principal, data)
        receipt = await in_thread(meter, request, "workflow")
        status = await offer_job(deps, principal.tenant_id, session_id, 1, principal.sandbox)
        return {"job_id": str(session_id), "status": status, "usage": receipt.as_usage()}

    @get("/kyc/verify/{job_id:str}", operation_id="getKycVerifyJob", sync_to_thread=True,
         summary="The job's session: status, checks, extracted data and decision",
         responses=ok(dict[str, Any], SESSION_VIEW_EXAMPLE))
    def job(self, deps: Deps, principal: Caller, job_id: JobId) -> dict[str, Any]:
        session = deps.ledger.get_session(principal.tenant_id, parse_session_id(job_id))
        return session_view(deps, session, principal.sandbox)

"""Capture uploads as ``multipart/form-data`` (images as multipart as well as base64 JSON).

Same rules as the JSON upload (``api.controllers.captures.accept_capture``): the image is sniffed,
size- and dimension-checked, re-encoded without metadata, stored encrypted under the session
subject's key and recorded as a capture; a restricted subject is refused. The HMAC signature covers
the raw multipart body exactly as sent. Liveness frames stay JSON (they need offsets and a nonce); a
liveness video (``type=video``, file field ``video``, field ``challenge_nonce``) takes the JSON
route's video path (``api.controllers.captures.accept_video``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal, cast
from uuid import UUID, uuid4

from litestar import Controller, Request, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body

from api.client_session import client_session
from api.controllers.captures import CAPTURE_ACCEPTED_EXAMPLE, accept_video, refuse_unwanted_capture
from api.controllers.client_sessions import sandbox_actor_suffix
from api.controllers.product import in_thread, parse_session_id, store_capture
from api.controllers.sessions import SessionId
from api.errors import ApiProblem
from api.guards import client_access
from api.media import MEDIA_ERROR_STATUS, media, media_problem
from api.multipart_form import read_capture_form
from api.openapi import ok
from api.params import Caller, ClientToken, Deps
from api.schemas.enums import CaptureTypeName
from api.schemas.sessions import CaptureAccepted
from domain.audit import CLIENT_TOKEN_ACTOR_PREFIX, audit_context
from domain.errors import DomainError
from domain.ports.media import MAX_IMAGE_BYTES, MAX_VIDEO_BYTES


@dataclass
class MultipartCapture:
    """``type``: document_front | document_back | selfie | address_proof with ``image`` (JPEG, PNG or WebP,
    max 10 MB; address_proof only for a session with require_address_proof), or video with ``video``
    (MP4 or WebM, max 10 MB, 15 s) and ``challenge_nonce``. ``image`` and ``video`` are file parts
    with or without a filename; the other fields are text."""

    type: Literal["document_front", "document_back", "selfie", "address_proof", "video"]
    image: UploadFile | None = None
    video: UploadFile | None = None
    challenge_nonce: str | None = None


Form = Annotated[MultipartCapture, Body(media_type=RequestEncodingType.MULTI_PART,
                                        description="form fields: type, image or video (file), challenge_nonce")]


async def _accept(deps: Deps, tenant_id: str, session_id: UUID, data: MultipartCapture) -> CaptureAccepted:
    if data.type == "video":
        if data.video is None:
            raise ApiProblem(422, "video_missing", "the video file field is required", field="video")
        video = await data.video.read(MAX_VIDEO_BYTES + 1)
        return await in_thread(accept_video, deps, tenant_id, session_id, video, data.challenge_nonce, "video")
    if data.image is None:
        raise ApiProblem(422, "image_missing", "the image file field is required", field="image")
    content = await data.image.read(MAX_IMAGE_BYTES + 1)
    return await in_thread(accept_image, deps, tenant_id, session_id, data.type, content)


def accept_image(deps: Deps, tenant_id: str, session_id: UUID, kind: str,
                 content: bytes) -> CaptureAccepted:
    session = deps.ledger.get_session(tenant_id, session_id)
    refuse_unwanted_capture(session, kind)
    try:
        image = media(deps).images.sanitize(content, "image")
    except DomainError as exc:
        raise media_problem(exc, MEDIA_ERROR_STATUS) from None
    digest = store_capture(deps, tenant_id, session_id, kind, image.content, image.media_type, image.metadata())
    return CaptureAccepted(session_id=str(session_id), type=cast(CaptureTypeName, kind), attempt=session.attempt,
                           content_sha256=digest, media_type=image.media_type, width=image.width, height=image.height)


class MultipartCaptureController(Controller):
    path = "/v1/sessions"
    tags = ("sessions",)
    guards = (client_access,)
    # the form is read by the capture rules (api/multipart_form.py); litestar calls the hook with the
    # request, mypy reads a function set on a class as a method:
    before_request = read_capture_form  # type: ignore[assignment]

    @post("/{session_id:str}/documents/multipart", operation_id="uploadSessionCaptureMultipart", status_code=201,
          summary="Upload a capture as multipart/form-data (type + image file; address_proof too)",
          responses=ok(CaptureAccepted, CAPTURE_ACCEPTED_EXAMPLE, status=201, description="Accepted"))
    async def upload(self, deps: Deps, principal: Caller, session_id: SessionId, data: Form) -> CaptureAccepted:
        return await _accept(deps, principal.tenant_id, parse_session_id(session_id), data)


class ClientMultipartCaptureController(Controller):
    path = "/client/sessions"
    tags = ("client capture",)
    before_request = read_capture_form  # type: ignore[assignment]

    @post("/{session_id:str}/documents/multipart", operation_id="clientUploadCaptureMultipart", status_code=201,
          summary="Upload a capture as multipart/form-data with the session's client token",
          responses=ok(CaptureAccepted, CAPTURE_ACCEPTED_EXAMPLE, status=201, description="Accepted"))
    async def upload(self, request: Request[Any, Any, Any], deps: Deps, session_id: SessionId, data: Form,
                     client_token: ClientToken = None,
                     ) -> CaptureAccepted:
        tenant_id, sid = await in_thread(client_session, deps, client_token, session_id)
        actor = f"{CLIENT_TOKEN_ACTOR_PREFIX}{sid}" + await in_thread(sandbox_actor_suffix, deps, tenant_id, sid)
        request_id = str((request.scope.get("state") or {}).get("trace_id") or uuid4().hex)
        with audit_context(tenant_id, actor, request_id):
            return await _accept(deps, tenant_id, sid, data)

"""Accepting captures and completing an attempt: the steps every capture route shares.

The session routes (``api.controllers.sessions``), the client-token routes
(``api.controllers.client_sessions``), the multipart, mobile, one-call verify and module routes all
upload through ``accept_capture`` and complete through ``request_checks``, so a capture is validated,
stored (encrypted) and recorded the same way whichever route brought it (docs/architecture.md §2:
api/ is thin and calls the ledger's commands).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from litestar.openapi.spec import Example
from litestar.params import Body

from api.controllers.product import read_image, store_capture
from api.errors import ApiProblem
from api.media import VIDEO_ERROR_STATUS, decode_base64_video, media, media_problem
from api.params import Deps
from api.schemas.sessions import CaptureAccepted, CaptureUpload
from domain.address_proof.capture import ensure_capture_wanted
from domain.errors import DomainError
from domain.ports.media import FRAMES_MEDIA_TYPE, LIVENESS_FRAME_MAX_SIDE, MAX_LIVENESS_FRAMES, LivenessFrames
from domain.sessions.configuration import DOCUMENT_READING_CHECKS
from domain.sessions.guards import ensure_capture_room

EXAMPLE_SESSION_ID = "0d6f3c1e-8a43-4d83-9d1a-2b1f4f0c9e21"
DOCUMENT_NEEDING = frozenset(str(c) for c in DOCUMENT_READING_CHECKS)
CAPTURE_ACCEPTED_EXAMPLE = {"session_id": EXAMPLE_SESSION_ID, "type": "selfie", "attempt": 1,
                            "media_type": "image/jpeg", "width": 720, "height": 960, "content_sha256": "3f" * 32,
                            "frames": None}
UPLOAD_EXAMPLE = {"type": "selfie", "image_base64": "/9j/4AAQSkZJRgABAQ..."}
UPLOAD_BODY = Body(examples=[
    Example(summary="selfie", value=UPLOAD_EXAMPLE),
    Example(summary="address_proof (session created with require_address_proof: true)",
            value={"type": "address_proof", "image_base64": "iVBORw0KGgoAAAANSUhEUgAA..."})])


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
    # Capped at intake (domain.ports.media, docs/targets.md §5): the stored frame is what the models judge.
    images = [read_image(deps, f, f"frames_base64[{i}]", max_side=LIVENESS_FRAME_MAX_SIDE)
              for i, f in enumerate(frames)]
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

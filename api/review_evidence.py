"""What a reviewer sees of a case: every attempt's captures, extracted fields, checks with their
reasons and model provenance, screening hits beside the list entry, the policy's decision and the
review so far. Images are decrypted from the blob store on demand, one request per image (or
liveness frame), never embedded in the JSON, so each look at a face is its own access record; each is
decoded and re-encoded as it is served, never served as uploaded (requirements/platform §6).

A reviewer sees cases that are, or were, in manual review; an auto-approved case is not theirs to
browse. Another tenant's session is not found, as everywhere.
"""

from __future__ import annotations

from dataclasses import asdict
from enum import Enum
from typing import Any
from uuid import UUID

from api.controllers.product import check_view, extracted_view, product
from api.decision_view import decision_history_view, decision_view
from api.deps import ApiDependencies
from api.errors import ApiProblem
from api.media import media
from domain.errors import DomainError
from domain.ports.blobs import session_subject_id
from domain.ports.media import FRAMES_MEDIA_TYPE
from domain.sessions import topics
from domain.sessions.aggregate import VerificationSession
from services.review.document_fields import field_comparisons


def _json(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    return value


def reviewable(session: VerificationSession) -> None:
    """Only cases routed to manual review (now or at some attempt) are open to reviewers."""
    if str(session.status) != "manual_review" and not session.review_history and session.review_decision is None:
        raise ApiProblem(404, "not_found", "no review case for this session")


def _screening(deps: ApiDependencies, result: dict[str, Any] | None, sandbox: bool) -> list[dict[str, Any]]:
    if result is None:
        return []
    lookup = deps.services.review_watchlist
    hits = []
    for hit in result.get("details", {}).get("hits", []):
        entry = lookup.entry(str(hit["list"]), str(hit["entry_id"]), sandbox) if lookup is not None else None
        hits.append({**hit, "entry": _json(asdict(entry)) if entry is not None else None})
    return hits


def _captures(session_id: UUID, attempt: int, captures: list[dict[str, Any]]) -> list[dict[str, Any]]:
    views = []
    for index, capture in enumerate(captures):
        url = f"/v1/reviews/{session_id}/captures/{attempt}/{index}"
        metadata = capture.get("metadata") or {}
        frames = int(metadata.get("frames") or 0) if capture["kind"] == "liveness_frames" else 0
        views.append({"index": index, "kind": capture["kind"], "content_sha256": capture["content_sha256"],
                      "media_type": metadata.get("media_type"), "width": metadata.get("width"),
                      "height": metadata.get("height"), "received_at": metadata.get("received_at"),
                      "url": None if frames else url,
                      "frame_urls": [f"{url}/frames/{n}" for n in range(frames)]})
    return views


def _notes(events: list[Any]) -> list[dict[str, Any]]:
    """The reviewers' notes, decrypted ("[erased]" once the subject's key is shredded)."""
    return [{"attempt": e.attempt, "reviewer": {"id": e.reviewer, "name": e.reviewer_name},
             "at": e.timestamp.isoformat(), "note": "[erased]" if e.note.is_erased else e.note.value}
            for e in events if isinstance(e, VerificationSession.ReviewNoted)]


def _mrz_recorded(events: list[Any], attempt: int) -> bool:
    """Whether the attempt's extracted data holds the raw MRZ (the fields it carries came from it)."""
    return any(getattr(type(e), "TOPIC", "") == topics.DOCUMENT_DATA_EXTRACTED and getattr(e, "attempt", 0) == attempt
               and "mrz" in getattr(e, "fields", {}) for e in events)


def evidence(deps: ApiDependencies, session: VerificationSession, sandbox: bool) -> dict[str, Any]:
    """The reviewer's view of the case (decrypted fields; images by URL)."""
    reviewable(session)
    events = list(deps.ledger.events.get(session.id))
    attempts = []
    for attempt in sorted(set(session.captures) | set(session.results) | set(session.decisions)):
        results = session.results.get(attempt, {})
        decided = session.decisions.get(attempt)
        extracted = extracted_view(events, attempt)
        attempts.append({
            "attempt": attempt,
            "captures": _captures(session.id, attempt, session.captures.get(attempt, [])),
            "extracted_data": extracted,
            "field_comparisons": field_comparisons(extracted, _mrz_recorded(events, attempt), results),
            "checks": [{**check_view(r), "details": r["details"]} for r in results.values()],
            "screening_hits": _screening(deps, results.get("screening"), sandbox),
            "policy_decision": None if decided is None else {
                "policy_hash": decided["policy_hash"], **{k: decided["outcome"].get(k) for k in (
                    "decision", "route", "score", "score_breakdown", "rules", "reason_codes", "user_message_code")}},
        })
    return {"id": str(session.id), "status": str(session.status), "queue": session.review_queue,
            "attempt": session.attempt, "reference": session.reference,
            "created_at": session.created_at.isoformat(),
            "claimed_by": {"id": session.reviewer, "name": session.reviewer_name} if session.reviewer else None,
            "review_history": list(session.review_history), "attempts": attempts, "notes": _notes(events),
            "decision": decision_view(session), "decision_history": decision_history_view(session)}


def capture_content(deps: ApiDependencies, session: VerificationSession, attempt: int, index: int,
                    frame: int | None) -> tuple[bytes, str]:
    """(bytes, media type) of one captured image or one liveness frame, decrypted now and re-encoded."""
    reviewable(session)
    captures = session.captures.get(attempt, [])
    if not 0 <= index < len(captures):
        raise ApiProblem(404, "not_found", "no such capture")
    capture = captures[index]
    blob = product(deps).blobs.get(session_subject_id(session.tenant, session.id), str(capture["blob_ref"]))
    is_frames = (capture.get("metadata") or {}).get("media_type") == FRAMES_MEDIA_TYPE
    if is_frames != (frame is not None):
        raise ApiProblem(404, "not_found", "liveness answers are served frame by frame" if is_frames
                         else "this capture has no frames")
    if frame is not None:
        frames = media(deps).frames.unpack(blob).frames
        if not 0 <= frame < len(frames):
            raise ApiProblem(404, "not_found", "no such frame")
        blob = frames[frame]
    try:  # re-encoded for the browser: a stored image is never served as uploaded (requirements/platform §6)
        shown = media(deps).images.rewritten(blob, "capture")
    except DomainError:
        raise ApiProblem(422, "capture_not_an_image", "this capture holds no image") from None
    return shown.content, shown.media_type

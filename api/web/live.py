"""A session's live status for the capture page, as server-sent events (seed 000 "Realtime").

Event names are seed 000's (``scan.status.updated``, ``liveness.status.updated``,
``manual_review.requested``) plus ``decision.made``, ``retry.requested`` and the final statuses, as
``projections.status_events`` names them for NATS and webhooks. The stream follows the session's
own events in the ledger (the source the NATS relay also follows) and each message carries the
page's PII-reduced progress view (``api.web.progress``), so a reconnect needs no replay.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import anyio
import anyio.to_thread
from litestar.response import ServerSentEventMessage

from api.deps import ApiDependencies
from api.web.progress import capture_progress
from projections.status_events import (
    CHECK_STATUS,
    DECISION_MADE,
    LIVENESS_STATUS,
    MANUAL_REVIEW_REQUESTED,
    RETRY_REQUESTED,
    REVIEW_DECIDED,
    SCAN_STATUS,
    SESSION_CANCELLED,
    SESSION_CREATED,
    SESSION_EXPIRED,
)

POLL_SECONDS = 0.4
HEARTBEAT_SECONDS = 15.0
_SCAN = frozenset({"ocr", "data_validation", "fraud", "quality", "age_verification", "document_front",
                   "document_back", "address_proof"})
_FACE = frozenset({"liveness", "face_match", "selfie", "liveness_frames", "video"})
_BY_TOPIC = {"Created": SESSION_CREATED, "DecisionMade": DECISION_MADE,
             "ManualReviewRequested": MANUAL_REVIEW_REQUESTED, "ReviewDecided": REVIEW_DECIDED,
             "RetryRequested": RETRY_REQUESTED, "Expired": SESSION_EXPIRED, "Cancelled": SESSION_CANCELLED}
FINAL = frozenset({"verified", "failed", "expired", "cancelled"})


def event_name(event: Any) -> str | None:
    """The live event name of a session event, or None when it changes nothing the page shows."""
    topic = str(getattr(type(event), "TOPIC", "")).rsplit(".", 1)[-1]
    if topic in _BY_TOPIC:
        return _BY_TOPIC[topic]
    if topic in ("CaptureRecorded", "CheckRequested", "CheckCompleted"):
        subject = getattr(event, "kind", None) or getattr(event, "check", None) \
            or (getattr(event, "result", None) or {}).get("check")
        return SCAN_STATUS if subject in _SCAN else LIVENESS_STATUS if subject in _FACE else CHECK_STATUS
    return None


def _read(deps: ApiDependencies, tenant_id: str, session_id: UUID, after: int) -> tuple[int, list[str], dict[str, Any]]:
    events = list(deps.ledger.events.get(session_id, gt=after))
    names = [n for n in (event_name(e) for e in events) if n is not None]
    last = events[-1].originator_version if events else after
    return last, names, capture_progress(deps, tenant_id, session_id) if events else {}


async def session_stream(deps: ApiDependencies, tenant_id: str, session_id: UUID,
                         after: int = 0) -> AsyncIterator[ServerSentEventMessage]:
    """Messages for every status change after version ``after``, until the session is final."""
    version, quiet = after, 0.0
    while True:
        version_now, names, progress = await anyio.to_thread.run_sync(_read, deps, tenant_id, session_id, version)
        if names:
            data = json.dumps({"events": names, "progress": progress}, separators=(",", ":"))
            yield ServerSentEventMessage(data=data, event=names[-1], id=str(version_now))
            quiet = 0.0
        version = version_now
        if progress.get("status") in FINAL:
            return
        await anyio.sleep(POLL_SECONDS)
        quiet += POLL_SECONDS
        if quiet >= HEARTBEAT_SECONDS:
            yield ServerSentEventMessage(comment="keep-alive")
            quiet = 0.0

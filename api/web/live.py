"""A session's live status for the capture page, as server-sent events (requirements/capture §4 "Realtime").

Event names are those of requirements/capture §4 (``scan.status.updated``, ``liveness.status.updated``,
``manual_review.requested``) plus ``decision.made``, ``retry.requested`` and the final statuses, as
``projections.status_events`` names them for NATS and webhooks. The stream follows the session's
own events as the NATS relay publishes them ("over SSE or WebSocket fed from NATS; polling
only as a fallback"): when the composition root hands in a :class:`SessionEventFeed` as
``ApiServices.session_feed``, the stream subscribes to ``kyc.<tenant>.sessions.<id>.>``, then catches
up from the ledger, then sends one message per relay message (or burst), named and versioned from
the ledger state it announced, with the progress of that same state; it reads the ledger unprompted
only when the feed stays silent for ``RELAY_LAG_SECONDS`` (relay down or behind) or cannot be
opened. Without a feed it polls the ledger. Each message carries the page's PII-reduced progress
view (``api.web.progress``) and the session version as its SSE id, so a reconnect
(``Last-Event-ID``) needs no replay.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any
from uuid import UUID

import anyio
import anyio.to_thread
from litestar.response import ServerSentEventMessage

from api.params import Deps
from api.ports import SessionEventSubscription
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

log = logging.getLogger("kycledger.web.live")

POLL_SECONDS = 0.4
RELAY_LAG_SECONDS = 2.0  # a feed silent this long: read the ledger once (the relay may be down or behind)
BURST = 64  # messages already delivered are sent as one SSE message with one progress read
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
    if topic in ("CaptureRecorded", "CaptureCarriedOver", "CheckRequested", "CheckCompleted"):
        subject = getattr(event, "kind", None) or getattr(event, "check", None) \
            or (getattr(event, "result", None) or {}).get("check")
        return SCAN_STATUS if subject in _SCAN else LIVENESS_STATUS if subject in _FACE else CHECK_STATUS
    return None


def _read(deps: Deps, tenant_id: str, session_id: UUID, after: int) -> tuple[int, list[str], dict[str, Any]]:
    events = list(deps.ledger.events.get(session_id, gt=after))
    if not events:
        return after, [], {}
    while True:  # names and progress of one state: no event may land between the two reads unnamed
        progress = capture_progress(deps, tenant_id, session_id)
        newer = list(deps.ledger.events.get(session_id, gt=events[-1].originator_version))
        if not newer:
            break
        events += newer
    names = [n for n in (event_name(e) for e in events) if n is not None]
    return events[-1].originator_version, names, progress


def _message(names: list[str], progress: dict[str, Any], version: int) -> ServerSentEventMessage:
    data = json.dumps({"events": names, "progress": progress}, separators=(",", ":"))
    return ServerSentEventMessage(data=data, event=names[-1], id=str(version))


def _version(payload: dict[str, Any]) -> int:
    return int(str(payload.get("event_id", "")).rsplit(":", 1)[-1] or 0)


async def _polled(deps: Deps, tenant_id: str, session_id: UUID,
                  after: int) -> AsyncIterator[ServerSentEventMessage]:
    version, quiet = after, 0.0
    while True:
        version_now, names, progress = await anyio.to_thread.run_sync(_read, deps, tenant_id, session_id, version)
        if names:
            yield _message(names, progress, version_now)
            quiet = 0.0
        version = version_now
        if progress.get("status") in FINAL:
            return
        await anyio.sleep(POLL_SECONDS)
        quiet += POLL_SECONDS
        if quiet >= HEARTBEAT_SECONDS:
            yield ServerSentEventMessage(comment="keep-alive")
            quiet = 0.0


async def _fed(deps: Deps, subscription: SessionEventSubscription, tenant_id: str, session_id: UUID,
               after: int) -> AsyncIterator[ServerSentEventMessage]:
    # Subscribed before this catch-up read, so no message falls between the two; anything the
    # ledger already showed arrives again from the relay and is dropped by its version.
    version, quiet = after, 0.0
    lagging = True  # read the ledger once now (catch-up), then only when the feed is silent
    while True:
        if lagging:
            version_now, names, progress = await anyio.to_thread.run_sync(_read, deps, tenant_id, session_id, version)
        else:
            payload = await subscription.next(RELAY_LAG_SECONDS)
            if payload is None:
                lagging, quiet = True, quiet + RELAY_LAG_SECONDS
                if quiet >= HEARTBEAT_SECONDS:
                    yield ServerSentEventMessage(comment="keep-alive")
                    quiet = 0.0
                continue
            fresh = [payload]
            while len(fresh) < BURST and (more := await subscription.next(0)) is not None:
                fresh.append(more)
            if max(_version(p) for p in fresh) <= version:
                continue  # already sent (caught up from the ledger before the relay published it)
            # The relay's message says the session moved: one read gives the names of every event
            # since the last message with the progress of that same state (a burst is one message).
            version_now, names, progress = await anyio.to_thread.run_sync(_read, deps, tenant_id, session_id, version)
        if names:
            yield _message(names, progress, version_now)
            quiet = 0.0
        version, lagging = max(version, version_now), False
        if progress.get("status") in FINAL:
            return


async def session_stream(deps: Deps, tenant_id: str, session_id: UUID,
                         after: int = 0) -> AsyncIterator[ServerSentEventMessage]:
    """Messages for every status change after version ``after``, until the session is final."""
    feed = deps.services.session_feed
    async with AsyncExitStack() as stack:
        subscription: SessionEventSubscription | None = None
        if feed is not None:
            try:
                subscription = await stack.enter_async_context(feed.subscribe(tenant_id, str(session_id)))
            except Exception:  # the feed is an optimisation: the ledger always has the truth
                log.warning("live feed unavailable for session %s; polling the ledger", session_id, exc_info=True)
        stream = _polled(deps, tenant_id, session_id, after) if subscription is None \
            else _fed(deps, subscription, tenant_id, session_id, after)
        async for message in stream:
            yield message

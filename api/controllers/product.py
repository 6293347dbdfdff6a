"""What the product routes need beyond the platform: services, image intake, capture storage, views.

The API may not import ``ops``; the composition root hands these services in as
``ApiServices.product``: the verification use cases (``services.verification``) by their own types,
the work queue through the ``JobQueue`` Protocol.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

import anyio.to_thread

from api.decision_view import decision_history_view, decision_view
from api.deps import not_wired
from api.errors import ApiProblem
from api.media import MEDIA_ERROR_STATUS, image_from_base64, media, media_problem
from api.params import Deps
from api.ports import ProductServices
from api.restriction import refuse_if_restricted
from domain.checks import CheckResult
from domain.errors import DomainError, NotFoundError
from domain.personal_data import PersonalData
from domain.ports.blobs import session_subject_id
from domain.ports.decoded_uploads import hand_over
from domain.ports.media import SanitizedImage
from domain.sessions import topics
from domain.sessions.aggregate import VerificationSession
from domain.sessions.challenges import session_challenge

T = TypeVar("T")
def product(deps: Deps) -> ProductServices:
    services = deps.services.product
    if services is None:
        raise not_wired("product")
    return services


async def in_thread(fn: Callable[..., T], *args: Any) -> T:
    """Blocking work (models, ledger I/O) off the event loop; the audit context goes along."""
    return await anyio.to_thread.run_sync(lambda: fn(*args))


def read_image(deps: Deps, text: str | None, field: str, *, required: bool = True,
               max_side: int | None = None) -> SanitizedImage | None:
    """A sanitized image from a base64 field (shrunk to ``max_side`` when larger), or a 4xx problem with
    the media error's code. Its decoded pixels are handed to this request's checks (when the route
    opened a ``handing_over`` block: docs/targets.md §5, decoded once)."""
    if text is None:
        if required:
            raise ApiProblem(422, "image_missing", f"{field} is required", field=field)
        return None
    try:
        image = image_from_base64(media(deps).images, text, field, max_side)
    except DomainError as exc:
        raise media_problem(exc, MEDIA_ERROR_STATUS) from None
    if image.pixels is not None:
        hand_over(image.content, image.pixels)
    return image


def parse_session_id(value: str) -> UUID:
    """Session ids in paths; a malformed one is simply not found (no oracle on the format)."""
    try:
        return UUID(value)
    except ValueError:
        raise NotFoundError("session not found") from None


def store_capture(deps: Deps, tenant_id: str, session_id: UUID, kind: str, content: bytes,
                  media_type: str, metadata: Mapping[str, object]) -> str:
    """Store media encrypted under the session subject's key and record the capture event."""
    blobs = product(deps).blobs
    refuse_if_restricted(deps.ledger, tenant_id, session_subject_id(tenant_id, session_id), deps.clock())
    stored = blobs.put(session_subject_id(tenant_id, session_id), content, media_type)
    deps.ledger.record_capture(tenant_id, session_id, kind, stored.content_sha256, stored.ref,
                               {**metadata, "received_at": deps.clock().isoformat()})
    return stored.content_sha256


def check_view(result: Mapping[str, Any]) -> dict[str, Any]:
    return {"check": result["check"], "outcome": result["outcome"], "scores": result["scores"],
            "reasons": result["reasons"], "sandbox": bool(result["details"].get("sandbox", False)),
            "models": result["models"]}


def result_view(result: CheckResult) -> dict[str, Any]:
    return {"check": str(result.check), "outcome": str(result.outcome), "scores": dict(result.scores),
            "reasons": list(result.reasons), "sandbox": bool(result.details.get("sandbox", False)),
            "models": [{"name": m.name, "version": m.version, "weights_sha256": m.weights_sha256}
                       for m in result.models]}


def extracted_view(events: Sequence[object], attempt: int) -> dict[str, str]:
    """Decrypted extracted data of an attempt (the owner's view); erased values read as such."""
    values: dict[str, str] = {}
    for recorded in events:
        if getattr(type(recorded), "TOPIC", "") != topics.DOCUMENT_DATA_EXTRACTED:
            continue
        if getattr(recorded, "attempt", 0) != attempt:
            continue
        fields: Mapping[str, PersonalData] = getattr(recorded, "fields", {})
        for name, value in fields.items():
            if name == "mrz":
                continue  # the raw MRZ repeats the fields; callers get the parsed values
            values[name] = "[erased]" if value.is_erased else value.value
    return values


def session_view(deps: Deps, session: VerificationSession, sandbox: bool) -> dict[str, Any]:
    """requirements/sessions §6 "Handling results": status, checks with outcomes, extracted data, decision and
    reasons."""
    events = list(deps.ledger.events.get(session.id))
    attempt = session.attempt
    challenge = session_challenge(product(deps).challenges, session, events)
    # After a retry the new attempt has no results yet: show the decided attempt's until it does.
    shown = attempt if session.results.get(attempt) or attempt == 1 else attempt - 1
    checks = session.results.get(shown, {})
    return {
        "id": str(session.id), "status": str(session.status), "attempt": attempt,
        "reference": session.reference, "subject_id": session_subject_id(session.tenant, session.id),
        "expires_at": session.expires_at.isoformat(), "liveness_type": session.liveness_type,
        "checks_requested": session.required_checks,
        "captures": sorted({str(c["kind"]) for c in session.captures.get(attempt, [])}),
        "checks_attempt": shown,
        "checks": [check_view(r) for r in checks.values()],
        "extracted_data": extracted_view(events, shown),
        # One story on every channel: the reviewer's decision once one decided, the policy's before;
        # every decision stays in the history (projections.decision_story).
        "decision": decision_view(session),
        "decision_history": decision_history_view(session),
        "review": session.review_decision,
        "retries_left": session.retries_left,
        "challenge": challenge.to_record() if challenge and str(session.status) == "pending" else None,
        "sandbox": sandbox,
    }


def now_iso(clock: Callable[[], datetime]) -> str:
    return clock().isoformat()

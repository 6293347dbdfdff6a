"""What the capture page may see of its session: progress, the person's own OCR fields, the outcome.

Built from the same scan view the mobile routes serve (``api.controllers.mobile``: requirements/capture §3
``IDScanResult``), reduced for a browser holding only a client token: the OCR fields the person
confirms (name, date of birth, expiry; requirements/capture §1 "Show extracted OCR data for confirmation"), which
steps are done, and the decision as the person is told it (``api.outcome_view``: the policy's message
and what to do next). Never a per-check outcome (match, liveness, address, screening), a score, a
route or a reason code (requirements/pipeline §10 "Never reveal fraud details"): those are for the tenant's server.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.controllers.mobile import scan_view
from api.controllers.product import product
from api.deps import ApiDependencies
from api.outcome_view import answered_attempt, person_decision
from domain.sessions.challenges import session_challenge


def _face(session: Any, attempt: int) -> dict[str, Any]:
    """Whether the face step ran (never how it went) and whether the session compares faces at all."""
    results = session.results.get(attempt, {})
    return {"match_requested": "face_match" in session.required_checks,
            "checked": "liveness" in results or "face_match" in results}


def _address(session: Any, attempt: int) -> dict[str, Any]:
    """requirements/pipeline §1 ``require_address_proof``: whether the step is needed and done (never how it went)."""
    captured = any(str(c["kind"]) == "address_proof" for c in session.captures.get(attempt, []))
    return {"required": bool(session.configuration.get("require_address_proof")), "captured": captured}


def _quality(session: Any, attempt: int) -> dict[str, Any] | None:
    """The capture quality gate's verdict on the scanned document, with its guidance codes, so that the
    scan step shows a failed capture at once (docs/requirements/pipeline.md §3: retaken with guidance)
    instead of after the selfie. ``None`` until the document was checked."""
    quality = session.results.get(attempt, {}).get("quality")
    if quality is None:
        return None
    return {"passed": quality["outcome"] == "pass", "guidance": list(quality["reasons"])}


def _document_kept(session: Any, attempt: int) -> bool:
    """The attempt reuses the document scanned before (a selfie or liveness retry): no new scan."""
    return any(c.get("carried_from") and c["kind"] == "document_front" for c in session.captures.get(attempt, []))


def capture_progress(deps: ApiDependencies, tenant_id: str, session_id: UUID) -> dict[str, Any]:
    """The page's view of the session's current attempt."""
    session = deps.ledger.get_session(tenant_id, session_id)
    events = list(deps.ledger.events.get(session_id))
    attempt = session.attempt
    # A decision may open the next attempt at once (retry, active challenge): until the person captures
    # something in it, the page shows the decided attempt's result and message (as api session_view does).
    shown = answered_attempt(session)
    fresh = shown != attempt
    scan = scan_view(deps, tenant_id, session_id, shown)
    challenge = session_challenge(product(deps).challenges, session, events)
    status = str(session.status)
    return {
        "id": str(session_id), "status": status, "attempt": attempt, "retries_left": session.retries_left,
        "liveness_type": session.liveness_type, "checks": list(session.required_checks),
        "accepted_documents": list(session.configuration.get("accepted_documents", [])),
        "captures": sorted({str(c["kind"]) for c in session.captures.get(attempt, [])}),
        "challenge": challenge.to_record() if challenge and status == "pending" else None,
        "scan": {"status": scan["status"], "name": scan["ocr"]["name"], "dob": scan["ocr"]["dob"],
                 "expiry": scan["ocr"]["expiry"], "id_type": scan["idType"], "mrz_found": scan["mrzFound"],
                 "pdf417_found": scan["pdf417Found"], "kept": _document_kept(session, attempt),
                 "quality": _quality(session, shown)},
        "face": _face(session, shown),
        "address": _address(session, shown),
        "decision": person_decision(session, shown),
        "next_attempt_open": fresh and status == "pending",
        "review_requested": status == "manual_review",
        # Attempts the policy did not accept, counted by the server so that "request manual review
        # after repeated failure" (requirements/capture §1) holds on another device or after a reload; the server
        # refuses the request before then (domain.sessions.steering), this only says when to offer it.
        "failed_attempts": session.failed_attempts,
        "manual_review_available": session.manual_review_available,
        "expires_at": session.expires_at.isoformat(),
        # A sandbox key opened the session: its results are simulated (ops.sandbox), and the page says so.
        "sandbox": deps.ledger.session_environment(session_id) == "sandbox",
    }

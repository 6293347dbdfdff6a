"""What the capture page may see of its session: progress, the user's own OCR fields, the verdict.

Built from the same views the mobile routes serve (``api.controllers.mobile``: seed 000
``IDScanResult`` and ``LivenessCheckResult``), reduced for a browser holding only a client token:
the OCR fields the person confirms (name, date of birth, expiry; seed 000 "Show extracted OCR data
for confirmation"), Match/Mismatch, liveness pass/fail, and the policy's user-facing message.
Never scores, reason codes or fraud details (seed 002: rejection messages never reveal fraud logic).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.client_token import session_challenge
from api.controllers.mobile import scan_view
from api.controllers.product import product
from api.decision_view import decision_view
from api.deps import ApiDependencies


def _decision(session: Any, attempt: int) -> dict[str, Any] | None:
    reviewed = decision_view(session) if session.review_decision is not None else None
    if reviewed is not None:  # a reviewer's outcome is the one the person is told, after a reload too
        return {"decision": reviewed["decision"], "route": reviewed["route"], "user_message": reviewed["user_message"],
                "retry_step": None, "attempt": reviewed["attempt"], "decided_by": "review"}
    decided = session.decisions.get(attempt)
    if decided is None:
        return None
    outcome = decided["outcome"]
    return {"decision": outcome["decision"], "route": outcome["route"], "user_message": outcome["user_message"],
            "retry_step": outcome.get("retry_step"), "attempt": attempt, "decided_by": "policy"}


def _face(session: Any, attempt: int) -> dict[str, Any]:
    results = session.results.get(attempt, {})
    live, match = results.get("liveness"), results.get("face_match")
    return {"liveness": live["outcome"] if live else "pending", "match": bool(match and match["outcome"] == "pass"),
            "match_requested": "face_match" in session.required_checks,
            "checked": live is not None or match is not None}


def _address(session: Any, attempt: int) -> dict[str, Any]:
    """Seed 002 ``require_address_proof``: whether the step is needed, done, and how it went."""
    result = session.results.get(attempt, {}).get("address_proof")
    captured = any(str(c["kind"]) == "address_proof" for c in session.captures.get(attempt, []))
    return {"required": bool(session.configuration.get("require_address_proof")), "captured": captured,
            "outcome": result["outcome"] if result else "pending"}


def capture_progress(deps: ApiDependencies, tenant_id: str, session_id: UUID) -> dict[str, Any]:
    """The page's view of the session's current attempt."""
    session = deps.ledger.get_session(tenant_id, session_id)
    events = list(deps.ledger.events.get(session_id))
    attempt = session.attempt
    # A decision may open the next attempt at once (retry, active challenge): until that attempt has
    # captures, the page shows the decided attempt's result and message (as api session_view does).
    fresh = attempt > 1 and not session.captures.get(attempt) and (attempt - 1) in session.decisions
    shown = attempt - 1 if fresh else attempt
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
                 "pdf417_found": scan["pdf417Found"]},
        "face": _face(session, shown),
        "address": _address(session, shown),
        "decision": _decision(session, shown),
        "next_attempt_open": fresh and status == "pending",
        "review_requested": status == "manual_review",
        # Attempts the policy did not accept, counted by the server so that "request manual review
        # after repeated failure" (seed 000) holds on another device or after a reload.
        "failed_attempts": sum(1 for d in session.decisions.values() if d["outcome"]["decision"] != "accepted"),
        "expires_at": session.expires_at.isoformat(),
        # A sandbox key opened the session: its results are simulated (ops.sandbox), and the page says so.
        "sandbox": deps.ledger.session_environment(session_id) == "sandbox",
    }

"""What a decision tells the person being verified (requirements/pipeline §10).

The person hears the policy's user message and what to do next, never a per-check outcome, score, route
or reason code (requirements/pipeline §10 "Never reveal fraud details"; docs/architecture.md §8: the person never sees
per-check signals). Those stay for the tenant's server (``GET /v1/sessions/{id}`` with the API key, the
webhooks and NATS) and its reviewers.

A compliance escalation is shown to the person exactly as an ordinary manual review: the same status,
message and next step, and the same refusals (``domain.sessions.steering``). Reviews are common (a weak
face match, an unreadable field), so "under review" says nothing about screening; any other text for an
escalated case would single it out and tell the person of the hit before the compliance officer has
decided (most screening hits are cleared). The recorded decision keeps the sanctions message of requirements/pipeline
§10 for the tenant.
"""

from __future__ import annotations

from typing import Any

from api.decision_view import decision_view
from domain.sessions.aggregate import VerificationSession
from domain.sessions.values import Route
from policies.messages import USER_MESSAGES

# What the person does next after a decision: "done" (verified), "retry" (a new attempt is open, see
# ``retry_step``), "wait" (a person reviews the case) or "none" (nothing more to do here).
NEXT_STEP: dict[str, str] = {"auto_approve": "done", "retry": "retry", "active_challenge": "retry",
                             "manual_review": "wait", "compliance_escalation": "wait", "reject": "none"}


def person_decision(session: VerificationSession, attempt: int) -> dict[str, Any] | None:
    """The decision of ``attempt`` as the person is told it: message, next step and whether a person
    (a reviewer) or the policy decided it, nothing else.

    Once a reviewer decided, the reviewer's outcome is the one the person is told, after a reload too
    (``projections.decision_story``: one story on every channel)."""
    reviewed = decision_view(session) if session.review_decision is not None else None
    if reviewed is not None:
        accepted = reviewed["decision"] == "accepted"
        return {"attempt": reviewed["attempt"], "user_message": reviewed["user_message"],
                "next_step": "done" if accepted else "none", "retry_step": None, "decided_by": "review"}
    decided = session.decisions.get(attempt)
    if decided is None:
        return None
    outcome = decided["outcome"]
    escalated = outcome["route"] == Route.COMPLIANCE_ESCALATION
    message = USER_MESSAGES["under_review"] if escalated else outcome["user_message"]
    return {"attempt": attempt, "user_message": message, "next_step": NEXT_STEP.get(str(outcome["route"]), "none"),
            "retry_step": outcome.get("retry_step"), "decided_by": "policy"}


def answered_attempt(session: VerificationSession) -> int:
    """The attempt the last step answered: the current one, or the one just decided while the attempt its
    decision opened (retry, active challenge) has nothing new in it (a document kept from the decided
    attempt does not count), so a face mismatch reads as that attempt's result, not a silent new attempt."""
    attempt = session.attempt
    own = [c for c in session.captures.get(attempt, []) if not c.get("carried_from")]
    if attempt > 1 and (attempt - 1) in session.decisions and not own and not session.results.get(attempt):
        return attempt - 1
    return attempt

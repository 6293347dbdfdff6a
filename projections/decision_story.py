"""One story of a session's decision for every channel (API, SSE, capture page, NATS, webhooks).

The policy decides each attempt; a reviewer's decision supersedes the policy's decision of the
attempt under review. The session's ``decision`` is the one in force: the reviewer's once a
reviewer decided, else the policy's latest. ``decision_history`` keeps every decision in the
order they were made, the policy's records marked with what superseded them, so nothing the
policy said is lost from view (docs/architecture.md §3: corrections are new events).

Built from the session aggregate's state alone (pure), so every channel agrees by construction.
"""

from __future__ import annotations

from typing import Any

from domain.sessions.aggregate import VerificationSession

BY_POLICY = "policy"
BY_REVIEW = "review"


def _policy_record(attempt: int, decided: dict[str, Any], superseded_by: str | None) -> dict[str, Any]:
    outcome = decided["outcome"]
    return {"attempt": attempt, "decided_by": BY_POLICY, "decision": outcome["decision"], "route": outcome["route"],
            "score": outcome["score"], "reasons": list(outcome.get("reason_codes", [])),
            "user_message_code": outcome.get("user_message_code"), "user_message": outcome.get("user_message"),
            "retry_step": outcome.get("retry_step"), "policy_hash": decided["policy_hash"],
            "superseded_by": superseded_by}


def _review_record(session: VerificationSession, review: dict[str, Any]) -> dict[str, Any]:
    attempt = int(review["attempt"])
    policy = session.decisions.get(attempt)
    reviewers = [{"id": a["id"], "name": a["name"]} for a in review.get("approvals") or []] or \
        [{"id": review["reviewer"], "name": review.get("reviewer_name")}]
    return {"attempt": attempt, "decided_by": BY_REVIEW, "decision": review["decision"],
            "route": policy["outcome"]["route"] if policy else None,
            "score": policy["outcome"]["score"] if policy else None, "reasons": [review["reason"]],
            "user_message_code": review.get("user_message_code"), "retry_step": None, "reviewers": reviewers,
            "supersedes": {"decision": policy["outcome"]["decision"], "route": policy["outcome"]["route"],
                           "policy_hash": policy["policy_hash"]} if policy else None}


def decision_history(session: VerificationSession) -> list[dict[str, Any]]:
    """Every decision of the session, oldest first; a superseded one says what superseded it."""
    superseded = {int(s["attempt"]): str(s["by"]) for s in session.superseded}
    history = [_policy_record(attempt, decided, superseded.get(attempt))
               for attempt, decided in sorted(session.decisions.items())]
    if session.review_decision is not None:
        history.append(_review_record(session, session.review_decision))
    return history


def current_decision(session: VerificationSession) -> dict[str, Any] | None:
    """The decision in force: a reviewer's, or the policy's latest (the one a retry has not yet
    replaced by a new attempt's own)."""
    if session.review_decision is not None:
        return _review_record(session, session.review_decision)
    attempt = session.attempt
    decided = session.decisions.get(attempt) or (session.decisions.get(attempt - 1) if attempt > 1 else None)
    if decided is None:
        return None
    shown = attempt if attempt in session.decisions else attempt - 1
    return _policy_record(shown, decided, None)

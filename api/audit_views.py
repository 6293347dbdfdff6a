"""How the audit routes present a stored event and a decision's provenance (no personal data).

A timeline line joins the stored form (position, hashes, inclusion proof: what an auditor checks)
with the domain event's metadata (actor, request, time) and its thin status summary
(``projections.status_events``). A decision line carries what the decision read and why: the policy
document it ran under, the ids and content hashes of its inputs, every rule's outcome and the score
breakdown (docs/architecture.md §3).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.audit import is_sandbox_actor
from domain.sessions import topics
from projections.status_events import status_message
from projections.view import LedgerEntry

_SUMMARY_DROPPED = frozenset({"ledger", "tenant_id", "session_id", "occurred_at", "event_id"})


def timeline_entry(event: Any, stored: Mapping[str, Any]) -> dict[str, Any]:
    entry = LedgerEntry(int(stored["notification_id"]), int(stored["position"]), str(stored["entry_hash"]))
    message = status_message(event, entry)
    summary = {k: v for k, v in message.payload.items() if k not in _SUMMARY_DROPPED} if message else {}
    return {
        "position": entry.position, "notification_id": entry.notification_id,
        "version": int(stored["originator_version"]), "topic": stored["topic"],
        "recorded_at": event.timestamp.isoformat(), "actor": event.actor, "request_id": event.request_id,
        "sandbox": is_sandbox_actor(event.actor), "prev_hash": stored["prev_hash"],
        "entry_hash": stored["entry_hash"], "inclusion_proof": list(stored["inclusion_proof"]), "summary": summary,
    }


def decision_provenance(event: Any, stored: Mapping[str, Any], policies: Mapping[str, Any]) -> dict[str, Any]:
    outcome: Mapping[str, Any] = event.outcome
    return {
        "attempt": int(event.attempt), "position": int(stored["position"]), "policy_hash": event.policy_hash,
        "policy": policies.get(event.policy_hash), "inputs": list(event.inputs),
        "decision": outcome.get("decision"), "route": outcome.get("route"), "score": outcome.get("score"),
        "accept_threshold": outcome.get("accept_threshold"), "review_threshold": outcome.get("review_threshold"),
        "score_breakdown": list(outcome.get("score_breakdown", [])), "rules": list(outcome.get("rules", [])),
        "reason_codes": list(outcome.get("reason_codes", [])), "user_message_code": outcome.get("user_message_code"),
    }


REVIEW_TOPICS = (topics.REVIEW_DECISION_PROPOSED, topics.REVIEW_DECIDED)


def review_provenance(event: Any, stored: Mapping[str, Any]) -> dict[str, Any]:
    """A reviewer's proposal or decision with the people who made it, at its chain position."""
    decided = str(stored["topic"]).endswith("ReviewDecided")
    return {"position": stored["position"], "attempt": event.attempt, "step": "decided" if decided else "proposed",
            "decision": event.decision, "reason": event.reason,
            "reviewer": {"id": event.reviewer, "name": event.reviewer_name},
            "approvals": list(event.approvals) if decided else [],
            "four_eyes": None if decided else event.four_eyes}

"""The session's decision as the API and the capture page show it (``projections.decision_story``),
with the user-facing text of each message code (``policies.messages``)."""

from __future__ import annotations

from typing import Any

from domain.sessions.aggregate import VerificationSession
from policies.messages import USER_MESSAGES
from projections.decision_story import current_decision, decision_history


def _view(record: dict[str, Any]) -> dict[str, Any]:
    code = record.get("user_message_code")
    view = {"attempt": record["attempt"], "decided_by": record["decided_by"], "decision": record["decision"],
            "route": record["route"], "score": record["score"], "reasons": record["reasons"],
            "user_message": USER_MESSAGES.get(str(code), record.get("user_message")),
            "retry_step": record.get("retry_step"), "policy_hash": record.get("policy_hash")}
    if record["decided_by"] == "review":
        view |= {"reviewers": record["reviewers"], "supersedes": record["supersedes"]}
    else:
        view["superseded_by"] = record["superseded_by"]
    return view


def decision_view(session: VerificationSession) -> dict[str, Any] | None:
    """The decision in force: the reviewer's once one decided, else the policy's."""
    record = current_decision(session)
    return None if record is None else _view(record)


def decision_history_view(session: VerificationSession) -> list[dict[str, Any]]:
    """Every decision, oldest first (the policy's stays when a reviewer's supersedes it)."""
    return [_view(r) for r in decision_history(session)]

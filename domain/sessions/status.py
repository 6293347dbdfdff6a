"""Session statuses (requirements/sessions §5 "Verification statuses") and the legal transitions between them.

pending -> verified | failed | manual_review | expired | cancelled (and pending again on a retry)
manual_review -> verified | failed | cancelled | pending (reviewer asks for re-submission, requirements/pipeline §9
"Needs more info"). verified, failed, expired and cancelled are final (requirements/sessions §5).
"""

from __future__ import annotations

from enum import StrEnum

from domain.sessions.errors import IllegalTransitionError


class SessionStatus(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    FAILED = "failed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    MANUAL_REVIEW = "manual_review"


FINAL_STATUSES: frozenset[SessionStatus] = frozenset(
    {SessionStatus.VERIFIED, SessionStatus.FAILED, SessionStatus.EXPIRED, SessionStatus.CANCELLED}
)

LEGAL_TRANSITIONS: dict[SessionStatus, frozenset[SessionStatus]] = {
    SessionStatus.PENDING: frozenset(
        {
            SessionStatus.PENDING,
            SessionStatus.VERIFIED,
            SessionStatus.FAILED,
            SessionStatus.MANUAL_REVIEW,
            SessionStatus.EXPIRED,
            SessionStatus.CANCELLED,
        }
    ),
    SessionStatus.MANUAL_REVIEW: frozenset(
        {
            SessionStatus.MANUAL_REVIEW,
            SessionStatus.VERIFIED,
            SessionStatus.FAILED,
            SessionStatus.CANCELLED,
            SessionStatus.PENDING,
        }
    ),
    SessionStatus.VERIFIED: frozenset(),
    SessionStatus.FAILED: frozenset(),
    SessionStatus.EXPIRED: frozenset(),
    SessionStatus.CANCELLED: frozenset(),
}


def is_legal(current: SessionStatus, target: SessionStatus) -> bool:
    return target in LEGAL_TRANSITIONS[current]


def ensure_transition(current: SessionStatus, target: SessionStatus, action: str) -> None:
    """Raise ``IllegalTransitionError`` unless ``current -> target`` is an edge of the graph."""
    if not is_legal(current, target):
        raise IllegalTransitionError(
            f"cannot {action}: session is {current.value}",
            status=current.value,
            target=target.value,
            action=action,
        )

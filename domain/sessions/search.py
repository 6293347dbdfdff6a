"""Finding a tenant's sessions by period, status, route and reviewer, a page at a time: the rules.

The audit view (docs/architecture.md §8: auditors read timelines) and the bank's own systems need
to find cases without knowing their ids. Sessions are listed in the order the ledger recorded their
creation (oldest first); a page ends with an opaque cursor holding the ledger position (the
notification id of the last listed session's ``Created``) to resume after, so a page is stable
while new sessions arrive.

This module holds what a search means, as pure functions: the query and its validation, the cursor,
whether a session ``matches`` and its listed ``summary``. The search itself
(``services.search.sessions``) finds candidates in an index read model and re-checks each on the
session aggregate with these functions.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.errors import InvalidArgumentError
from domain.sessions.aggregate import VerificationSession
from domain.sessions.status import SessionStatus
from domain.sessions.values import Route

MAX_PAGE = 200
_CURSOR_PREFIX = "after:"


class CursorInvalidError(InvalidArgumentError):
    """A cursor this service did not hand out (or that was altered)."""

    code = "cursor_invalid"


@dataclass(frozen=True)
class SessionQuery:
    """What to find: sessions created in [start, end) matching every filter given."""

    start: datetime | None = None
    end: datetime | None = None
    status: str | None = None
    route: str | None = None
    reviewer: str | None = None  # a member id: who claimed, proposed or decided the case's review
    limit: int = 50
    after: int = 0  # the ledger position (notification id) the previous page ended at

    def __post_init__(self) -> None:
        for moment in (self.start, self.end):
            if moment is not None and moment.utcoffset() is None:
                raise InvalidArgumentError("from and to need a time zone offset")
        if self.start is not None and self.end is not None and not self.start < self.end:
            raise InvalidArgumentError("from must precede to")
        if self.status is not None and self.status not in set(SessionStatus):
            raise InvalidArgumentError("unknown status", allowed=sorted(SessionStatus))
        if self.route is not None and self.route not in set(Route):
            raise InvalidArgumentError("unknown route", allowed=sorted(Route))
        if not 1 <= self.limit <= MAX_PAGE:
            raise InvalidArgumentError(f"limit must be 1-{MAX_PAGE}")


@dataclass(frozen=True)
class SessionPage:
    sessions: list[dict[str, Any]]
    next_cursor: str | None


def encode_cursor(position: int) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{position}".encode()).decode("ascii").rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """The ledger position a cursor resumes after; 0 (the start) without one."""
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise CursorInvalidError("cursor is not one this service handed out") from None
    number = text.removeprefix(_CURSOR_PREFIX)
    if not text.startswith(_CURSOR_PREFIX) or not number.isdigit() or len(number) > 19:
        raise CursorInvalidError("cursor is not one this service handed out")
    return int(number)


def latest_route(session: VerificationSession) -> str | None:
    """The route the policy's most recent decision took (None before any decision)."""
    if not session.decisions:
        return None
    return str(session.decisions[max(session.decisions)]["outcome"]["route"])


def reviewers_of(session: VerificationSession) -> list[dict[str, Any]]:
    """Every person who claimed, proposed or decided the session's review, once each, first first."""
    seen: dict[str, dict[str, Any]] = {}
    for step in session.review_history:
        person = step.get("reviewer") or {}
        if person.get("id") and person["id"] not in seen:
            seen[person["id"]] = {"id": person["id"], "name": person.get("name")}
    return list(seen.values())


def summary(session: VerificationSession) -> dict[str, Any]:
    """A listed session: where it stands and who touched it; nothing personal (names are staff)."""
    review = session.review_decision
    policy = session.decisions.get(max(session.decisions)) if session.decisions else None
    decided = {"by": "reviewer", "decision": review["decision"], "attempt": review["attempt"]} if review else (
        {"by": "policy", "decision": policy["outcome"]["decision"], "attempt": max(session.decisions)}
        if policy else None)
    return {"id": str(session.id), "status": str(session.status), "created_at": session.created_at.isoformat(),
            "reference": session.reference, "attempt": session.attempt, "route": latest_route(session),
            "decision": decided, "review_queue": session.review_queue, "reviewers": reviewers_of(session)}


def matches(session: VerificationSession, query: SessionQuery) -> bool:
    """Whether a session of the right tenant satisfies every filter of ``query``."""
    if query.start is not None and session.created_at < query.start:
        return False
    if query.end is not None and session.created_at >= query.end:
        return False
    if query.status is not None and str(session.status) != query.status:
        return False
    if query.route is not None and latest_route(session) != query.route:
        return False
    return query.reviewer is None or any(p["id"] == query.reviewer for p in reviewers_of(session))

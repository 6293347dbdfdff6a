"""The session search's query on its index: candidate sessions in creation order, one tenant at a time.

``indexed_sessions`` walks ``rm_session_index`` (or, with a reviewer, ``rm_session_reviewers``) along
the indexes declared in ``projections.schema``: tenant and environment first, then the status or
route when one is asked for, in the ledger's creation order, from the cursor on, a page at a time.
Every walk is bound to the caller's tenant: another tenant's rows never answer, whatever the
cursor or the reviewer id.
"""

from __future__ import annotations

import heapq
from typing import Any

from domain.sessions.search import SessionQuery
from projections.schema import SESSION_INDEX, SESSION_REVIEWERS
from projections.session_index import LIVE, SANDBOX, epoch_microseconds
from projections.view import Row, ViewReader

REVIEWER_CHUNK = 200  # reviewer links read per step when status, route or period filters skip some


def _period(query: SessionQuery) -> dict[str, tuple[int | None, int | None]]:
    if query.start is None and query.end is None:
        return {}
    low = epoch_microseconds(query.start) if query.start is not None else None
    high = epoch_microseconds(query.end) if query.end is not None else None
    return {"created_at_us": (low, high)}


def _fits(row: Row, query: SessionQuery) -> bool:
    """The index-level filters a reviewer link cannot check itself: status, route and period."""
    low, high = _period(query).get("created_at_us", (None, None))
    return ((query.status is None or row["status"] == query.status)
            and (query.route is None or row["route"] == query.route)
            and (low is None or row["created_at_us"] >= low) and (high is None or row["created_at_us"] < high))


def _walk(reader: ViewReader, tenant_id: str, environment: str, query: SessionQuery, after: int,
          limit: int) -> list[Row]:
    if query.reviewer is None:
        where: dict[str, Any] = {"tenant_id": tenant_id, "environment": environment}
        where |= {k: v for k, v in (("status", query.status), ("route", query.route)) if v is not None}
        return reader.select_after(SESSION_INDEX, where, "created_id", after, limit, _period(query))
    found: list[Row] = []
    links = {"tenant_id": tenant_id, "environment": environment, "member_id": query.reviewer}
    while len(found) < limit:
        chunk = reader.select_after(SESSION_REVIEWERS, links, "created_id", after, REVIEWER_CHUNK)
        for link in chunk:
            row = reader.get(SESSION_INDEX, (link["session_id"],))
            if row is not None and row["tenant_id"] == tenant_id and _fits(row, query):
                found.append(row)
        if len(chunk) < REVIEWER_CHUNK:
            break
        after = chunk[-1]["created_id"]
    return found[:limit]


def indexed_sessions(reader: ViewReader, tenant_id: str, environment: str | None, query: SessionQuery,
                     after: int, limit: int) -> list[Row]:
    """At most ``limit`` index rows of the tenant's sessions created after ledger position ``after``
    that match ``query``'s period, status, route and reviewer, in creation order.

    ``environment`` is the calling key's (``live`` or ``sandbox``), or None for a person signed in to
    the console, who sees both: the two environments are walked apart and merged in creation order.
    """
    environments = [environment] if environment is not None else [LIVE, SANDBOX]
    pages = [_walk(reader, tenant_id, e, query, after, limit) for e in environments]
    return list(heapq.merge(*pages, key=lambda row: int(row["created_id"])))[:limit]

"""Listing a tenant's sessions by period, status, route and reviewer, with cursor pagination.

``GET /v1/sessions`` for the bank's servers (its integration key, through ``SessionController``;
the key's environment, sandbox or live, bounds what is listed) and ``GET /v1/audit/sessions`` for
its auditors, whose every search is recorded in the access log (docs/architecture.md §8: every
auditor read is recorded). Both call ``services.search.sessions`` (an index read model, each result
re-read from the ledger); another tenant's sessions are never listed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.params import QueryParameter

from api.access_log import record_read
from api.dto import Dto
from api.errors import ApiProblem
from api.guards import auditor_access
from api.openapi import ok
from api.params import Caller, Deps
from api.services import session_search
from domain.sessions.search import MAX_PAGE, SessionQuery, decode_cursor
from domain.sessions.status import SessionStatus
from domain.sessions.values import Route

_SID = "0d6f3c1e-8a43-4d83-9d1a-2b1f4f0c9e21"
_PAGE: dict[str, Any] = {
    "sessions": [{"id": _SID, "status": "verified", "created_at": "2026-01-01T12:00:00+00:00",
                  "reference": "customer-42", "attempt": 1, "route": "manual_review",
                  "decision": {"by": "reviewer", "decision": "accepted", "attempt": 1}, "review_queue": "operations",
                  "reviewers": [{"id": "mem_0123456789abcdef", "name": "Riley Reviewer"}]}],
    "next_cursor": "YWZ0ZXI6NDI",
}

# ISO 8601 date and time, as text (a missing offset is refused by the query itself): a plain number is
# not a moment (the query's type conversion would otherwise read one as a Unix timestamp).
ISO_MOMENT = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?$"
From = Annotated[str | None, QueryParameter(
    name="from", required=False, pattern=ISO_MOMENT, schema_extra={"format": "date-time"},
    description="created at or after (ISO 8601 with offset)")]
To = Annotated[str | None, QueryParameter(
    name="to", required=False, pattern=ISO_MOMENT, schema_extra={"format": "date-time"},
    description="created before (ISO 8601 with offset)")]
Status = Annotated[str | None, QueryParameter(
    required=False, max_length=32, schema_extra={"enum": [str(s) for s in SessionStatus]},
    description=f"current status: {', '.join(SessionStatus)}")]
RouteFilter = Annotated[str | None, QueryParameter(
    required=False, max_length=32, schema_extra={"enum": [str(r) for r in Route]},
    description=f"route of the policy's latest decision: {', '.join(Route)}")]
ReviewerFilter = Annotated[str | None, QueryParameter(
    required=False, max_length=64, description="member id of a person who claimed, proposed or decided the review")]
Limit = Annotated[int, QueryParameter(ge=1, le=MAX_PAGE, description="sessions per page")]
Cursor = Annotated[str | None, QueryParameter(
    required=False, max_length=64, description="next_cursor of the previous page")]


class SessionPageOut(Dto, frozen=True, kw_only=True):
    sessions: list[dict[str, Any]]
    next_cursor: str | None


def _moment(name: str, text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:  # the pattern holds but the date does not exist (month 13, February 30)
        raise ApiProblem(400, "validation_error", f"{name} is not a date and time that exists",
                         field=name) from None


def _search(deps: Deps, tenant_id: str, start: str | None, end: str | None, status: str | None,
            route: str | None, reviewer: str | None, limit: int, cursor: str | None) -> SessionPageOut:
    query = SessionQuery(start=_moment("from", start), end=_moment("to", end), status=status, route=route,
                         reviewer=reviewer, limit=limit,
                         after=decode_cursor(cursor))
    page = session_search(deps).search(tenant_id, query)
    return SessionPageOut(sessions=page.sessions, next_cursor=page.next_cursor)


class SessionListing:
    """The integration key's listing of its own sessions: mixed into ``SessionController``, which owns
    the ``/v1/sessions`` path (a path has one controller: litestar registers its OPTIONS once)."""

    @get("", operation_id="listSessions", sync_to_thread=True,
         summary="The tenant's sessions created in [from, to) with the given status, route and reviewer, "
                 "oldest first; follow next_cursor for the next page",
         responses=ok(SessionPageOut, _PAGE))
    def list_sessions(self, deps: Deps, principal: Caller, start: From = None, end: To = None,
                      status: Status = None, route: RouteFilter = None, reviewer: ReviewerFilter = None,
                      limit: Limit = 50, cursor: Cursor = None) -> SessionPageOut:
        return _search(deps, principal.tenant_id, start, end, status, route, reviewer, limit, cursor)


class AuditSessionListController(Controller):
    """The auditors' search; each search is a recorded read."""

    path = "/v1/audit/sessions"
    tags = ("audit",)
    guards = (auditor_access,)

    @get("", operation_id="auditListSessions", sync_to_thread=True,
         summary="Find the tenant's sessions by period, status, route and reviewer (the search is recorded)",
         responses=ok(SessionPageOut, _PAGE))
    def list_sessions(self, request: Request[Any, Any, Any], deps: Deps, principal: Caller, start: From = None,
                      end: To = None, status: Status = None, route: RouteFilter = None,
                      reviewer: ReviewerFilter = None, limit: Limit = 50, cursor: Cursor = None) -> SessionPageOut:
        page = _search(deps, principal.tenant_id, start, end, status, route, reviewer, limit, cursor)
        scope = "&".join(f"{k}={v}" for k, v in (("from", start), ("to", end), ("status", status), ("route", route),
                                                  ("reviewer", reviewer), ("cursor", cursor)) if v is not None)
        record_read(deps, request, principal, "session_search", (scope or "all")[:200])
        return page

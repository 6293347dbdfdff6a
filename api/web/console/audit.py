"""The console's audit view for auditors, as themselves: find sessions, read a session's proven
timeline, replay and what-if its decisions, download its evidence bundle, and see who looked at it.

The same reads as ``/v1/audit`` (``api.controllers.audit``) and the session search
(``services.search.sessions``), reached with the person's console session; auditors only read
(docs/architecture.md §8), and every read, this access log included, is itself an ``AuditAccess``
event naming the person.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.params import Body, Parameter, QueryParameter

from api.access_log import record_read
from api.auth import Principal
from api.controllers.audit import WhatIfRequest, session_audit
from api.controllers.product import parse_session_id
from api.deps import ApiDependencies
from api.errors import ApiProblem
from api.params import Deps
from api.services import evidence, session_search
from api.web.console.controller import request_id, signed_in
from api.web.console.cookies import require_csrf
from domain.audit import audit_context
from domain.people.console_commands import ConsolePerson
from domain.sessions.search import MAX_PAGE, SessionQuery, decode_cursor
from policies.document import PolicyDocument
from policies.replay import replay_session, what_if_session

SessionId = Annotated[str, Parameter(max_length=64)]
ACCESS_TOPIC = "kycledger.audit.AuditAccessRecorded"
Optional = Annotated[str | None, QueryParameter(required=False, max_length=64)]


def auditing(request: Request[Any, Any, Any], deps: ApiDependencies, csrf: bool = False) -> ConsolePerson:
    person, token = signed_in(request, deps)
    if "auditor" not in person.roles:
        raise ApiProblem(403, "auditor_role_required", "the audit view is for auditors")
    if csrf:
        require_csrf(request.scope, token)
    return person


def recorded(deps: ApiDependencies, request: Request[Any, Any, Any], person: ConsolePerson, resource: str,
             scope: str) -> None:
    principal = Principal(tenant_id=person.tenant_id, key_id="console", role="auditor", sandbox=False,
                          member_id=person.member_id, member_name=person.display_name)
    with audit_context(person.tenant_id, person.actor, request_id(request)):
        record_read(deps, request, principal, resource, scope[:200])


def access_log(deps: ApiDependencies, tenant_id: str, session_id: UUID) -> list[dict[str, Any]]:
    """Every recorded read of the session (its case, images, timeline, bundle, replays), oldest first."""
    ledger, found, start = deps.ledger, [], 1
    while batch := ledger.notification_log.select(start, ledger.log_section_size, topics=[ACCESS_TOPIC]):
        for item in batch:
            read: Any = ledger.mapper.to_domain_event(item)
            if getattr(read, "owner_tenant_id", None) == tenant_id and str(read.scope).startswith(str(session_id)):
                found.append({"at": read.timestamp.isoformat(), "resource": read.resource, "scope": read.scope,
                              "role": read.role, "person": {"id": read.member_id, "name": read.member_name},
                              "key_id": read.key_id})
        start = batch[-1].id + 1
    return found


class ConsoleAuditController(Controller):
    """Search, timeline, replay, what-if, bundle and access log for the signed-in auditor."""

    path = "/console/api/audit"
    tags = ("console",)
    include_in_schema = False

    @get("/sessions", operation_id="consoleAuditSearch", sync_to_thread=True)
    def search(self, request: Request[Any, Any, Any], deps: Deps,
               start: Annotated[datetime | None, QueryParameter(name="from", required=False)] = None,
               end: Annotated[datetime | None, QueryParameter(name="to", required=False)] = None,
               status: Optional = None, route: Optional = None, reviewer: Optional = None,
               limit: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)] = 50, cursor: Optional = None,
               ) -> dict[str, Any]:
        person = auditing(request, deps)
        query = SessionQuery(start=start, end=end, status=status or None, route=route or None,
                             reviewer=reviewer or None, limit=limit, after=decode_cursor(cursor))
        page = session_search(deps).search(person.tenant_id, query)
        scope = "&".join(f"{k}={v}" for k, v in (("from", start), ("to", end), ("status", status), ("route", route),
                                                  ("reviewer", reviewer)) if v)
        recorded(deps, request, person, "session_search", scope or "all")
        return {"sessions": page.sessions, "next_cursor": page.next_cursor}

    @get("/sessions/{session_id:str}", operation_id="consoleAuditSession", sync_to_thread=True)
    def session(self, request: Request[Any, Any, Any], deps: Deps, session_id: SessionId) -> dict[str, Any]:
        person = auditing(request, deps)
        sid = parse_session_id(session_id)
        answer = session_audit(deps, person.tenant_id, sid)
        recorded(deps, request, person, "session_audit", str(sid))
        return answer

    @get("/sessions/{session_id:str}/replay", operation_id="consoleAuditReplay", sync_to_thread=True)
    def replay(self, request: Request[Any, Any, Any], deps: Deps, session_id: SessionId) -> dict[str, Any]:
        person = auditing(request, deps)
        sid = parse_session_id(session_id)
        deps.ledger.get_session(person.tenant_id, sid)
        results = replay_session(list(deps.ledger.events.get(sid)),
                                 lambda h: deps.ledger.policy_document(person.tenant_id, h))
        recorded(deps, request, person, "session_replay", str(sid))
        return {"reproduced": all(r.reproduced for r in results),
                "decisions": [{"attempt": r.attempt, "policy_hash": r.policy_hash, "reproduced": r.reproduced,
                               "differences": list(r.differences)} for r in results]}

    @post("/sessions/{session_id:str}/what-if", operation_id="consoleAuditWhatIf", sync_to_thread=True,
          status_code=200)
    def what_if(self, request: Request[Any, Any, Any], deps: Deps, session_id: SessionId,
                data: Annotated[WhatIfRequest, Body()]) -> dict[str, Any]:
        person = auditing(request, deps, csrf=True)  # a POST only because it carries a document: it writes nothing
        sid = parse_session_id(session_id)
        deps.ledger.get_session(person.tenant_id, sid)
        results = what_if_session(list(deps.ledger.events.get(sid)), PolicyDocument.from_dict(data.policy))
        recorded(deps, request, person, "session_what_if", str(sid))
        return {"changed": any(r.changed for r in results),
                "decisions": [{"attempt": r.attempt, "changed": r.changed, "recorded": dict(r.recorded),
                               "proposed": dict(r.proposed)} for r in results]}

    @get("/sessions/{session_id:str}/bundle", operation_id="consoleAuditBundle", sync_to_thread=True)
    def bundle(self, request: Request[Any, Any, Any], deps: Deps, session_id: SessionId) -> Response[Any]:
        person = auditing(request, deps)
        sid = parse_session_id(session_id)
        deps.ledger.get_session(person.tenant_id, sid)
        answer = evidence(deps).bundle(person.tenant_id, session_id=sid)
        recorded(deps, request, person, "session_bundle", str(sid))
        return Response(answer, headers={"Content-Disposition": f'attachment; filename="evidence-{sid}.json"',
                                         "Cache-Control": "no-store"})

    @get("/sessions/{session_id:str}/access-log", operation_id="consoleAuditAccessLog", sync_to_thread=True)
    def accesses(self, request: Request[Any, Any, Any], deps: Deps, session_id: SessionId) -> dict[str, Any]:
        person = auditing(request, deps)
        sid = parse_session_id(session_id)
        deps.ledger.get_session(person.tenant_id, sid)
        reads = access_log(deps, person.tenant_id, sid)  # before this read is recorded: it lists the others
        recorded(deps, request, person, "session_access_log", str(sid))
        return {"reads": reads}

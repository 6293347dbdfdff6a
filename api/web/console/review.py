"""The console's review queue and case view for reviewers and compliance officers, as themselves.

The same commands and evidence as ``/v1/reviews`` (``api.controllers.review``,
``api.review_evidence``), reached with the person's console session instead of a key: every claim
and decision runs in the person's audit context (actor ``console:<member id>``), and every look at
a case or one of its images is an ``AuditAccess`` event naming the person (docs/architecture.md
§8: reviewers see the evidence of their cases; every view is recorded). Images are answered with
``Cache-Control: no-store``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import Body, Parameter, QueryParameter

from api.access_log import record_read
from api.auth import Principal
from api.controllers.product import parse_session_id
from api.controllers.review import case_view, review_queue
from api.deps import ApiDependencies
from api.dto import Dto
from api.errors import ApiProblem
from api.params import Deps
from api.review_evidence import capture_content, evidence, reviewable
from api.schemas.sessions import CODE
from api.web.console.controller import request_id, signed_in
from api.web.console.cookies import require_csrf
from domain.audit import audit_context
from domain.people.console_commands import ConsolePerson
from domain.sessions.review import Reviewer

SessionId = Annotated[str, Parameter(max_length=64)]
NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
REVIEW_ROLES = ("compliance", "reviewer")


class ConsoleDecision(Dto, frozen=True, kw_only=True):
    decision: Annotated[str, msgspec.Meta(pattern="^(accepted|rejected)$")]
    reason: Annotated[str, CODE]
    note: Annotated[str, msgspec.Meta(max_length=2000)] = ""


def reviewing(request: Request[Any, Any, Any], deps: ApiDependencies, csrf: bool = False) -> ConsolePerson:
    """The signed-in person, who must hold a review role (and, for a change, send the CSRF token)."""
    person, token = signed_in(request, deps)
    if not any(r in person.roles for r in REVIEW_ROLES):
        raise ApiProblem(403, "reviewer_role_required", "reviews are for reviewers and compliance officers")
    if csrf:
        require_csrf(request.scope, token)
    return person


def as_principal(person: ConsolePerson) -> Principal:
    """The person as the access log records readers: the console is their channel, not a key."""
    role = next(r for r in REVIEW_ROLES if r in person.roles)
    return Principal(tenant_id=person.tenant_id, key_id="console", role=role, sandbox=False,
                     member_id=person.member_id, member_name=person.display_name)


def recorded_read(deps: ApiDependencies, request: Request[Any, Any, Any], person: ConsolePerson, resource: str,
                  scope: str) -> None:
    """The access-log event of a look, in the person's audit context."""
    with audit_context(person.tenant_id, person.actor, request_id(request)):
        record_read(deps, request, as_principal(person), resource, scope)


def as_reviewer(person: ConsolePerson) -> Reviewer:
    return Reviewer(member_id=person.member_id, display_name=person.display_name,
                    compliance="compliance" in person.roles, credential=person.actor)


def console_urls(value: Any) -> Any:
    """The evidence's image URLs, pointed at the console's own image routes."""
    if isinstance(value, dict):
        return {k: console_urls(v) for k, v in value.items()}
    if isinstance(value, list):
        return [console_urls(v) for v in value]
    if isinstance(value, str) and value.startswith("/v1/reviews/"):
        return "/console/api/cases/" + value.removeprefix("/v1/reviews/")
    return value


class ConsoleReviewController(Controller):
    """Queue, case, images, claim and decision for the signed-in reviewer."""

    path = "/console/api"
    tags = ("console",)
    include_in_schema = False

    @get("/queue", operation_id="consoleQueue", sync_to_thread=True)
    def queue(self, request: Request[Any, Any, Any], deps: Deps,
              queue: Annotated[str | None, QueryParameter(required=False, max_length=32)] = None,
              assignee: Annotated[str, QueryParameter(pattern="^(any|me|unassigned)$")] = "any",
              older_than_minutes: Annotated[int, QueryParameter(ge=0, le=525_600)] = 0,
              route: Annotated[str | None, QueryParameter(required=False, max_length=32)] = None,
              max_score: Annotated[float | None, QueryParameter(required=False, ge=0, le=100)] = None,
              ) -> dict[str, Any]:
        person = reviewing(request, deps)
        now = deps.ledger.clock()
        cases = []
        for case in review_queue(deps, person.tenant_id):
            session = deps.ledger.get_session(person.tenant_id, parse_session_id(case["id"]))
            holder = (case["claimed_by"] or {}).get("id")
            if queue is not None and case["queue"] != queue:
                continue
            if (assignee == "me" and holder != person.member_id) or (assignee == "unassigned" and holder):
                continue
            if now - session.created_at < timedelta(minutes=older_than_minutes):
                continue
            decided = session.decisions.get(session.attempt) or {}
            outcome = decided.get("outcome") or {}
            if route is not None and outcome.get("route") != route:
                continue
            if max_score is not None and (outcome.get("score") is None or outcome["score"] > max_score):
                continue  # risk: the lower the policy's score, the riskier the case
            cases.append({**case, "created_at": session.created_at.isoformat(), "route": outcome.get("route"),
                          "score": outcome.get("score"), "reason_codes": outcome.get("reason_codes", [])})
        return {"cases": cases, "me": person.member_id}

    @get("/cases/{session_id:str}", operation_id="consoleCase", sync_to_thread=True)
    def case(self, request: Request[Any, Any, Any], deps: Deps, session_id: SessionId) -> dict[str, Any]:
        person = reviewing(request, deps)
        sid = parse_session_id(session_id)
        session = deps.ledger.get_session(person.tenant_id, sid)
        sandbox = deps.ledger.session_environment(sid) == "sandbox"
        answer = {**console_urls(evidence(deps, session, sandbox)), "review": case_view(session),
                  "me": person.member_id}
        for attempt in answer["attempts"]:  # the face match's reference, cropped on request (below)
            fronts = any(c["kind"] == "document_front" for c in attempt["captures"])
            attempt["portrait_url"] = f"/console/api/cases/{sid}/portrait/{attempt['attempt']}" if fronts else None
        recorded_read(deps, request, person, "review_evidence", str(sid))
        return answer

    @get("/cases/{session_id:str}/captures/{attempt:int}/{index:int}", operation_id="consoleCapture",
         sync_to_thread=True, media_type="image/jpeg")
    def capture(self, request: Request[Any, Any, Any], deps: Deps, session_id: SessionId,
                attempt: Annotated[int, Parameter(ge=1, le=1000)],
                index: Annotated[int, Parameter(ge=0, le=1000)]) -> Response[bytes]:
        return self._image(request, deps, session_id, attempt, index, None)

    @get("/cases/{session_id:str}/captures/{attempt:int}/{index:int}/frames/{frame:int}",
         operation_id="consoleFrame", sync_to_thread=True, media_type="image/jpeg")
    def frame(self, request: Request[Any, Any, Any], deps: Deps, session_id: SessionId,
              attempt: Annotated[int, Parameter(ge=1, le=1000)], index: Annotated[int, Parameter(ge=0, le=1000)],
              frame: Annotated[int, Parameter(ge=0, le=1000)]) -> Response[bytes]:
        return self._image(request, deps, session_id, attempt, index, frame)

    @get("/cases/{session_id:str}/portrait/{attempt:int}", operation_id="consolePortrait", sync_to_thread=True,
         media_type="image/jpeg")
    def portrait(self, request: Request[Any, Any, Any], deps: Deps, session_id: SessionId,
                 attempt: Annotated[int, Parameter(ge=1, le=1000)]) -> Response[bytes]:
        """The document portrait the face match compared with the selfie (``services.review.portrait``)."""
        person = reviewing(request, deps)
        sid = parse_session_id(session_id)
        session = deps.ledger.get_session(person.tenant_id, sid)
        reviewable(session)
        portraits = deps.services.review_portraits
        if portraits is None:
            raise ApiProblem(404, "document_portrait_not_found", "this deployment crops no portraits")
        content = portraits.portrait(session, attempt)
        recorded_read(deps, request, person, "review_portrait", f"{sid}/{attempt}")
        return Response(content, media_type="image/jpeg", headers=NO_STORE)

    @staticmethod
    def _image(request: Request[Any, Any, Any], deps: ApiDependencies, session_id: str, attempt: int, index: int,
               frame: int | None) -> Response[bytes]:
        person = reviewing(request, deps)
        sid = parse_session_id(session_id)
        session = deps.ledger.get_session(person.tenant_id, sid)
        content, media_type = capture_content(deps, session, attempt, index, frame)
        scope = f"{sid}/{attempt}/{index}" + (f"/{frame}" if frame is not None else "")
        recorded_read(deps, request, person, "review_capture", scope)
        return Response(content, media_type=media_type, headers=NO_STORE)

    @post("/cases/{session_id:str}/claim", operation_id="consoleClaim", sync_to_thread=True, status_code=200)
    def claim(self, request: Request[Any, Any, Any], deps: Deps, session_id: SessionId) -> dict[str, Any]:
        person = reviewing(request, deps, csrf=True)
        sid = parse_session_id(session_id)
        with audit_context(person.tenant_id, person.actor, request_id(request)):
            deps.ledger.claim_review(person.tenant_id, sid, as_reviewer(person))
        return case_view(deps.ledger.get_session(person.tenant_id, sid))

    @post("/cases/{session_id:str}/release", operation_id="consoleRelease", sync_to_thread=True, status_code=200)
    def release(self, request: Request[Any, Any, Any], deps: Deps, session_id: SessionId) -> dict[str, Any]:
        person = reviewing(request, deps, csrf=True)
        sid = parse_session_id(session_id)
        with audit_context(person.tenant_id, person.actor, request_id(request)):
            deps.ledger.release_review(person.tenant_id, sid, as_reviewer(person))
        return case_view(deps.ledger.get_session(person.tenant_id, sid))

    @post("/cases/{session_id:str}/decision", operation_id="consoleDecide", sync_to_thread=True, status_code=200)
    def decide(self, request: Request[Any, Any, Any], deps: Deps, session_id: SessionId,
               data: Annotated[ConsoleDecision, Body()]) -> dict[str, Any]:
        person = reviewing(request, deps, csrf=True)
        sid = parse_session_id(session_id)
        with audit_context(person.tenant_id, person.actor, request_id(request)):
            decided = deps.ledger.decide_review(person.tenant_id, sid, as_reviewer(person), data.decision,
                                                data.reason, data.note.strip() or None)
        session = deps.ledger.get_session(person.tenant_id, sid)
        return {"decided": decided, "status": str(session.status), "review": case_view(session)}

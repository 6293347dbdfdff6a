"""Audit routes: a session's proven timeline, evidence bundles, replay and what-if.

For the tenant's auditors, read-only: the only thing an audit route writes is
the record of the read itself (``domain.audit_access.AuditAccess``), so every look at a case is
evidence too. Another tenant's session answers 404, exactly like a missing one.

The timeline comes from the evidence bundle (``services.evidence.bundle`` through ``api.services``): each event's
stored-bytes entry hash, chain position and RFC 9162 inclusion proof against the latest signed
checkpoint, so an auditor can check every line offline against a checkpoint they trust.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import Parameter, QueryParameter

from api.access_log import record_read
from api.audit_views import REVIEW_TOPICS, decision_provenance, review_provenance, timeline_entry
from api.controllers.product import parse_session_id
from api.dto import Dto
from api.errors import ApiProblem
from api.guards import auditor_access, auditor_query_access
from api.openapi import body, ok
from api.params import Caller, Deps
from api.services import evidence
from domain.sessions import topics
from policies.document import PolicyDocument
from policies.replay import replay_session, what_if_session

SessionId = Annotated[str, Parameter(description="session id (UUID)", max_length=64)]
_SID = "0d6f3c1e-8a43-4d83-9d1a-2b1f4f0c9e21"
_HEX = "ab" * 32
MAX_PERIOD_DAYS = 366

_TIMELINE_EXAMPLE: dict[str, Any] = {
    "session_id": _SID, "tenant_id": "ten_0123456789abcdef", "status": "verified",
    "events": [{"position": 12, "notification_id": 12, "version": 1, "topic": topics.CREATED,
                "recorded_at": "2026-01-01T12:00:00+00:00", "actor": "key:kyck_0123", "request_id": "4bf9...",
                "sandbox": False, "prev_hash": _HEX, "entry_hash": _HEX, "inclusion_proof": [_HEX],
                "summary": {"event": "session.created", "status": "pending"}}],
    "decisions": [{"attempt": 1, "position": 20, "policy_hash": _HEX, "policy": {"version": 1},
                   "inputs": [{"originator_id": _SID, "originator_version": 7, "sha256": _HEX}],
                   "decision": "accepted", "route": "auto_approve", "score": 91.5,
                   "score_breakdown": [], "rules": [], "reason_codes": []}],
    "reviews": [{"position": 24, "attempt": 1, "step": "decided", "decision": "accepted", "reason": "false_positive",
                 "reviewer": {"id": "mem_0123456789abcdef", "name": "Ben Compliance"},
                 "approvals": [{"id": "mem_fedcba9876543210", "name": "Ana Compliance", "decision": "accepted",
                                "reason": "false_positive"}], "four_eyes": None}],
    "checkpoint": {"tree_size": 21, "note": "kycledger.local/ledger\n21\n...\n"},
    "public_key": "MCowBQYDK2VwAyEA...",
}


class WhatIfRequest(Dto, frozen=True, kw_only=True):
    """Another policy document to evaluate over the session's recorded inputs (nothing is written)."""

    policy: dict[str, Any]


def _note_text(bundle: dict[str, Any]) -> dict[str, Any]:
    note = base64.b64decode(bundle["checkpoint"]).decode("utf-8", errors="replace")
    return {"tree_size": int(note.split("\n")[1]), "note": note}


def session_audit(deps: Deps, tenant_id: str, session_id: UUID) -> dict[str, Any]:
    session = deps.ledger.get_session(tenant_id, session_id)  # NotFoundError for another tenant's
    bundle = evidence(deps).bundle(tenant_id, session_id=session_id)
    events = {e.originator_version: e for e in deps.ledger.events.get(session_id)}
    timeline = [timeline_entry(events[int(stored["originator_version"])], stored) for stored in bundle["events"]
                if stored["originator_id"] == str(session_id)]
    decisions = [decision_provenance(events[int(stored["originator_version"])], stored, bundle["policies"])
                 for stored in bundle["events"] if stored["topic"] == topics.DECISION_MADE]
    # A reviewer's decision is a person's: its provenance is who decided (and who agreed), not a policy.
    reviews = [review_provenance(events[int(stored["originator_version"])], stored) for stored in bundle["events"]
               if stored["topic"] in REVIEW_TOPICS]
    return {"session_id": str(session_id), "tenant_id": tenant_id, "status": str(session.status),
            "events": timeline, "decisions": decisions, "reviews": reviews, "checkpoint": _note_text(bundle),
            "public_key": bundle["public_key"]}


def _session_events(deps: Deps, tenant_id: str, session_id: UUID) -> list[Any]:
    deps.ledger.get_session(tenant_id, session_id)
    return list(deps.ledger.events.get(session_id))


class AuditController(Controller):
    path = "/v1/audit"
    tags = ("audit",)

    @get("/sessions/{session_id:str}", operation_id="auditSession", sync_to_thread=True, guards=[auditor_access],
         summary="A session's full event timeline with hashes, positions, inclusion proofs, the decisions' "
                 "provenance and the signed checkpoint they prove against",
         responses=ok(dict[str, Any], _TIMELINE_EXAMPLE))
    def session(self, request: Request[Any, Any, Any], deps: Deps, principal: Caller,
                session_id: SessionId) -> dict[str, Any]:
        sid = parse_session_id(session_id)
        answer = session_audit(deps, principal.tenant_id, sid)
        record_read(deps, request, principal, "session_audit", str(sid))
        return answer

    @get("/sessions/{session_id:str}/bundle", operation_id="auditSessionBundle", sync_to_thread=True,
         guards=[auditor_access],
         summary="The session's evidence bundle (verify offline: kycledger ledger verify --bundle FILE)",
         responses=ok(dict[str, Any], {"format": "kycledger-evidence-bundle", "version": 1, "events": []}))
    def session_bundle(self, request: Request[Any, Any, Any], deps: Deps, principal: Caller,
                       session_id: SessionId) -> dict[str, Any]:
        sid = parse_session_id(session_id)
        deps.ledger.get_session(principal.tenant_id, sid)
        bundle = evidence(deps).bundle(principal.tenant_id, session_id=sid)
        record_read(deps, request, principal, "session_bundle", str(sid))
        return bundle

    @get("/bundles", operation_id="auditPeriodBundle", sync_to_thread=True, guards=[auditor_access],
         summary="The evidence bundle of every session the tenant created in [from, to)",
         responses=ok(dict[str, Any], {"format": "kycledger-evidence-bundle", "version": 1, "events": []}))
    def period_bundle(self, request: Request[Any, Any, Any], deps: Deps, principal: Caller,
                      start: Annotated[datetime, QueryParameter(name="from", description="ISO 8601, inclusive")],
                      end: Annotated[datetime, QueryParameter(name="to", description="ISO 8601, exclusive")],
                      ) -> dict[str, Any]:
        if start.tzinfo is None or end.tzinfo is None:
            raise ApiProblem(422, "period_invalid", "from and to need a time zone offset")
        if not start < end or (end - start).days > MAX_PERIOD_DAYS:
            raise ApiProblem(422, "period_invalid", f"from must precede to, at most {MAX_PERIOD_DAYS} days apart")
        bundle = evidence(deps).bundle(principal.tenant_id, start=start, end=end)
        record_read(deps, request, principal, "period_bundle", f"{start.isoformat()}/{end.isoformat()}")
        return bundle

    @get("/sessions/{session_id:str}/replay", operation_id="auditReplay", sync_to_thread=True,
         guards=[auditor_access],
         summary="Re-run every recorded decision from the events it names under the policy it names",
         responses=ok(dict[str, Any], {"session_id": _SID, "reproduced": True, "decisions": [
             {"attempt": 1, "policy_hash": _HEX, "reproduced": True, "differences": []}]}))
    def replay(self, request: Request[Any, Any, Any], deps: Deps, principal: Caller,
               session_id: SessionId) -> dict[str, Any]:
        sid = parse_session_id(session_id)
        events = _session_events(deps, principal.tenant_id, sid)
        results = replay_session(events, lambda h: deps.ledger.policy_document(principal.tenant_id, h))
        record_read(deps, request, principal, "session_replay", str(sid))
        return {"session_id": str(sid), "reproduced": all(r.reproduced for r in results),
                "decisions": [{"attempt": r.attempt, "policy_hash": r.policy_hash, "reproduced": r.reproduced,
                               "differences": list(r.differences)} for r in results]}

    @post("/sessions/{session_id:str}/what-if", operation_id="auditWhatIf", sync_to_thread=True, status_code=200,
          guards=[auditor_query_access],
          summary="How each recorded decision would come out under another policy (writes no history)",
          responses=ok(dict[str, Any], {"session_id": _SID, "changed": True, "decisions": [
              {"attempt": 1, "changed": True, "recorded": {"decision": "accepted"},
               "proposed": {"decision": "manual_review"}}]}))
    def what_if(self, request: Request[Any, Any, Any], deps: Deps, principal: Caller,
                session_id: SessionId,
                data: Annotated[WhatIfRequest, body({"policy": {"version": 1, "weights": {"liveness": 30}}})],
                ) -> dict[str, Any]:
        sid = parse_session_id(session_id)
        events = _session_events(deps, principal.tenant_id, sid)
        results = what_if_session(events, PolicyDocument.from_dict(data.policy))
        record_read(deps, request, principal, "session_what_if", str(sid))
        return {"session_id": str(sid), "changed": any(r.changed for r in results),
                "decisions": [{"attempt": r.attempt, "changed": r.changed, "recorded": dict(r.recorded),
                               "proposed": dict(r.proposed)} for r in results]}

"""Manual review (seed 002 step 9): list the tenant's queue, claim a case, decide it; each step an event.

The queue is read from the ledger's notification log (``ManualReviewRequested`` events, then each
session's current state). That is a linear scan: a review-queue read model replaces it when the
projections carry one.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, get, post
from litestar.params import Parameter

from api.controllers.product import parse_session_id, session_view
from api.dto import Dto
from api.guards import client_access
from api.openapi import body, ok
from api.params import Caller, Deps
from api.schemas.sessions import CODE
from domain.errors import NotFoundError

REVIEW_TOPIC = "kycledger.session.ManualReviewRequested"
_SID = "0d6f3c1e-8a43-4d83-9d1a-2b1f4f0c9e21"


class ReviewDecision(Dto, frozen=True, kw_only=True):
    decision: Annotated[str, msgspec.Meta(pattern="^(accepted|rejected)$")]
    reason: Annotated[str, CODE]


def reviewer_of(principal: Caller) -> str:
    return principal.actor.lower()


def review_queue(deps: Deps, tenant_id: str) -> list[dict[str, Any]]:
    log = deps.ledger.notification_log
    seen: dict[UUID, None] = {}
    start = 1
    while True:
        batch = log.select(start, deps.ledger.log_section_size, topics=[REVIEW_TOPIC])
        if not batch:
            break
        for item in batch:
            seen[UUID(str(item.originator_id))] = None
        start = batch[-1].id + 1
    cases = []
    for session_id in seen:
        try:
            session = deps.ledger.get_session(tenant_id, session_id)
        except NotFoundError:
            continue  # another tenant's case
        if str(session.status) == "manual_review":
            cases.append({"id": str(session_id), "queue": session.review_queue, "reviewer": session.reviewer,
                          "attempt": session.attempt, "reference": session.reference})
    return cases


class ReviewController(Controller):
    path = "/v1/reviews"
    tags = ("manual review",)
    guards = (client_access,)

    @get("/", operation_id="listReviewQueue", sync_to_thread=True, summary="Sessions waiting for a reviewer",
         responses=ok(dict[str, Any], {"cases": [{"id": _SID, "queue": "operations", "reviewer": None,
                                                  "attempt": 1, "reference": "customer-42"}]}))
    def queue(self, deps: Deps, principal: Caller) -> dict[str, Any]:
        return {"cases": review_queue(deps, principal.tenant_id)}

    @post("/{session_id:str}/claim", operation_id="claimReview", sync_to_thread=True, status_code=200,
          summary="Take a case (claiming it twice is harmless; another reviewer's case is a 409)",
          responses=ok(dict[str, Any], {"id": _SID, "status": "manual_review", "reviewer": "key:kyck_0123"}))
    def claim(self, deps: Deps, principal: Caller,
              session_id: Annotated[str, Parameter(max_length=64)]) -> dict[str, Any]:
        sid = parse_session_id(session_id)
        deps.ledger.claim_review(principal.tenant_id, sid, reviewer_of(principal))
        session = deps.ledger.get_session(principal.tenant_id, sid)
        return {"id": str(sid), "status": str(session.status), "reviewer": session.reviewer}

    @post("/{session_id:str}/decision", operation_id="decideReview", sync_to_thread=True, status_code=200,
          summary="Accept or reject with a reason code; supersedes the policy's decision",
          responses=ok(dict[str, Any], {"id": _SID, "status": "verified"}))
    def decide(self, deps: Deps, principal: Caller,
               session_id: Annotated[str, Parameter(max_length=64)],
               data: Annotated[ReviewDecision, body({"decision": "accepted", "reason": "documents_verified"})],
               ) -> dict[str, Any]:
        sid = parse_session_id(session_id)
        deps.ledger.decide_review(principal.tenant_id, sid, reviewer_of(principal), data.decision, data.reason)
        return session_view(deps, deps.ledger.get_session(principal.tenant_id, sid), principal.sandbox)

"""Manual review (requirements/pipeline §9) by named people: the queue, claim, decide; each step an event.

Reviewer and compliance keys only: each belongs to a person, whose id and display name every
claim, proposal and decision records. The tenant's integration key cannot decide a review. Under
the tenant's four-eyes rules a first verdict is a proposal (``decided: false``) until a second,
different reviewer agrees. The queue is read from the ledger's notification log
(``ManualReviewRequested`` events, then each session's current state).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar import Controller, get, post
from litestar.params import Parameter

from api.auth import Principal
from api.controllers.product import parse_session_id, session_view
from api.controllers.sessions import SESSION_VIEW_EXAMPLE
from api.dto import Dto
from api.errors import ApiProblem
from api.guards import reviewer_access
from api.openapi import body, ok
from api.params import Caller, Deps
from api.schemas.review_views import ReviewCase, ReviewDecided, ReviewQueueView
from api.schemas.sessions import CODE
from domain.errors import NotFoundError
from domain.sessions import topics
from domain.sessions.aggregate import VerificationSession
from domain.sessions.review import Reviewer, proposal_of

REVIEW_TOPIC = topics.MANUAL_REVIEW_REQUESTED
_SID = "0d6f3c1e-8a43-4d83-9d1a-2b1f4f0c9e21"
_PERSON = {"id": "mem_0123456789abcdef", "name": "Riley Reviewer"}


class ReviewDecision(Dto, frozen=True, kw_only=True):
    decision: Annotated[Literal["accepted", "rejected"], msgspec.Meta(
        description="the reviewer's verdict: accepted or rejected (the case's outcome, or a proposal under four eyes)")]
    reason: Annotated[str, CODE]
    note: Annotated[str, msgspec.Meta(min_length=1, max_length=2000,
                                      description="free text for the record, sealed like personal data")] | None = None


def reviewer_of(principal: Principal) -> Reviewer:
    """The person behind a reviewer or compliance key (such keys are always issued to a person)."""
    if principal.member_id is None or principal.member_name is None:
        raise ApiProblem(403, "reviewer_role_required", "reviews are decided by a named person's key")
    return Reviewer(member_id=principal.member_id, display_name=principal.member_name,
                    compliance=principal.role == "compliance", credential=principal.actor)


def case_view(session: VerificationSession) -> dict[str, Any]:
    """A queue entry: who holds it, and a four-eyes proposal waiting for a second reviewer."""
    proposal = proposal_of(session.review_history, session.attempt)
    claimed = {"id": session.reviewer, "name": session.reviewer_name} if session.reviewer else None
    return {"id": str(session.id), "queue": session.review_queue, "attempt": session.attempt,
            "reference": session.reference, "claimed_by": claimed,
            "reviewer": session.reviewer,  # the claimant's member id (kept for clients of earlier versions)
            "awaiting_second_review": None if proposal is None else {
                "decision": proposal["decision"], "reason": proposal["reason"], "four_eyes": proposal["four_eyes"],
                "proposed_by": proposal["reviewer"]}}


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
            cases.append(case_view(session))
    return cases


class ReviewController(Controller):
    path = "/v1/reviews"
    tags = ("manual review",)
    guards = (reviewer_access,)

    @get("/", operation_id="listReviewQueue", sync_to_thread=True, summary="Sessions waiting for a reviewer",
         responses=ok(ReviewQueueView, {"cases": [{"id": _SID, "queue": "operations", "attempt": 1,
                                                  "reference": "customer-42", "claimed_by": None, "reviewer": None,
                                                  "awaiting_second_review": None}]}))
    def queue(self, deps: Deps, principal: Caller) -> dict[str, Any]:
        return {"cases": review_queue(deps, principal.tenant_id)}

    @post("/{session_id:str}/claim", operation_id="claimReview", sync_to_thread=True, status_code=200,
          summary="Take a case (claiming it twice is harmless; another reviewer's case is a 409; a case you "
                  "submitted or already decided is a 403)",
          responses=ok(ReviewCase, {"id": _SID, "queue": "operations", "attempt": 1, "reference": "customer-42",
                                        "claimed_by": _PERSON, "reviewer": _PERSON["id"],
                                        "awaiting_second_review": None}))
    def claim(self, deps: Deps, principal: Caller,
              session_id: Annotated[str, Parameter(max_length=64)]) -> dict[str, Any]:
        sid = parse_session_id(session_id)
        deps.ledger.claim_review(principal.tenant_id, sid, reviewer_of(principal))
        return case_view(deps.ledger.get_session(principal.tenant_id, sid))

    @post("/{session_id:str}/release", operation_id="releaseReview", sync_to_thread=True, status_code=200,
          summary="Give a case you hold back to the queue (another reviewer may claim it)",
          responses=ok(ReviewCase, {"id": _SID, "queue": "operations", "attempt": 1, "reference": "customer-42",
                                        "claimed_by": None, "reviewer": None, "awaiting_second_review": None}))
    def release(self, deps: Deps, principal: Caller,
                session_id: Annotated[str, Parameter(max_length=64)]) -> dict[str, Any]:
        sid = parse_session_id(session_id)
        deps.ledger.release_review(principal.tenant_id, sid, reviewer_of(principal))
        return case_view(deps.ledger.get_session(principal.tenant_id, sid))

    @post("/{session_id:str}/decision", operation_id="decideReview", sync_to_thread=True, status_code=200,
          summary="Accept or reject with a reason code; supersedes the policy's decision. Under four eyes the "
                  "first verdict waits for a second reviewer (decided: false)",
          responses=ok(ReviewDecided, {**SESSION_VIEW_EXAMPLE, "decided": True, "awaiting_second_review": None}))
    def decide(self, deps: Deps, principal: Caller,
               session_id: Annotated[str, Parameter(max_length=64)],
               data: Annotated[ReviewDecision, body({"decision": "accepted", "reason": "documents_verified"})],
               ) -> dict[str, Any]:
        sid = parse_session_id(session_id)
        decided = deps.ledger.decide_review(principal.tenant_id, sid, reviewer_of(principal), data.decision,
                                            data.reason, data.note)
        session = deps.ledger.get_session(principal.tenant_id, sid)
        return {**session_view(deps, session, principal.sandbox), "decided": decided,
                "awaiting_second_review": case_view(session)["awaiting_second_review"]}

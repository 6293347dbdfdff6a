"""The evidence of a review case, for reviewers: ``GET /v1/reviews/{id}`` and its images.

Images and liveness frames are decrypted from the blob store on demand and answered with
``Cache-Control: no-store``; every look (the case, and each image) is a ledger event naming the
reviewer (``api.access_log``).
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.params import Parameter

from api.access_log import record_read
from api.controllers.product import parse_session_id
from api.guards import reviewer_access
from api.openapi import ok
from api.params import Caller, Deps
from api.review_evidence import capture_content, evidence
from api.schemas.review_views import ReviewEvidence

SessionId = Annotated[str, Parameter(description="session id (UUID)", max_length=64)]
Attempt = Annotated[int, Parameter(ge=1, le=1000, description="attempt number")]
Index = Annotated[int, Parameter(ge=0, le=1000, description="capture position within the attempt")]
Frame = Annotated[int, Parameter(ge=0, le=1000, description="frame position within the liveness answer")]
_SID = "0d6f3c1e-8a43-4d83-9d1a-2b1f4f0c9e21"
_EVIDENCE = {
    "id": _SID, "status": "manual_review", "queue": "compliance", "attempt": 1, "reference": "customer-42",
    "created_at": "2026-01-01T12:00:00+00:00", "claimed_by": {"id": "mem_0123456789abcdef", "name": "Riley Reviewer"},
    "review_history": [], "decision": None, "decision_history": [],
    "attempts": [{"attempt": 1, "captures": [
        {"index": 0, "kind": "document_front", "content_sha256": "3f" * 32, "media_type": "image/jpeg",
         "width": 1200, "height": 800, "received_at": "2026-01-01T12:00:05+00:00",
         "url": f"/v1/reviews/{_SID}/captures/1/0", "frame_urls": []}],
        "extracted_data": {"surname": "ERIKSSON", "given_names": "ANNA MARIA"},
        "checks": [{"check": "screening", "outcome": "fail", "scores": {"best_name_score": 0.97},
                    "reasons": ["sanctions_hit"], "sandbox": False, "models": [], "details": {}}],
        "screening_hits": [{"list": "ofac_sdn", "entry_id": "36", "level": "hit", "name_score": 0.97,
                            "entry": {"list_name": "ofac_sdn", "entry_id": "36", "kind": "individual",
                                      "names": [{"text": "ERIKSSON, Anna", "kind": "primary", "quality": ""}],
                                      "birth_dates": [], "nationalities": [], "programs": ["SDGT"],
                                      "address_countries": []}}],
        "policy_decision": {"decision": "review", "route": "compliance_escalation", "score": 88.0}}]}
NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


class ReviewEvidenceController(Controller):
    path = "/v1/reviews"
    tags = ("manual review",)
    guards = (reviewer_access,)

    @get("/{session_id:str}", operation_id="getReviewEvidence", sync_to_thread=True,
         summary="The case's evidence: captures (by URL), extracted fields, checks with reasons and models, "
                 "screening hits with the list entry, the policy's decision and the review so far",
         responses=ok(ReviewEvidence, _EVIDENCE))
    def case(self, request: Request[Any, Any, Any], deps: Deps, principal: Caller,
             session_id: SessionId) -> dict[str, Any]:
        sid = parse_session_id(session_id)
        answer = evidence(deps, deps.ledger.get_session(principal.tenant_id, sid), principal.sandbox)
        record_read(deps, request, principal, "review_evidence", str(sid))
        return answer

    @get("/{session_id:str}/captures/{attempt:int}/{index:int}", operation_id="getReviewCapture",
         sync_to_thread=True, media_type="image/jpeg",
         summary="One captured image, decrypted and re-encoded now (no-store)",
         responses={200: ok(str, "<JPEG, PNG or WebP bytes>")[200]})
    def capture(self, request: Request[Any, Any, Any], deps: Deps, principal: Caller, session_id: SessionId,
                attempt: Attempt, index: Index) -> Response[bytes]:
        return self._image(request, deps, principal, session_id, attempt, index, None)

    @get("/{session_id:str}/captures/{attempt:int}/{index:int}/frames/{frame:int}",
         operation_id="getReviewLivenessFrame", sync_to_thread=True, media_type="image/jpeg",
         summary="One frame of a liveness answer, decrypted and re-encoded now (no-store)",
         responses={200: ok(str, "<JPEG, PNG or WebP bytes>")[200]})
    def frame(self, request: Request[Any, Any, Any], deps: Deps, principal: Caller, session_id: SessionId,
              attempt: Attempt, index: Index, frame: Frame) -> Response[bytes]:
        return self._image(request, deps, principal, session_id, attempt, index, frame)

    @staticmethod
    def _image(request: Request[Any, Any, Any], deps: Deps, principal: Caller, session_id: str, attempt: int,
               index: int, frame: int | None) -> Response[bytes]:
        sid = parse_session_id(session_id)
        session = deps.ledger.get_session(principal.tenant_id, sid)
        content, media_type = capture_content(deps, session, attempt, index, frame)
        scope = f"{sid}/{attempt}/{index}" + (f"/{frame}" if frame is not None else "")
        record_read(deps, request, principal, "review_capture", scope)
        return Response(content, media_type=media_type, headers=NO_STORE)

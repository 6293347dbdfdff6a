"""The shapes of the review queue's answers (``/v1/reviews``, api/controllers/review.py) for the OpenAPI
document, with their closed sets as enums.

The handlers answer plain dicts; these Structs describe them field by field, in the same order, and a
test converts real answers into them and encodes them back to the same bytes
(tests/e2e/routes/test_mobile_and_review_views_documented.py).
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from api.schemas.session_view import ReviewerView, SessionView

ReviewQueueName = Annotated[Literal["operations", "compliance"], msgspec.Meta(
    description="operations: the tenant's operations reviewers; compliance: its compliance officers (a sanctions "
                "or PEP hit)")]
FourEyesReason = Annotated[Literal["compliance_escalation", "overturns_rejection", "every_review"], msgspec.Meta(
    description="why a second reviewer is needed: compliance_escalation (a compliance case), overturns_rejection "
                "(accepting what the policy rejected), every_review (the tenant's rule)")]


class Proposal(msgspec.Struct, frozen=True, kw_only=True):
    decision: Annotated[Literal["accepted", "rejected"], msgspec.Meta(description="the first reviewer's verdict")]
    reason: str
    four_eyes: FourEyesReason
    proposed_by: ReviewerView


class ReviewCase(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    queue: ReviewQueueName | None
    attempt: int
    reference: str | None
    claimed_by: ReviewerView | None
    reviewer: Annotated[str, msgspec.Meta(description="the claimant's member id (kept for earlier clients)")] | None
    awaiting_second_review: Proposal | None


class ReviewQueueView(msgspec.Struct, frozen=True, kw_only=True):
    cases: list[ReviewCase]


class ReviewDecided(SessionView, frozen=True, kw_only=True):
    decided: Annotated[bool, msgspec.Meta(description="false: under four eyes, the verdict waits for a second "
                                                      "reviewer")]
    awaiting_second_review: Proposal | None

"""The stored topic of every ``VerificationSession`` event, named once.

Topics are part of the recorded history (docs/architecture.md: events are never renamed; they
evolve with upcasters), so each is spelled here and everything that matches on one (the aggregate,
policies, projections, services, the API) imports it instead of retyping the string.
"""

from __future__ import annotations

from typing import Final

AGGREGATE: Final = "kycledger.session.VerificationSession"
CREATED: Final = "kycledger.session.Created"
CAPTURE_RECORDED: Final = "kycledger.session.CaptureRecorded"
CAPTURE_CARRIED_OVER: Final = "kycledger.session.CaptureCarriedOver"
CHECK_REQUESTED: Final = "kycledger.session.CheckRequested"
CHECK_COMPLETED: Final = "kycledger.session.CheckCompleted"
DOCUMENT_DATA_EXTRACTED: Final = "kycledger.session.DocumentDataExtracted"
SCORE_COMPUTED: Final = "kycledger.session.ScoreComputed"
DECISION_MADE: Final = "kycledger.session.DecisionMade"
DECISION_SUPERSEDED: Final = "kycledger.session.DecisionSuperseded"
RETRY_REQUESTED: Final = "kycledger.session.RetryRequested"
HELP_REQUESTED: Final = "kycledger.session.HelpRequested"
MANUAL_REVIEW_REQUESTED: Final = "kycledger.session.ManualReviewRequested"
REVIEW_CLAIMED: Final = "kycledger.session.ReviewClaimed"
REVIEW_RELEASED: Final = "kycledger.session.ReviewReleased"
REVIEW_NOTED: Final = "kycledger.session.ReviewNoted"
REVIEW_DECISION_PROPOSED: Final = "kycledger.session.ReviewDecisionProposed"
REVIEW_DECIDED: Final = "kycledger.session.ReviewDecided"
CANCELLED: Final = "kycledger.session.Cancelled"
EXPIRED: Final = "kycledger.session.Expired"

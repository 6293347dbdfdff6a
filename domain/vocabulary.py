"""The closed sets a client meets, each value with what it means.

The API publishes them as enums in its OpenAPI document and refuses any other value with the list of
valid ones (requirements/platform §15 "Enums"); the pages they come from are cited per set. A new
value is added here first, so the published list and what the product does cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping

from domain.checks import CheckType, Outcome
from domain.sessions.status import SessionStatus
from domain.sessions.values import Decision, Route

# requirements/sessions §4 "Verification checks", plus kya, screening and the address proof.
CHECK_TYPES: Mapping[str, str] = {
    CheckType.OCR: "read the document's text (MRZ, barcode, visual zone)",
    CheckType.FACE_MATCH: "compare the selfie with the document's portrait",
    CheckType.LIVENESS: "is a live person in front of the camera (active challenge by default)",
    CheckType.FRAUD: "look for document tampering (moire, JPEG error level, double compression); can only "
                     "raise a case to review",
    CheckType.DATA_VALIDATION: "validate the extracted data: formats, check digits, dates, expiry, minimum age 18",
    CheckType.AGE_VERIFICATION: "is the person at least 18",
    CheckType.KYA: "basic profile coherence: e-mail, phone, country, name",
    CheckType.SCREENING: "sanctions and PEP lists (fuzzy name match, birth date and nationality)",
    CheckType.QUALITY: "capture quality (blur, glare, exposure, size); recorded whenever a capture is analysed, "
                       "never requested",
    CheckType.ADDRESS_PROOF: "the address document names the ID's holder, an address and a recent date; switched "
                             "on by require_address_proof, never listed in checks",
}

# requirements/sessions §3 step 2: what an upload is.
CAPTURE_TYPES: Mapping[str, str] = {
    "document_front": "the identity document's front (JPEG, PNG or WebP)",
    "document_back": "the identity document's back, when it has one",
    "selfie": "one photo of the person's face",
    "liveness_frames": "frames answering the session's liveness challenge, with their offsets and the nonce",
    "video": "a short MP4 or WebM clip answering the challenge, sampled at 12.5 frames per second",
    "address_proof": "a utility bill, bank statement or tax letter; only when require_address_proof is set",
}

# requirements/sessions §5 "Verification statuses".
SESSION_STATUSES: Mapping[str, str] = {
    SessionStatus.PENDING: "open: captures are awaited, or the checks are running",
    SessionStatus.VERIFIED: "final: accepted",
    SessionStatus.FAILED: "final: rejected",
    SessionStatus.EXPIRED: "final: the session's time ran out before a decision",
    SessionStatus.CANCELLED: "final: cancelled by the tenant or the person",
    SessionStatus.MANUAL_REVIEW: "a person of the tenant decides (operations or compliance queue)",
}

# requirements/platform §15 ``decision``.
DECISIONS: Mapping[str, str] = {
    Decision.ACCEPTED: "the identity is verified",
    Decision.REVIEW: "a person must look at the case",
    Decision.REJECTED: "the identity is not verified (a retry may follow)",
}

# requirements/liveness step 5 and requirements/pipeline §9: what happens after the decision.
ROUTES: Mapping[str, str] = {
    Route.AUTO_APPROVE: "accepted without a person",
    Route.RETRY: "the person retakes retry_step (within max_retries)",
    Route.ACTIVE_CHALLENGE: "the person answers an active liveness challenge in a new attempt",
    Route.MANUAL_REVIEW: "to the tenant's operations review queue",
    Route.COMPLIANCE_ESCALATION: "to the tenant's compliance officers (a sanctions or PEP hit); no retry",
    Route.REJECT: "rejected, no retry",
}

CHECK_OUTCOMES: Mapping[str, str] = {
    Outcome.PASS: "the check passed",
    Outcome.UNCERTAIN: "the check could not decide; the policy treats it as its rules say",
    Outcome.FAIL: "the check failed",
}

# requirements/pipeline §12 "Retry logic": what a retry asks the person to capture again (the decision's
# ``retry_step``); a selfie or liveness retry keeps the attempt's scanned document.
RETRY_STEPS: Mapping[str, str] = {
    "capture": "retake the capture that failed the quality gate",
    "document_capture": "scan the identity document again",
    "selfie": "take the selfie again (the scanned document is kept)",
    "liveness": "answer the liveness challenge again (the scanned document is kept)",
    "address_capture": "upload the address document again",
    "all": "retake every capture (more than one step failed)",
}

# The policy's reasons for a decision (docs/architecture.md §6; requirements/pipeline §9-§10). Internal:
# the person being verified never sees them (requirements/pipeline §10 "Never reveal fraud details").
REASON_CODES: Mapping[str, str] = {
    "quality_insufficient": "a capture failed the quality gate (followed by quality:<reason> codes)",
    "document_unreadable": "the document could not be read",
    "document_type_not_accepted": "the document's type is not in the session's accepted_documents",
    "document_country_not_accepted": "the issuing country is not in the session's accepted_countries",
    "document_country_unknown": "the session restricts the country and the document's could not be read",
    "document_type_not_expected": "the document is not of the session's document_type",
    "document_country_not_expected": "the document is not issued by the session's country",
    "liveness_failed": "liveness failed",
    "liveness_uncertain": "liveness could not decide",
    "passive_liveness_not_accepted": "a passive liveness pass, which the policy counts as uncertain (it follows "
                                     "liveness_uncertain)",
    "face_match_weak": "the selfie resembles the portrait, below the session's threshold",
    "face_match_none": "the selfie does not match the portrait",
    "document_expired": "the document has expired",
    "document_invalid": "document validation failed (followed by document:<reason> codes)",
    "document_uncertain": "document validation could not decide",
    "suspected_fraud": "the fraud check failed (followed by fraud:<reason> codes)",
    "fraud_uncertain": "a fraud signal a person must look at",
    "age_requirement_not_met": "the person is under the minimum age",
    "age_uncertain": "the age could not be confirmed",
    "screening_hit": "a sanctions or PEP list match: compliance escalation",
    "screening_potential_match": "a possible list match a person must look at",
    "screening_needs_more_data": "a name-only near-hit on a common name: birth date and nationality are needed",
    "address_proof_failed": "the address document failed (followed by address_proof:<reason> codes)",
    "address_proof_uncertain": "the address document needs a person (followed by address_proof:<reason> codes)",
    "score_review_band": "the weighted score is in the review band (60-79 by default)",
    "score_reject_band": "the weighted score is in the reject band (below 60 by default)",
}

# Detail codes ``<family>:<check reason>`` that follow a family's reason code.
REASON_FAMILIES: Mapping[str, str] = {
    "quality": "why the capture failed the quality gate",
    "document": "which document validation failed",
    "fraud": "which fraud signal fired",
    "address_proof": "what the address document lacked",
}

# Webhook event types (requirements/capture's realtime names, requirements/sessions §3
# ``verification.completed``, requirements/platform §7 quota events).
WEBHOOK_EVENT_TYPES: Mapping[str, str] = {
    "verification.completed": "the session reached a final status (verified, failed, expired, cancelled)",
    "session.created": "a session was opened",
    "scan.status.updated": "a document check (ocr, data_validation, fraud, quality, age) has a result",
    "liveness.status.updated": "a liveness or face match check has a result",
    "check.status.updated": "another check (kya, screening, address proof) has a result",
    "decision.made": "the policy decided an attempt",
    "retry.requested": "a new attempt was opened",
    "manual_review.requested": "the case went to a review queue",
    "review.proposed": "a first reviewer's verdict waits for a second (four eyes)",
    "review.decided": "a reviewer decided the case",
    "session.expired": "the session expired",
    "session.cancelled": "the session was cancelled",
    "quota.threshold_reached": "a module's monthly quota reached 80 % or 100 %",
}


def described(values: Mapping[str, str]) -> str:
    """``value: meaning`` for each value, one per line (an enum's OpenAPI description)."""
    return "\n".join(f"- `{value}`: {meaning}" for value, meaning in values.items())


def is_reason_code(code: str) -> bool:
    """A code of ``REASON_CODES`` or ``<family>:<detail>`` of ``REASON_FAMILIES``."""
    family, _, detail = code.partition(":")
    return code in REASON_CODES or (family in REASON_FAMILIES and bool(detail))

"""User-facing messages, kept apart from internal reason codes.

Texts come from requirements/pipeline §10 "On rejection"; its rule "Never reveal fraud details"
applies: fraud and screening outcomes get generic texts, and no message names a signal
(spoof, deepfake, tamper, sanctions...). When several apply, the most guarded one wins, so a
fraud signal is never masked by, say, quality guidance that would teach an attacker what to fix.
"""

from __future__ import annotations

USER_MESSAGES: dict[str, str] = {
    # requirements/pipeline §10 "Suspected fraud"
    "generic_unsuccessful": "Verification unsuccessful.",
    # requirements/pipeline §10 "Sanctions hit"
    "generic_unable": "We're unable to verify your identity at this time.",
    "age_requirement": "We're unable to verify your identity at this time.",
    # requirements/pipeline §10 "Liveness failed"
    "liveness_failed": "Verification failed. Please try again, ensuring you're in a well-lit area.",
    # requirements/pipeline §10 "Document expired"
    "document_expired": "Your document has expired. Please use a valid ID.",
    "document_invalid": "We couldn't verify your document. Please retake the photo or use a different ID.",
    # ours (requirements/pipeline §10 gives no text for a refused document type)
    "document_not_accepted": "This type of ID can't be used here. Please use one of the accepted IDs.",
    # requirements/pipeline §10 "Face match failed"
    "face_mismatch": "We couldn't verify your identity. Please ensure the selfie matches your ID photo.",
    # requirements/pipeline §10 "Blurry document"
    "retake_capture": "We couldn't read your document. Please retake with better lighting.",
    # ours (requirements/pipeline §10 gives no text for a refused address proof)
    "address_proof_retry": "We couldn't confirm your address. Please upload a recent bill or statement in your name.",
    "liveness_retry": "We need another look. Please try again, ensuring you're in a well-lit area.",
    "active_challenge": "Please complete a short check: follow the on-screen prompts.",
    "under_review": "Thanks, your verification is being reviewed. We'll let you know the result.",
    "verified": "Your identity has been verified.",
}

# Most guarded first: the first code present among the triggered rules is the one shown.
MESSAGE_PRIORITY: tuple[str, ...] = (
    "generic_unsuccessful",
    "generic_unable",
    "age_requirement",
    "liveness_failed",
    "document_expired",
    "document_invalid",
    "document_not_accepted",
    "face_mismatch",
    "retake_capture",
    "address_proof_retry",
    "active_challenge",
    "liveness_retry",
    "under_review",
    "verified",
)

GUARDED_MESSAGES = frozenset({"generic_unsuccessful", "generic_unable", "age_requirement"})

"""The reason codes a check records (``CheckResult.reasons``), each with what it means.

The session view lists them per check (``checks[].reasons``); the API publishes them as the
``CheckReason`` schema (requirements/platform §15 "Enums"). Codes are machine codes, never personal
values (requirements/pipeline §10 "Never reveal fraud details": internal, never shown to the person).
A check that records a new code adds it here first; a unit test reads every code the checks give.
"""

from __future__ import annotations

from collections.abc import Mapping

from domain.liveness_challenge import LivenessAction
from domain.ports.document import Guidance
from domain.ports.face_quality import FaceQualityIssue

# quality (document): requirements/pipeline §3, the guidance the person is given.
_DOCUMENT_QUALITY: Mapping[str, str] = {
    Guidance.HOLD_STEADY: "the document capture is blurred",
    Guidance.REDUCE_GLARE: "glare hides part of the document",
    Guidance.IMPROVE_LIGHTING: "the document capture is too dark",
    Guidance.REDUCE_LIGHTING: "the document capture is overexposed",
    Guidance.MOVE_DOCUMENT_INTO_FRAME: "the document is not wholly in the frame",
    Guidance.ALIGN_DOCUMENT: "the document is skewed",
    Guidance.MOVE_CLOSER: "the document is too small in the frame",
    Guidance.MOVE_FURTHER: "the document is too large in the frame",
}

# quality (face): requirements/pipeline §5 selfie capture.
_FACE_QUALITY: Mapping[str, str] = {
    FaceQualityIssue.MULTIPLE_FACES: "more than one face is visible",
    FaceQualityIssue.FACE_TOO_SMALL: "the face is too small",
    FaceQualityIssue.FACE_TOO_LARGE: "the face is too large",
    FaceQualityIssue.POSE_TOO_ANGLED: "the face is turned away from the camera",
    FaceQualityIssue.EYES_MAY_BE_CLOSED: "the eyes may be closed",
    FaceQualityIssue.POSSIBLE_OCCLUSION: "part of the face may be covered",
    FaceQualityIssue.BLURRY: "the face is blurred",
    FaceQualityIssue.TOO_DARK: "the face is too dark",
    FaceQualityIssue.TOO_BRIGHT: "the face is overexposed",
    FaceQualityIssue.LOW_DETECTION_CONFIDENCE: "the face detector is unsure it saw a face",
}

# A check that could not run on what was captured, or on an image it could not decode (the errors'
# ``code``: services/verification records them as the check's reason).
_CAPTURE: Mapping[str, str] = {
    "document_missing": "no document capture to read",
    "selfie_missing": "no selfie to compare or judge",
    "document_portrait_not_found": "no portrait found on the document",
    "liveness_frames_missing": "no liveness frames for the active challenge",
    "address_proof_missing": "no address document uploaded",
    "invalid_image": "the image could not be decoded",
    "face_not_found": "no face found in the image",
    "document_image_unreadable": "the address document's image could not be decoded",
}

_DOCUMENT: Mapping[str, str] = {
    "no_machine_readable_zone": "ocr: no MRZ nor barcode was read (followed by read_hint:<hint>)",
    "document_expired": "data_validation: the document has expired",
    "below_minimum_age": "age_verification: the holder is under the minimum age",
    "no_birth_date": "age_verification: no birth date was read",
    "no_machine_readable_data": "age_verification: nothing machine-readable to take the birth date from",
    "screen_moire": "fraud: a screen's moire pattern (a photo of a screen)",
    "error_level": "fraud: uneven JPEG error levels (an edited region)",
    "double_jpeg": "fraud: the image was compressed twice (re-saved after editing)",
}

_FACE_MATCH: Mapping[str, str] = {
    "similarity_below_threshold_weak": "face_match: the selfie resembles the portrait, below the threshold",
    "similarity_below_threshold_none": "face_match: the selfie does not match the portrait",
}

# liveness: requirements/liveness (passive signals; the active challenge's refusals and failed rules).
_LIVENESS: Mapping[str, str] = {
    "passive_spoof_signals": "two or more strong spoof signals in the selfie",
    "passive_weak_spoof_signal": "one moderate spoof signal in the selfie",
    "nonce_mismatch": "the response answers another challenge",
    "nonce_reused": "the response's nonce was already used (a replay)",
    "challenge_expired": "the response came after the challenge expired",
    "received_before_issue": "the response is dated before the challenge was issued",
    "capture_too_short": "the frames span too short a time",
    "frame_rate_too_low": "too few frames per second, or a long gap between frames",
    "static_frames": "the frames do not change (a still image)",
    "motion_discontinuity": "the motion jumps between frames (a spliced clip)",
    "actions_out_of_order": "the actions were not done in the asked order",
    "identity_changed": "the face changes between frames",
    "selfie_mismatch": "the face in the frames is not the selfie's",
    "multiple_faces": "more than one face in the frames",
    "face_not_in_every_frame": "the face leaves the frame",
    "response_too_slow": "the actions took too long",
    "selfie_not_provided": "no selfie to compare the frames with",
    **{f"{action.value}_not_seen": f"the asked action {action.value} was not seen" for action in LivenessAction},
}

# kya (failed or inconsistent signals only): the profile's coherence.
_KYA: Mapping[str, str] = {
    "kya_no_input": "no profile data was given",
    "kya_no_verifiable_signal": "no signal could be established",
    "names_partly_coherent": "the names are partly coherent",
    "names_incoherent": "the names are incoherent",
    "email_syntax_invalid": "the e-mail address is malformed",
    "email_domain_no_mail": "the e-mail domain receives no mail",
    "country_code_unknown": "the declared country is not an ISO 3166 code",
    "ip_malformed": "the IP address is malformed",
    "ip_not_a_client_address": "the IP address cannot be a client's",
    "phone_unparseable": "the phone number cannot be parsed",
    "phone_invalid": "the phone number is not valid",
    "phone_valid_not_e164": "the phone number is valid but not in E.164 form",
    "phone_country_differs": "the phone number's country is not the declared one",
}

# screening: requirements/pipeline §7 sanctions & PEP screening.
_SCREENING: Mapping[str, str] = {
    "no_name_to_screen": "no name was read to screen",
    "sanctions_hit": "a sanctions or PEP list match",
    "sanctions_near_hit": "a possible list match",
    "sanctions_needs_more_data": "a name-only near-hit: birth date and nationality are needed",
    "birth_date_mismatch_lowered_candidate": "a candidate's birth date differs (its score lowered)",
    "nationality_mismatch_lowered_candidate": "a candidate's nationality differs (its score lowered)",
}

_ADDRESS_PROOF: Mapping[str, str] = {
    "address_proof_unreadable": "no text could be read from the address document",
    "holder_name_mismatch": "the address document names someone else",
    "holder_name_partial": "the address document names the holder in part",
    "holder_name_not_found": "the holder's name was not found on the address document",
    "identity_name_unavailable": "the ID's holder name is not available to compare",
    "address_not_found": "no address was found on the address document",
    "document_date_not_found": "no date was found on the address document",
    "document_date_too_old": "the address document is older than allowed",
}

CHECK_REASONS: Mapping[str, str] = {
    **_DOCUMENT_QUALITY, **_FACE_QUALITY, **_CAPTURE, **_DOCUMENT, **_FACE_MATCH, **_LIVENESS, **_KYA,
    **_SCREENING, **_ADDRESS_PROOF}

# ``<family>:<detail>`` codes: ``read_hint`` follows ``no_machine_readable_zone``; the others are
# data_validation's failed rules, ``<rule>:<what failed>`` (domain/documents/validation.py).
CHECK_REASON_FAMILIES: Mapping[str, str] = {
    "read_hint": "ocr: what the person should do (rotate_document, mrz_cropped, show_data_page or a quality "
                 "guidance)",
    "mrz_checksum": "data_validation: MRZ check digits that do not match (check_digit_mismatch:<fields>)",
    "mrz_format": "data_validation: MRZ format problems (<problems>)",
    "dates_plausible": "data_validation: implausible dates (<problems>)",
    "min_age": "data_validation: the holder is under the minimum age (below_minimum_age)",
    "mrz_vs_barcode": "data_validation: MRZ and barcode disagree (mismatch:<fields>)",
    "mrz_vs_printed": "data_validation: MRZ fields not found in the printed text (not_found:<fields>)",
}


def is_check_reason(code: str) -> bool:
    """A code of ``CHECK_REASONS`` or ``<family>:<detail>`` of ``CHECK_REASON_FAMILIES``."""
    family, _, detail = code.partition(":")
    return code in CHECK_REASONS or (family in CHECK_REASON_FAMILIES and bool(detail))

"""The face match of a verification, from the selfie analysed beside the document read and the portrait.

The pipeline analyses the selfie while the document is read (docs/targets.md §5); this turns that
analysis and the document's portrait into the recorded ``face_match`` result, reporting what is
missing in the order a reviewer fixes it: the selfie, the document, its portrait, then the faces.
"""

from __future__ import annotations

from domain.checks import CheckResult, CheckType
from domain.errors import DomainError
from domain.ports.face import FaceNotFoundError, InvalidImageError, ProbeMatch
from services.verification.results import DocumentOutcome, capture_failure, sandbox_label


def face_match_result(threshold: float, selfie: bytes | None, prepared: ProbeMatch | DomainError | None,
                      document: DocumentOutcome | None, sandbox: bool) -> CheckResult:
    """``prepared`` is the selfie's analysis (or why it failed), absent exactly when the selfie or the
    document is."""
    if selfie is None:
        return capture_failure(CheckType.FACE_MATCH, "selfie_missing")
    if document is None or prepared is None:
        return capture_failure(CheckType.FACE_MATCH, "document_missing")
    portrait = document.reading.portrait_jpeg
    if portrait is None:
        return capture_failure(CheckType.FACE_MATCH, "document_portrait_not_found")
    if isinstance(prepared, DomainError):
        return capture_failure(CheckType.FACE_MATCH, prepared.code)
    try:
        # The reader's portrait face goes along: the crop is not searched again (docs/targets.md §5).
        return sandbox_label(prepared(portrait, threshold, document.reading.portrait_face).to_check_result(),
                             sandbox)
    except (FaceNotFoundError, InvalidImageError) as exc:
        return capture_failure(CheckType.FACE_MATCH, exc.code)

"""The document portrait of a review case, cropped from the stored front image when asked for.

The face match compares the selfie with a portrait crop that is not stored (only the captures are,
encrypted per subject: docs/architecture.md §5), so the reviewer's page asks for the crop again:
the attempt's stored ``document_front`` is decrypted and cropped by the same detector the reader
uses. Nothing is stored; once the subject is erased the blob store refuses, as for every image.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import NotFoundError
from domain.ports.blobs import BlobStore, session_subject_id
from domain.ports.document import PortraitCropper
from domain.sessions.aggregate import VerificationSession


class PortraitNotFoundError(NotFoundError):
    """The attempt has no document front, or no face shows on it."""

    code = "document_portrait_not_found"


@dataclass(frozen=True)
class DocumentPortraits:
    """Portrait crops of review cases, from the blob store and the cropper the process wires."""

    blobs: BlobStore
    cropper: PortraitCropper

    def portrait(self, session: VerificationSession, attempt: int) -> bytes:
        """The JPEG crop of the portrait on ``attempt``'s document front (the latest one captured)."""
        fronts = [c for c in session.captures.get(attempt, []) if c["kind"] == "document_front"]
        if not fronts:
            raise PortraitNotFoundError("no document front captured in this attempt")
        front = self.blobs.get(session_subject_id(session.tenant, session.id), str(fronts[-1]["blob_ref"]))
        crop = self.cropper.crop(front)
        if crop is None:
            raise PortraitNotFoundError("no face found on the document front")
        return crop

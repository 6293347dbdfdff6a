"""Blob store port: captured media, encrypted under the data subject's key, addressed by content.

Media never enters an event: a ``CaptureRecorded`` event holds the content's sha256 and the blob's
opaque reference (docs/architecture.md §1: media are encrypted and content-addressed). A reference is
derived from the content *and* the subject with a secret key, so equal images of two subjects get
unrelated references and a reference alone reveals nothing. Erasure purges every blob of a subject
(docs/architecture.md §5); reading a blob afterwards raises ``SubjectErasedError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from domain.errors import NotFoundError


class BlobNotFoundError(NotFoundError):
    """No blob with this reference exists for this subject."""

    code = "blob_not_found"


@dataclass(frozen=True)
class StoredBlob:
    """What the store kept: the opaque reference, the plaintext's sha256, its size and media type."""

    ref: str
    content_sha256: str
    size: int
    media_type: str


class BlobStore(Protocol):
    """Stores media bytes encrypted per data subject (local disk embedded, S3 in production)."""

    def put(self, subject_id: str, content: bytes, media_type: str) -> StoredBlob:
        """Encrypt and store ``content``; storing the same content twice returns the same reference.

        Raises ``SubjectErasedError`` when the subject was erased (no new personal data after that).
        """
        ...

    def get(self, subject_id: str, ref: str) -> bytes:
        """The decrypted content; ``SubjectErasedError`` after erasure, ``BlobNotFoundError`` if unknown."""
        ...

    def purge(self, subject_id: str) -> tuple[str, ...]:
        """Delete every blob of the subject; returns the purged references (erasure evidence)."""
        ...


def session_subject_id(tenant_id: str, session_id: UUID) -> str:
    """The data subject of a verification session.

    The key vault is keyed by subject id alone, so the id names the tenant: two tenants' subjects
    can never share a data key.
    """
    return f"{tenant_id}:session:{session_id}"

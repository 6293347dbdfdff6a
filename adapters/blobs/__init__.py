"""Blob stores for captured media (``domain.ports.blobs.BlobStore``): encrypted, content-addressed."""

from adapters.blobs.local_disk import BlobIntegrityError, LocalDiskBlobStore

__all__ = ["BlobIntegrityError", "LocalDiskBlobStore"]

"""A directory standing in for an external WORM sink: one read-only file per signed checkpoint.

Seed 001 section 6 asks for an immutable (WORM) audit log; ARCHITECTURE.md section 4 publishes
checkpoints to an external sink. Here a file, once written, is never replaced: it is created under
a temporary name, fsynced, then hard-linked to its final name (``link`` fails if the name exists,
so there is no overwrite window), and made read-only.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from domain.errors import DomainError
from domain.integrity.checkpoint import SignedCheckpoint


class CheckpointSinkConflictError(DomainError):
    """The sink already holds a different checkpoint under the same name."""

    code = "checkpoint_sink_conflict"


def checkpoint_file_name(signed: SignedCheckpoint) -> str:
    """``checkpoint-<size, 20 digits>-<UTC time>.note``: names sort by size, then time."""
    checkpoint = signed.checkpoint
    moment = checkpoint.timestamp
    return f"checkpoint-{checkpoint.size:020d}-{moment:%Y%m%dT%H%M%S}{moment.microsecond // 1000:03d}Z.note"


class DirectoryCheckpointSink:
    """``CheckpointSink`` writing each signed checkpoint as a new file in ``directory``."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    def export(self, signed: SignedCheckpoint) -> str:
        note = signed.encode()
        final = self._directory / checkpoint_file_name(signed)
        staging = self._directory / f".staging-{secrets.token_hex(8)}"
        fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
        try:
            os.write(fd, note)
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(staging, final)
        except FileExistsError:
            # Re-exporting the same checkpoint is idempotent; a different one under its name is not.
            if final.read_bytes() != note:
                raise CheckpointSinkConflictError("sink already holds another checkpoint under this name",
                                                  file=final.name) from None
        finally:
            staging.unlink()
        self._fsync_directory()
        return str(final)

    def _fsync_directory(self) -> None:
        fd = os.open(self._directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

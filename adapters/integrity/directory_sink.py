"""A directory standing in for an external WORM sink: one read-only file per signed checkpoint.

requirements/platform §6 asks for an immutable (WORM) audit log; docs/architecture.md §4 publishes
checkpoints to an external sink. Here a file, once written, is never replaced: it is created under
a temporary name, fsynced, then hard-linked to its final name (``link`` fails if the name exists,
so there is no overwrite window), and made read-only.

``DirectoryCheckpointSource`` reads such a folder back for ``kycledger ledger verify`` (the sink
itself, or a copy an auditor keeps): every ``*.note`` file, raw, so a foreign or damaged note is
reported by the verifier rather than skipped here.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from domain.errors import DomainError
from domain.integrity.checkpoint import MAX_NOTE_BYTES, SignedCheckpoint
from domain.integrity.checkpoint_sources import CheckpointSourceUnavailableError, HeldNote

NOTE_SUFFIX = ".note"


class CheckpointSinkConflictError(DomainError):
    """The sink already holds a different checkpoint under the same name."""

    code = "checkpoint_sink_conflict"


def checkpoint_file_name(signed: SignedCheckpoint) -> str:
    """``checkpoint-<size, 20 digits>-<UTC time>.note``: names sort by size, then time."""
    checkpoint = signed.checkpoint
    moment = checkpoint.timestamp
    return (f"checkpoint-{checkpoint.size:020d}-{moment:%Y%m%dT%H%M%S}{moment.microsecond // 1000:03d}Z"
            f"{NOTE_SUFFIX}")


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


class DirectoryCheckpointSource:
    """``CheckpointSource`` over a folder of signed checkpoint notes, one per file.

    ``required``: a missing folder is an error (an explicitly configured sink must be there); when
    not required (the embedded stack's default folder before its first checkpoint), it holds nothing.
    """

    def __init__(self, directory: Path, *, required: bool = True) -> None:
        self._directory = directory
        self._required = required

    @property
    def name(self) -> str:
        return f"checkpoint sink {self._directory}"

    def held_notes(self) -> list[HeldNote]:
        try:
            names = sorted(p.name for p in self._directory.iterdir() if p.name.endswith(NOTE_SUFFIX))
        except FileNotFoundError:
            if not self._required:
                return []
            raise CheckpointSourceUnavailableError("the checkpoint folder does not exist",
                                                   path=str(self._directory)) from None
        except OSError as e:
            raise CheckpointSourceUnavailableError("the checkpoint folder cannot be read",
                                                   path=str(self._directory), reason=e.strerror) from None
        return [HeldNote(self.name, name, self._read(name)) for name in names]

    def _read(self, name: str) -> bytes:
        try:
            with (self._directory / name).open("rb") as f:
                return f.read(MAX_NOTE_BYTES + 1)  # a larger file is not a note; the parser says so
        except OSError as e:
            raise CheckpointSourceUnavailableError("a checkpoint file cannot be read",
                                                   path=str(self._directory / name), reason=e.strerror) from None

"""Signed checkpoints held outside the ledger's database, which verification holds the ledger to.

A database superuser can delete the newest events together with the checkpoint rows that describe
them; the ledger then verifies against what is left. What they cannot change is a checkpoint that
already left the database: the external write-once sink today (docs/architecture.md §4), the
witnesses' cosigned checkpoints later. Each such holder is a ``CheckpointSource``; ``ledger
verify`` reads every source it is given and fails when the ledger is shorter than, or its tree at
that size differs from, any checkpoint any of them holds.
"""

from __future__ import annotations

from typing import NamedTuple, Protocol

from domain.errors import DomainError


class HeldNote(NamedTuple):
    """A signed checkpoint note as a holder keeps it: raw, not yet parsed or verified.

    Raw on purpose: a malformed or foreign note must reach the verifier and be reported, not be
    dropped by a reader.
    """

    holder: str
    """Who holds it, for reports: e.g. ``checkpoint sink /srv/kyc/checkpoints``."""
    reference: str
    """Where in the holder: a file name, a witness's URL."""
    note: bytes


class CheckpointSourceUnavailableError(DomainError):
    """A checkpoint source that should be read cannot be (missing folder, no permission)."""

    code = "checkpoint_source_unavailable"


class CheckpointSource(Protocol):
    """A holder of signed checkpoints that the ledger's database cannot change."""

    @property
    def name(self) -> str:
        """Who this is, for reports (e.g. ``checkpoint sink /srv/kyc/checkpoints``)."""
        ...

    def held_notes(self) -> list[HeldNote]:
        """Every signed checkpoint note it holds, in a stable order.

        Raises ``CheckpointSourceUnavailableError`` when the holder cannot be read at all.
        """
        ...

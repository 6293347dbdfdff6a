"""What the evidence and erasure use cases read from the ledger's storage, as one port.

The composition root implements it over a runtime (``ops.integrity_wiring.RuntimeEvidence``): the
raw stored rows with their chain entries, the Merkle node and checkpoint stores with a checkpointer
over them, the signed checkpoint notes, the copies held outside the database, the public key
checkpoints verify under and the signature verifier that checks them (docs/architecture.md §4).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Protocol

from domain.application import KycLedger
from domain.integrity.checkpoint import CheckpointStore
from domain.integrity.checkpoint_sources import HeldNote
from domain.integrity.merkle_store import TreeNodeStore
from domain.integrity.signatures import SignatureVerifier
from domain.integrity.verifier import ChainEntry, EventRow
from services.evidence.checkpoints import Checkpointer

Rows = tuple[Iterator[EventRow], Iterator[ChainEntry]]
Checkpointing = tuple[TreeNodeStore, CheckpointStore, Checkpointer]


class LedgerEvidence(Protocol):
    """The ledger's stored evidence and integrity stores."""

    @property
    def ledger(self) -> KycLedger:
        """The ledger application (commands and aggregate reads)."""
        ...

    @property
    def origin(self) -> str:
        """The log's origin line, named in every checkpoint."""
        ...

    def public_key(self) -> bytes:
        """The Ed25519 public key the ledger's checkpoints verify under."""
        ...

    @property
    def signatures(self) -> SignatureVerifier:
        """The verifier that checks checkpoint signatures under that key."""
        ...

    def snapshot(self) -> AbstractContextManager[Rows]:
        """The stored event rows and their chain entries, in log order, as one consistent read."""
        ...

    def checkpointing(self) -> AbstractContextManager[Checkpointing]:
        """The Merkle node store, the checkpoint store and a checkpointer over them."""
        ...

    def checkpoint_notes(self) -> list[bytes]:
        """Every signed checkpoint the database holds, oldest first, raw."""
        ...

    def held_notes(self) -> list[HeldNote]:
        """The checkpoints held outside the database (the sink and its copies)."""
        ...

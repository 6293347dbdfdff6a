"""``LedgerProofs`` over the stored Merkle log (docs/architecture.md §4: the API serves proofs).

Positions are ledger chain positions (1-based, as the verifier reports them); leaf ``position - 1``
of the RFC 9162 tree. Proof hashes are lowercase hex, bottom-up as RFC 9162 orders them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from domain.integrity.merkle import MerkleRangeError
from domain.integrity.merkle_store import MerkleLog, TreeNodeStore


class MerkleLedgerProofs:
    """Proofs and checkpoints from a tree node store and a checkpoint-note reader."""

    def __init__(self, nodes: TreeNodeStore, notes: Callable[[], list[bytes]]) -> None:
        self._nodes = nodes
        self._notes = notes
        self._lock = threading.Lock()  # the store's connection is shared by request threads

    def checkpoints(self) -> list[str]:
        return [note.decode("utf-8", errors="replace") for note in self._notes()]

    def size(self) -> int:
        with self._lock:
            return MerkleLog(self._nodes).size

    def inclusion(self, position: int, size: int) -> dict[str, Any]:
        if position < 1:
            raise MerkleRangeError("positions start at 1", position=position)
        with self._lock:
            log = MerkleLog(self._nodes)
            proof = log.inclusion_proof(position - 1, size)
            return {"position": position, "tree_size": size, "leaf_hash": log.leaf_hash(position - 1).hex(),
                    "root_hash": log.root(size).hex(), "proof": [h.hex() for h in proof]}

    def consistency(self, first: int, second: int) -> dict[str, Any]:
        with self._lock:
            log = MerkleLog(self._nodes)
            proof = log.consistency_proof(first, second)
            return {"first_size": first, "second_size": second, "first_root_hash": log.root(first).hex(),
                    "second_root_hash": log.root(second).hex(), "proof": [h.hex() for h in proof]}

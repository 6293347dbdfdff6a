"""The ledger's Merkle log kept as stored perfect subtrees, so proofs never recompute the tree.

A perfect subtree is addressed by ``(level, index)``: it covers leaves
``[index * 2**level, (index + 1) * 2**level)``; level 0 holds the leaf hashes. Appending leaf n
writes the leaf plus one node per trailing zero bit of n (amortised ~2 writes per leaf). Nodes are
immutable once written, so a proof for any size up to the stored size is served from stored nodes:
every range in an RFC 9162 proof splits into at most log2(n) perfect subtrees, and at most one
range per proof is not itself perfect, so a proof costs O(log n) node reads in one batch.
(docs/architecture.md §4; docs/targets.md §1: any proof for 1,000,000 leaves without recomputing.)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Protocol

from domain.errors import ConflictError, DomainError, InvalidArgumentError
from domain.integrity.merkle import (
    HASH_SIZE,
    MerkleRangeError,
    check_consistency_args,
    check_inclusion_args,
    consistency_ranges,
    fold_right,
    inclusion_ranges,
    leaf_hash,
    node_hash,
    perfect_subtrees,
)

NodeKey = tuple[int, int]
"""``(level, index)`` of a perfect subtree."""

StoredNode = tuple[int, int, bytes]
"""``(level, index, hash)`` as written to a store."""


class MissingTreeNodeError(DomainError):
    """A node the stored size promises is absent: the node store is damaged."""

    code = "merkle_node_missing"


class TreeNodeStore(Protocol):
    """Persistence of the Merkle log's perfect-subtree hashes and of the size they cover."""

    def stored_size(self) -> int:
        """The number of leaves whose completed perfect subtrees are all stored."""
        ...

    def get_nodes(self, keys: Sequence[NodeKey]) -> list[bytes]:
        """The hashes of ``keys`` in the same order; raise ``MissingTreeNodeError`` if one is absent."""
        ...

    def put_nodes(self, nodes: Sequence[StoredNode], old_size: int, new_size: int) -> None:
        """Atomically add ``nodes`` and move the stored size from ``old_size`` to ``new_size``.

        Raise ``domain.errors.ConflictError`` (writing nothing) when the stored size is not
        ``old_size``: another writer got there first. Existing nodes are never overwritten.
        """
        ...


class ChainReader(Protocol):
    """Read access to the hash chain: entry hashes by gap-free position 1, 2, 3, ..."""

    def size(self) -> int:
        """The number of chained entries (the last position)."""
        ...

    def entry_hashes(self, start: int, limit: int) -> list[bytes]:
        """The entry hashes at positions ``start .. start + limit - 1`` (1-based), fewer at the end."""
        ...


class InMemoryTreeNodeStore:
    """A ``TreeNodeStore`` in a dict: for tests and for proofs over an export held in memory."""

    def __init__(self) -> None:
        self._nodes: dict[NodeKey, bytes] = {}
        self._size = 0

    def stored_size(self) -> int:
        return self._size

    def get_nodes(self, keys: Sequence[NodeKey]) -> list[bytes]:
        try:
            return [self._nodes[key] for key in keys]
        except KeyError as missing:
            raise MissingTreeNodeError("tree node missing", node=missing.args[0]) from None

    def put_nodes(self, nodes: Sequence[StoredNode], old_size: int, new_size: int) -> None:
        if self._size != old_size:
            raise ConflictError("tree size moved", expected=old_size, actual=self._size)
        if any((level, index) in self._nodes for level, index, _ in nodes):
            raise ConflictError("tree nodes are immutable")
        self._nodes.update(((level, index), digest) for level, index, digest in nodes)
        self._size = new_size


class MerkleLog:
    """The append-only Merkle log over entry hashes, backed by a ``TreeNodeStore``.

    Keeps the right-edge perfect subtrees (one per set bit of the size) in memory to append
    without reads; a writer that lost a race reloads them and raises ``ConflictError``.
    """

    def __init__(self, store: TreeNodeStore, batch_size: int = 10_000) -> None:
        if batch_size < 1:
            raise InvalidArgumentError("batch_size must be positive", batch_size=batch_size)
        self._store = store
        self._batch_size = batch_size
        self._size = 0
        self._frontier: dict[int, bytes] = {}
        self.refresh()

    @property
    def size(self) -> int:
        """The number of leaves this log instance knows to be stored."""
        return self._size

    def refresh(self) -> None:
        """Reload the size and right-edge subtrees written by any writer."""
        size = self._store.stored_size()
        keys = perfect_subtrees(0, size)
        hashes = self._store.get_nodes(keys)
        self._frontier = {level: digest for (level, _), digest in zip(keys, hashes, strict=True)}
        self._size = size

    def append(self, entry_hashes: Iterable[bytes]) -> int:
        """Append leaves (32-byte entry hashes), one store transaction per batch; return the size."""
        iterator = iter(entry_hashes)
        while batch := list(islice(iterator, self._batch_size)):
            self._append_batch(batch)
        return self._size

    def extend_from(self, chain: ChainReader) -> int:
        """Append every chain entry past the current size; return the new size."""
        self.refresh()
        target = chain.size()
        if target < self._size:
            # The chain is append-only; a shorter one was truncated behind the log's back.
            raise MerkleRangeError("the chain is shorter than the Merkle log", chain_size=target,
                                   log_size=self._size)
        while self._size < target:
            batch = chain.entry_hashes(self._size + 1, min(self._batch_size, target - self._size))
            if not batch:
                raise MerkleRangeError("chain returned no entries", position=self._size + 1, size=target)
            self._append_batch(batch)
        return self._size

    def _append_batch(self, batch: Sequence[bytes]) -> None:
        frontier = dict(self._frontier)
        nodes: list[StoredNode] = []
        count = self._size
        for entry in batch:
            if len(entry) != HASH_SIZE:
                raise InvalidArgumentError("an entry hash is 32 bytes", position=count + 1, length=len(entry))
            digest = leaf_hash(entry)
            nodes.append((0, count, digest))
            count += 1
            level, merges = 0, count
            while not merges & 1:
                digest = node_hash(frontier.pop(level), digest)
                level += 1
                merges >>= 1
                nodes.append((level, (count >> level) - 1, digest))
            frontier[level] = digest
        try:
            self._store.put_nodes(nodes, self._size, count)
        except ConflictError:
            self.refresh()
            raise
        self._frontier = frontier
        self._size = count

    def _ensure_size(self, size: int) -> None:
        if size > self._size:
            self.refresh()
        if size > self._size:
            raise MerkleRangeError("tree size not yet stored", size=size, stored=self._size)

    def _range_hashes(self, ranges: Sequence[tuple[int, int]]) -> list[bytes]:
        pieces = [perfect_subtrees(start, end) for start, end in ranges]
        hashes: Iterator[bytes] = iter(self._store.get_nodes([key for piece in pieces for key in piece]))
        return [fold_right([next(hashes) for _ in piece]) for piece in pieces]

    def root(self, size: int | None = None) -> bytes:
        """MTH of the first ``size`` leaves (default: all stored)."""
        size = self._size if size is None else size
        check_consistency_args(0, size)
        self._ensure_size(size)
        return self._range_hashes([(0, size)])[0]

    def leaf_hash(self, leaf_index: int) -> bytes:
        """The stored RFC 9162 leaf hash of ``leaf_index`` (chain position ``leaf_index + 1``)."""
        if leaf_index < 0:
            raise MerkleRangeError("leaf index outside the tree", leaf_index=leaf_index)
        self._ensure_size(leaf_index + 1)
        return self._store.get_nodes([(0, leaf_index)])[0]

    def inclusion_proof(self, leaf_index: int, size: int | None = None) -> list[bytes]:
        """PATH(leaf_index, D[size]) from stored nodes, bottom-up as RFC 9162 orders it."""
        size = self._size if size is None else size
        check_inclusion_args(leaf_index, size)
        self._ensure_size(size)
        return self._range_hashes(inclusion_ranges(leaf_index, size))

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """PROOF(old_size, D[new_size]) from stored nodes."""
        new_size = self._size if new_size is None else new_size
        check_consistency_args(old_size, new_size)
        self._ensure_size(new_size)
        return self._range_hashes(consistency_ranges(old_size, new_size))

"""The RFC 9162 Merkle tree over the ledger's entry hashes (docs/architecture.md §4).

Hashing is domain-separated as in RFC 9162 section 2.1.1, with SHA-256:

    leaf  = SHA-256(0x00 || d)        d = the event's 32-byte entry hash (domain/integrity/chain.py)
    node  = SHA-256(0x01 || left || right)
    MTH({}) = SHA-256("")

Leaves are addressed by their 0-based ``leaf_index``; the chain position of a leaf is ``leaf_index + 1``.
Proof shapes follow RFC 9162 PATH (2.1.3.1) and PROOF/SUBPROOF (2.1.4.1). Every range a proof
names is a subtree of the RFC recursion, hence ``start`` is a multiple of the smallest power of two
>= its length; that is what lets a store serve any range from O(log n) stored perfect subtrees.
Verifying proofs (RFC 9162 2.1.3.2 and 2.1.4.2) is in ``domain/integrity/merkle_verify.py``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from domain.errors import DomainError

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"
_sha256 = hashlib.sha256


class MerkleRangeError(DomainError):
    """A tree size, leaf index or pair of sizes that names no proof (e.g. index >= size)."""

    code = "merkle_range_invalid"


def leaf_hash(data: bytes) -> bytes:
    """RFC 9162 leaf hash: SHA-256(0x00 || data)."""
    return _sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 9162 interior node hash: SHA-256(0x01 || left || right)."""
    return _sha256(_NODE_PREFIX + left + right).digest()


def fold_right(subtree_hashes: Sequence[bytes]) -> bytes:
    """Combine the perfect subtrees of a range (left to right, sizes descending) into its MTH.

    RFC 9162 splits at the largest power of two below n, so MTH = node(P1, node(P2, ... Pk)).
    """
    if not subtree_hashes:
        return EMPTY_ROOT
    acc = subtree_hashes[-1]
    for left in reversed(subtree_hashes[:-1]):
        acc = _sha256(_NODE_PREFIX + left + acc).digest()
    return acc


class TreeAccumulator:
    """Streams leaves in O(log n) memory and yields MTH of everything appended so far.

    Keeps one hash per set bit of the size (the right-edge perfect subtrees), the binary-counter
    construction: appending leaf n merges as many subtrees as n has trailing zero bits.
    """

    __slots__ = ("_frontier", "_size")

    def __init__(self) -> None:
        self._frontier: list[bytes] = []
        self._size = 0

    @property
    def size(self) -> int:
        return self._size

    def extend(self, leaf_data: Iterable[bytes]) -> TreeAccumulator:
        # Inlined hot loop: the offline verifier streams >= 100,000 leaves/s through here.
        sha, leaf_prefix, node_prefix = _sha256, _LEAF_PREFIX, _NODE_PREFIX
        push, pop = self._frontier.append, self._frontier.pop
        count = self._size
        for data in leaf_data:
            digest = sha(leaf_prefix + data).digest()
            count += 1
            merges = count
            while not merges & 1:
                digest = sha(node_prefix + pop() + digest).digest()
                merges >>= 1
            push(digest)
        self._size = count
        return self

    def append(self, data: bytes) -> None:
        self.extend((data,))

    def root(self) -> bytes:
        return fold_right(self._frontier)


def root_from_leaves(leaf_data: Iterable[bytes]) -> bytes:
    """MTH over ``leaf_data`` (entry hashes), streaming in O(log n) memory."""
    return TreeAccumulator().extend(leaf_data).root()


def _split(size: int) -> int:
    """The largest power of two strictly below ``size`` (size >= 2): RFC 9162's k."""
    return 1 << ((size - 1).bit_length() - 1)


def inclusion_ranges(leaf_index: int, size: int) -> list[tuple[int, int]]:
    """The leaf ranges [start, end) whose MTHs form PATH(leaf_index, D[size]), bottom-up."""
    check_inclusion_args(leaf_index, size)
    ranges: list[tuple[int, int]] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if leaf_index < start + k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
    ranges.reverse()
    return ranges


def consistency_ranges(old_size: int, new_size: int) -> list[tuple[int, int]]:
    """The leaf ranges whose MTHs form PROOF(old_size, D[new_size]), in proof order.

    Empty when ``old_size`` is 0 or equals ``new_size`` (nothing to prove beyond the roots).
    """
    check_consistency_args(old_size, new_size)
    ranges: list[tuple[int, int]] = []
    if old_size in (0, new_size):
        return ranges
    start, end, whole_old_tree = 0, new_size, True
    while True:
        if old_size - start == end - start:
            # SUBPROOF(m, D[m], b): the old tree's root is known to the verifier only at the top.
            if not whole_old_tree:
                ranges.append((start, end))
            break
        k = _split(end - start)
        if old_size - start <= k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
            whole_old_tree = False
    ranges.reverse()
    return ranges


def perfect_subtrees(start: int, end: int) -> list[tuple[int, int]]:
    """Split an RFC-aligned range into stored perfect subtrees ``(level, index)``, left to right."""
    nodes: list[tuple[int, int]] = []
    while start < end:
        level = (end - start).bit_length() - 1
        if start & ((1 << level) - 1):
            raise MerkleRangeError("range is not a subtree of the RFC 9162 tree", start=start, end=end)
        nodes.append((level, start >> level))
        start += 1 << level
    return nodes


def check_inclusion_args(leaf_index: int, size: int) -> None:
    if not 0 <= leaf_index < size:
        raise MerkleRangeError("leaf index outside the tree", leaf_index=leaf_index, size=size)


def check_consistency_args(old_size: int, new_size: int) -> None:
    if not 0 <= old_size <= new_size:
        raise MerkleRangeError("sizes must satisfy 0 <= old <= new", old_size=old_size, new_size=new_size)


def inclusion_proof_from_leaves(leaf_data: Sequence[bytes], leaf_index: int, size: int) -> list[bytes]:
    """PATH(leaf_index, D[size]) computed from the leaves themselves (O(size); exports, tests)."""
    _check_available(len(leaf_data), size)
    return [root_from_leaves(leaf_data[s:e]) for s, e in inclusion_ranges(leaf_index, size)]


def consistency_proof_from_leaves(leaf_data: Sequence[bytes], old_size: int, new_size: int) -> list[bytes]:
    """PROOF(old_size, D[new_size]) computed from the leaves themselves (O(size))."""
    _check_available(len(leaf_data), new_size)
    return [root_from_leaves(leaf_data[s:e]) for s, e in consistency_ranges(old_size, new_size)]


def _check_available(available: int, size: int) -> None:
    if size > available:
        raise MerkleRangeError("tree size exceeds the leaves given", size=size, available=available)


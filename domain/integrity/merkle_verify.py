"""Verifying RFC 9162 Merkle proofs over the ledger's entry hashes (docs/architecture.md §4).

Verification is RFC 9162 2.1.3.2 (inclusion) and 2.1.4.2 (consistency); digests are compared in
constant time. The tree itself, its hashing and the proofs' shapes are in ``domain/integrity/merkle.py``.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence

from domain.errors import DomainError
from domain.integrity.merkle import EMPTY_ROOT, HASH_SIZE, consistency_ranges, inclusion_ranges, leaf_hash, node_hash


class ProofVerificationError(DomainError):
    """A proof did not verify; ``reason`` is stable, ``expected``/``actual`` say what differed."""

    code = "merkle_proof_invalid"

    def __init__(self, reason: str, *, expected: object, actual: object) -> None:
        super().__init__(f"{reason}: expected {expected!r}, got {actual!r}",
                         reason=reason, expected=expected, actual=actual)
        self.reason = reason
        self.expected = expected
        self.actual = actual


class InclusionProofError(ProofVerificationError):
    code = "merkle_inclusion_proof_invalid"


class ConsistencyProofError(ProofVerificationError):
    code = "merkle_consistency_proof_invalid"


def _check_hash(value: bytes, what: str, error: type[ProofVerificationError]) -> None:
    if len(value) != HASH_SIZE:
        raise error(f"{what}_length", expected=HASH_SIZE, actual=len(value))


def _check_proof_shape(proof: Sequence[bytes], expected_len: int,
                       error: type[ProofVerificationError]) -> None:
    if len(proof) != expected_len:
        raise error("proof_length", expected=expected_len, actual=len(proof))
    for element in proof:
        _check_hash(element, "proof_hash", error)


def root_from_inclusion_proof(leaf_data: bytes, leaf_index: int, size: int, proof: Sequence[bytes]) -> bytes:
    """The root implied by ``proof`` for ``leaf_data`` at ``leaf_index`` (RFC 9162 2.1.3.2 steps 1-4)."""
    if not 0 <= leaf_index < size:
        raise InclusionProofError("leaf_index_in_range", expected=f"< {size}", actual=leaf_index)
    _check_proof_shape(proof, len(inclusion_ranges(leaf_index, size)), InclusionProofError)
    fn, sn = leaf_index, size - 1
    r = leaf_hash(leaf_data)
    for p in proof:
        if sn == 0:
            raise InclusionProofError("proof_length", expected="shorter proof", actual=len(proof))
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise InclusionProofError("proof_length", expected="longer proof", actual=len(proof))
    return r


def verify_inclusion(leaf_data: bytes, leaf_index: int, size: int,
                     proof: Sequence[bytes], root: bytes) -> None:
    """Raise ``InclusionProofError`` unless ``proof`` shows ``leaf_data`` at ``leaf_index`` under ``root``."""
    _check_hash(root, "root", InclusionProofError)
    computed = root_from_inclusion_proof(leaf_data, leaf_index, size, proof)
    if not hmac.compare_digest(computed, root):
        raise InclusionProofError("root_mismatch", expected=root.hex(), actual=computed.hex())


def verify_consistency(old_size: int, new_size: int, proof: Sequence[bytes],
                       old_root: bytes, new_root: bytes) -> None:
    """Raise ``ConsistencyProofError`` unless the tree ``old_root`` of ``old_size`` is a prefix of
    the tree ``new_root`` of ``new_size`` (RFC 9162 2.1.4.2; the empty tree is a prefix of all)."""
    if not 0 <= old_size <= new_size:
        raise ConsistencyProofError("sizes_ordered", expected=f"0 <= old <= {new_size}", actual=old_size)
    _check_hash(old_root, "old_root", ConsistencyProofError)
    _check_hash(new_root, "new_root", ConsistencyProofError)
    _check_proof_shape(proof, len(consistency_ranges(old_size, new_size)), ConsistencyProofError)
    if old_size == 0:
        _require_equal(EMPTY_ROOT, old_root, "old_root_mismatch")
        return
    if old_size == new_size:
        _require_equal(old_root, new_root, "new_root_mismatch")
        return
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        # The old tree is a perfect subtree of the new one: the verifier already holds its hash.
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ConsistencyProofError("proof_length", expected="shorter proof", actual=len(proof))
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ConsistencyProofError("proof_length", expected="longer proof", actual=len(proof))
    _require_equal(old_root, fr, "old_root_mismatch")
    _require_equal(new_root, sr, "new_root_mismatch")


def _require_equal(expected: bytes, actual: bytes, reason: str) -> None:
    if not hmac.compare_digest(expected, actual):
        raise ConsistencyProofError(reason, expected=expected.hex(), actual=actual.hex())

"""Every honest proof verifies; every tampered one fails with a typed error (RFC 9162 2.1.3.2, 2.1.4.2).

Attacks written as tests, as sigstore-python and pymerkle do: flipped bits, reordered, truncated and
extended proofs, wrong sizes and indexes, and the second-preimage attack of presenting an inner
node as a leaf, which the 0x00/0x01 domain separation defeats."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.errors import DomainError
from domain.integrity.merkle import (
    EMPTY_ROOT,
    MerkleRangeError,
    TreeAccumulator,
    consistency_proof_from_leaves,
    inclusion_proof_from_leaves,
    leaf_hash,
    node_hash,
)
from domain.integrity.merkle_verify import (
    ConsistencyProofError,
    InclusionProofError,
    ProofVerificationError,
    verify_consistency,
    verify_inclusion,
)

pytestmark = pytest.mark.unit

MAX_SIZE = 300
LEAVES = [hashlib.sha256(b"entry %d" % i).digest() for i in range(MAX_SIZE)]
ROOTS = [EMPTY_ROOT]
_acc = TreeAccumulator()
for _leaf in LEAVES:
    _acc.append(_leaf)
    ROOTS.append(_acc.root())

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def flip_bit(value: bytes, bit: int) -> bytes:
    mutable = bytearray(value)
    mutable[bit // 8 % len(value)] ^= 1 << (bit % 8)
    return bytes(mutable)


@st.composite
def inclusion_case(draw: st.DrawFn) -> tuple[int, int, list[bytes]]:
    size = draw(st.integers(1, MAX_SIZE))
    index = draw(st.integers(0, size - 1))
    return index, size, inclusion_proof_from_leaves(LEAVES, index, size)


@st.composite
def consistency_case(draw: st.DrawFn) -> tuple[int, int, list[bytes]]:
    new = draw(st.integers(2, MAX_SIZE))
    old = draw(st.integers(1, new - 1))
    return old, new, consistency_proof_from_leaves(LEAVES, old, new)


@FAST
@given(inclusion_case(), st.data())
def test_inclusion_proofs_verify_and_every_tampering_fails(
    case: tuple[int, int, list[bytes]], data: st.DataObject
) -> None:
    index, size, proof = case
    root = ROOTS[size]
    verify_inclusion(LEAVES[index], index, size, proof, root)

    with pytest.raises(InclusionProofError):  # another leaf's data at this index
        verify_inclusion(LEAVES[(index + 1) % MAX_SIZE], index, size, proof, root)
    with pytest.raises(InclusionProofError):
        verify_inclusion(LEAVES[index], index, size, proof, flip_bit(root, data.draw(st.integers(0, 255))))
    with pytest.raises(InclusionProofError):  # extended with a plausible hash
        verify_inclusion(LEAVES[index], index, size, [*proof, ROOTS[1]], root)
    if size > 1:  # the wrong index for the same leaf and proof
        other = data.draw(st.integers(0, size - 1).filter(lambda i: i != index))
        with pytest.raises(InclusionProofError):
            verify_inclusion(LEAVES[index], other, size, proof, root)
    if proof:
        position = data.draw(st.integers(0, len(proof) - 1))
        flipped = list(proof)
        flipped[position] = flip_bit(proof[position], data.draw(st.integers(0, 255)))
        with pytest.raises(InclusionProofError, match="root_mismatch"):
            verify_inclusion(LEAVES[index], index, size, flipped, root)
        with pytest.raises(InclusionProofError, match="proof_length"):
            verify_inclusion(LEAVES[index], index, size, proof[:position] + proof[position + 1 :], root)
    if len(proof) > 1:
        reordered = list(reversed(proof))
        with pytest.raises(InclusionProofError, match="root_mismatch"):
            verify_inclusion(LEAVES[index], index, size, reordered, root)


@FAST
@given(inclusion_case(), st.integers(1, MAX_SIZE))
def test_inclusion_proof_against_the_wrong_tree_size_fails(
    case: tuple[int, int, list[bytes]], claimed_size: int
) -> None:
    # A root does not commit to its size (RFC 9162 tree heads carry it beside the root, and our
    # signed checkpoint binds the two), so the attack is: a proof made for one size, checked
    # against the genuine root of another.
    index, size, proof = case
    if claimed_size == size or index >= claimed_size:
        return
    with pytest.raises(InclusionProofError):
        verify_inclusion(LEAVES[index], index, claimed_size, proof, ROOTS[claimed_size])


@FAST
@given(consistency_case(), st.data())
def test_consistency_proofs_verify_and_every_tampering_fails(
    case: tuple[int, int, list[bytes]], data: st.DataObject
) -> None:
    old, new, proof = case
    verify_consistency(old, new, proof, ROOTS[old], ROOTS[new])

    position = data.draw(st.integers(0, len(proof) - 1))
    flipped = list(proof)
    flipped[position] = flip_bit(proof[position], data.draw(st.integers(0, 255)))
    with pytest.raises(ConsistencyProofError, match="root_mismatch"):
        verify_consistency(old, new, flipped, ROOTS[old], ROOTS[new])
    with pytest.raises(ConsistencyProofError, match="proof_length"):
        verify_consistency(old, new, proof[:position] + proof[position + 1 :], ROOTS[old], ROOTS[new])
    with pytest.raises(ConsistencyProofError, match="proof_length"):
        verify_consistency(old, new, [*proof, ROOTS[1]], ROOTS[old], ROOTS[new])
    if len(proof) > 1:
        with pytest.raises(ConsistencyProofError, match="root_mismatch"):
            verify_consistency(old, new, list(reversed(proof)), ROOTS[old], ROOTS[new])
    # A forked history: a different old root, or a new tree that rewrote an old leaf.
    with pytest.raises(ConsistencyProofError, match="root_mismatch"):
        verify_consistency(old, new, proof, ROOTS[old - 1], ROOTS[new])
    forked = [*LEAVES[: old - 1], b"rewritten", *LEAVES[old:new]]
    forked_root = TreeAccumulator().extend(forked).root()
    with pytest.raises(ConsistencyProofError, match="root_mismatch"):
        verify_consistency(old, new, proof, ROOTS[old], forked_root)


@FAST
@given(consistency_case(), st.integers(1, MAX_SIZE), st.integers(1, MAX_SIZE))
def test_consistency_proof_for_other_sizes_fails(
    case: tuple[int, int, list[bytes]], claimed_old: int, claimed_new: int
) -> None:
    old, new, proof = case
    if (claimed_old, claimed_new) == (old, new) or claimed_old > claimed_new:
        return
    with pytest.raises(ConsistencyProofError):
        verify_consistency(claimed_old, claimed_new, proof, ROOTS[claimed_old], ROOTS[claimed_new])


def test_second_preimage_inner_node_presented_as_leaf_fails() -> None:
    leaves = LEAVES[:4]
    l0, l1, l2, l3 = (leaf_hash(x) for x in leaves)
    left, right = node_hash(l0, l1), node_hash(l2, l3)
    root = node_hash(left, right)
    assert root == ROOTS[4]
    # Without domain separation the 2-leaf tree (l0||l1, l2||l3) would have this very root.
    with pytest.raises(InclusionProofError, match="root_mismatch"):
        verify_inclusion(l0 + l1, 0, 2, [right], root)
    # Nor does the inner node's hash pass as leaf data.
    with pytest.raises(InclusionProofError, match="root_mismatch"):
        verify_inclusion(left, 0, 2, [right], root)


def test_truncated_log_cannot_pass_as_the_signed_size() -> None:
    # A log cut back to 5 leaves cannot prove a leaf under the root signed at 8.
    proof = inclusion_proof_from_leaves(LEAVES, 4, 5)
    with pytest.raises(InclusionProofError):
        verify_inclusion(LEAVES[4], 4, 8, proof, ROOTS[8])
    with pytest.raises(ConsistencyProofError):
        verify_consistency(8, 5, [], ROOTS[8], ROOTS[5])


def test_degenerate_consistency_cases() -> None:
    verify_consistency(0, 9, [], EMPTY_ROOT, ROOTS[9])
    verify_consistency(9, 9, [], ROOTS[9], ROOTS[9])
    with pytest.raises(ConsistencyProofError, match="old_root_mismatch"):
        verify_consistency(0, 9, [], ROOTS[1], ROOTS[9])
    with pytest.raises(ConsistencyProofError, match="new_root_mismatch"):
        verify_consistency(9, 9, [], ROOTS[9], ROOTS[8])
    with pytest.raises(ConsistencyProofError, match="proof_length"):
        verify_consistency(9, 9, [ROOTS[1]], ROOTS[9], ROOTS[9])
    with pytest.raises(ConsistencyProofError, match="proof_length"):
        verify_consistency(6, 8, [], ROOTS[6], ROOTS[8])


def test_errors_are_typed_and_carry_expected_and_actual() -> None:
    proof = inclusion_proof_from_leaves(LEAVES, 3, 10)
    with pytest.raises(InclusionProofError) as caught:
        verify_inclusion(LEAVES[3], 3, 10, proof, ROOTS[9])
    error = caught.value
    assert isinstance(error, ProofVerificationError) and isinstance(error, DomainError)
    assert error.code == "merkle_inclusion_proof_invalid"
    assert (error.reason, error.expected) == ("root_mismatch", ROOTS[9].hex())
    assert error.actual == ROOTS[10].hex()
    with pytest.raises(InclusionProofError) as short:
        verify_inclusion(LEAVES[3], 3, 10, proof[:-1], ROOTS[10])
    assert (short.value.reason, short.value.expected, short.value.actual) == ("proof_length", 4, 3)


@pytest.mark.parametrize(
    ("call", "reason"),
    [
        (lambda: verify_inclusion(LEAVES[0], 5, 5, [], ROOTS[5]), "leaf_index_in_range"),
        (lambda: verify_inclusion(LEAVES[0], -1, 5, [], ROOTS[5]), "leaf_index_in_range"),
        (lambda: verify_inclusion(LEAVES[0], 0, 2, [b"short"], ROOTS[2]), "proof_hash_length"),
        (lambda: verify_inclusion(LEAVES[0], 0, 1, [], ROOTS[1][:31]), "root_length"),
        (lambda: verify_consistency(3, 2, [], ROOTS[3], ROOTS[2]), "sizes_ordered"),
        (lambda: verify_consistency(1, 2, [], ROOTS[1], b""), "new_root_length"),
    ],
)
def test_malformed_verification_input_is_rejected(call: Callable[[], None], reason: str) -> None:
    with pytest.raises(ProofVerificationError) as caught:
        call()
    assert caught.value.reason == reason


def test_proof_generation_rejects_impossible_requests() -> None:
    calls: tuple[Callable[[], list[bytes]], ...] = (
        lambda: inclusion_proof_from_leaves(LEAVES, 5, 5),
        lambda: inclusion_proof_from_leaves(LEAVES[:3], 0, 4),
        lambda: consistency_proof_from_leaves(LEAVES, 5, 4),
        lambda: consistency_proof_from_leaves(LEAVES, -1, 4),
    )
    for call in calls:
        with pytest.raises(MerkleRangeError) as caught:
            call()
        assert caught.value.code == "merkle_range_invalid"

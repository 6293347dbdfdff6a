"""Known answers for the RFC 9162 tree: published vectors, first-principles vectors, and an
exhaustive cross-check against a naive recursive transcription of RFC 9162 section 2.1."""

from __future__ import annotations

import hashlib

import pytest

from domain.integrity.merkle import (
    EMPTY_ROOT,
    TreeAccumulator,
    consistency_proof_from_leaves,
    inclusion_proof_from_leaves,
    leaf_hash,
    node_hash,
    root_from_leaves,
)
from domain.integrity.merkle_verify import verify_consistency, verify_inclusion

pytestmark = pytest.mark.unit


def sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


# --- A deliberately naive transcription of RFC 9162 2.1 (MTH, PATH, PROOF/SUBPROOF) over lists of
# leaf data. O(n) per call and obviously correct; it shares no code with domain/integrity/merkle.py.


def _k(n: int) -> int:
    # "the largest power of two smaller than n"
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(d: list[bytes]) -> bytes:
    n = len(d)
    if n == 0:
        return sha(b"")
    if n == 1:
        return sha(b"\x00" + d[0])
    k = _k(n)
    return sha(b"\x01" + mth(d[:k]) + mth(d[k:]))


def path(m: int, d: list[bytes]) -> list[bytes]:
    n = len(d)
    if n == 1:
        return []
    k = _k(n)
    if m < k:
        return [*path(m, d[:k]), mth(d[k:])]
    return [*path(m - k, d[k:]), mth(d[:k])]


def subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if b else [mth(d)]
    k = _k(n)
    if m <= k:
        return [*subproof(m, d[:k], b), mth(d[k:])]
    return [*subproof(m - k, d[k:], False), mth(d[:k])]


def proof(m: int, d: list[bytes]) -> list[bytes]:
    return subproof(m, d, True)


# The RFC 6962 reference vectors shared by certificate-transparency and Trillian test suites.
CT_LEAVES = [bytes.fromhex(x) for x in (
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f")]
CT_ROOTS = {
    0: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    1: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    2: "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    3: "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    4: "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    5: "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    6: "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    7: "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    8: "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}
CT_INCLUSION_0_OF_8 = [
    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
]
CT_CONSISTENCY = {
    (1, 8): CT_INCLUSION_0_OF_8,
    (2, 8): CT_INCLUSION_0_OF_8[1:],
    (6, 8): ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
             "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
             "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"],
}

# Our own leaves are 32-byte entry hashes; these vectors freeze the tree over them.
ENTRY_HASHES = [sha(b"kycledger test entry %d" % i) for i in range(7)]
FROZEN_ROOTS = {
    1: "35d36141664d1190dfec87ecbb4fc2bc6f83de7b72397bb538b6ea4e47c71c4d",
    3: "8e8994ce29985080ff5a13454d376d950cd22ece337660ef531d046cde6ff7aa",
    7: "57ffe782db0f122079cc4bcc6bd892629766f8ec590599b6d47eb8595023f562",
}


@pytest.mark.parametrize("size", sorted(CT_ROOTS))
def test_roots_match_the_published_rfc6962_vectors(size: int) -> None:
    assert root_from_leaves(CT_LEAVES[:size]).hex() == CT_ROOTS[size]


def test_inclusion_and_consistency_match_the_published_vectors() -> None:
    assert [p.hex() for p in inclusion_proof_from_leaves(CT_LEAVES, 0, 8)] == CT_INCLUSION_0_OF_8
    for (m, n), expected in CT_CONSISTENCY.items():
        got = consistency_proof_from_leaves(CT_LEAVES, m, n)
        assert [p.hex() for p in got] == expected
        verify_consistency(m, n, got, bytes.fromhex(CT_ROOTS[m]), bytes.fromhex(CT_ROOTS[n]))


def test_hashing_is_domain_separated_from_first_principles() -> None:
    assert sha(b"") == EMPTY_ROOT
    assert leaf_hash(b"abc") == sha(b"\x00abc")
    assert node_hash(b"L" * 32, b"R" * 32) == sha(b"\x01" + b"L" * 32 + b"R" * 32)


def test_small_trees_from_first_principles() -> None:
    e = ENTRY_HASHES
    leaf = [sha(b"\x00" + x) for x in e]

    def node(a: bytes, b: bytes) -> bytes:
        return sha(b"\x01" + a + b)

    # size 3: the split is 2 + 1, so the lone third leaf is hashed one level up unchanged.
    assert root_from_leaves(e[:3]) == node(node(leaf[0], leaf[1]), leaf[2])
    # size 7: 4 + (2 + 1).
    four = node(node(leaf[0], leaf[1]), node(leaf[2], leaf[3]))
    assert root_from_leaves(e[:7]) == node(four, node(node(leaf[4], leaf[5]), leaf[6]))
    # PATH(6, D[7]) = [MTH(D[4:6]), MTH(D[0:4])] and PROOF(3, D[7]) per RFC 9162 2.1.4.1.
    assert inclusion_proof_from_leaves(e, 6, 7) == [node(leaf[4], leaf[5]), four]
    assert consistency_proof_from_leaves(e, 3, 7) == [
        leaf[2], leaf[3], node(leaf[0], leaf[1]), node(node(leaf[4], leaf[5]), leaf[6])]


def test_entry_hash_tree_is_frozen() -> None:
    for size, frozen in FROZEN_ROOTS.items():
        assert mth(ENTRY_HASHES[:size]).hex() == frozen  # the vector itself is right
        assert root_from_leaves(ENTRY_HASHES[:size]).hex() == frozen


@pytest.mark.parametrize("size", range(0, 41))
def test_every_proof_equals_the_naive_rfc_definition(size: int) -> None:
    leaves = [sha(b"%d" % i) for i in range(size)]
    root = mth(leaves)
    assert root_from_leaves(leaves) == root
    for index in range(size):
        got = inclusion_proof_from_leaves(leaves, index, size)
        assert got == path(index, leaves)
        verify_inclusion(leaves[index], index, size, got, root)
    for old in range(1, size):
        got = consistency_proof_from_leaves(leaves, old, size)
        assert got == proof(old, leaves)
        verify_consistency(old, size, got, mth(leaves[:old]), root)


def test_accumulator_roots_at_every_prefix() -> None:
    leaves = [sha(b"%d" % i) for i in range(70)]
    accumulator = TreeAccumulator()
    for size, data in enumerate(leaves, start=1):
        accumulator.append(data)
        assert accumulator.size == size
        assert accumulator.root() == mth(leaves[:size])

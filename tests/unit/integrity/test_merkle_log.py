"""The stored-node Merkle log: proofs from stored perfect subtrees equal the RFC definitions, with
~2 node writes per leaf and O(log n) node reads per proof, in one store call."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence

import pytest

from domain.errors import ConflictError, InvalidArgumentError
from domain.integrity.merkle import (
    MerkleRangeError,
    TreeAccumulator,
    consistency_proof_from_leaves,
    inclusion_proof_from_leaves,
    leaf_hash,
)
from domain.integrity.merkle_store import (
    InMemoryTreeNodeStore,
    MerkleLog,
    MissingTreeNodeError,
    NodeKey,
    StoredNode,
)
from domain.integrity.merkle_verify import verify_consistency, verify_inclusion

pytestmark = pytest.mark.unit


def entries(count: int, start: int = 0) -> list[bytes]:
    return [hashlib.sha256(b"chain entry %d" % i).digest() for i in range(start, start + count)]


class CountingStore(InMemoryTreeNodeStore):
    def __init__(self) -> None:
        super().__init__()
        self.reads = 0
        self.read_calls = 0
        self.writes = 0

    def get_nodes(self, keys: Sequence[NodeKey]) -> list[bytes]:
        self.read_calls += 1
        self.reads += len(keys)
        return super().get_nodes(keys)

    def put_nodes(self, nodes: Sequence[StoredNode], old_size: int, new_size: int) -> None:
        super().put_nodes(nodes, old_size, new_size)
        self.writes += len(nodes)


class FakeChainReader:
    def __init__(self, hashes: list[bytes]) -> None:
        self.hashes = hashes

    def size(self) -> int:
        return len(self.hashes)

    def entry_hashes(self, start: int, limit: int) -> list[bytes]:
        return self.hashes[start - 1 : start - 1 + limit]


def test_proofs_from_stored_nodes_equal_proofs_from_leaves_for_every_size() -> None:
    leaves = entries(70)
    log = MerkleLog(InMemoryTreeNodeStore(), batch_size=3)
    for batch in (leaves[:1], leaves[1:2], leaves[2:13], leaves[13:64], leaves[64:]):
        log.append(batch)
    assert log.size == 70
    for size in range(0, 71):
        assert log.root(size) == TreeAccumulator().extend(leaves[:size]).root()
        for index in range(size):
            assert log.inclusion_proof(index, size) == inclusion_proof_from_leaves(leaves, index, size)
        for old in range(0, size + 1):
            assert log.consistency_proof(old, size) == consistency_proof_from_leaves(leaves, old, size)


def test_writes_are_about_two_per_leaf() -> None:
    store = CountingStore()
    log = MerkleLog(store, batch_size=1000)
    n = 5000
    log.append(entries(n))
    # Exactly one node per completed perfect subtree: 2n - popcount(n).
    assert store.writes == 2 * n - bin(n).count("1")
    assert log.leaf_hash(4321) == leaf_hash(entries(1, 4321)[0])


def test_a_proof_reads_o_log_n_nodes_in_one_store_call() -> None:
    store = CountingStore()
    log = MerkleLog(store, batch_size=20_000)
    n = (1 << 16) + 12_345  # not a power of two: right-edge ranges are combined from perfect ones
    leaves = entries(n)
    log.append(leaves)
    root = log.root()
    bound = 2 * math.ceil(math.log2(n)) + 1
    for index in (0, 1, n // 3, (1 << 16) - 1, 1 << 16, n - 2, n - 1):
        store.reads = store.read_calls = 0
        proof = log.inclusion_proof(index, n)
        assert store.read_calls == 1
        assert store.reads <= bound
        verify_inclusion(leaves[index], index, n, proof, root)
    store.reads = store.read_calls = 0
    old = 40_001
    proof = log.consistency_proof(old, n)
    assert (store.read_calls, store.reads <= bound) == (1, True)
    verify_consistency(old, n, proof, log.root(old), root)


def test_log_reopened_on_the_same_store_continues_where_it_stopped() -> None:
    store = InMemoryTreeNodeStore()
    leaves = entries(45)
    MerkleLog(store).append(leaves[:29])
    reopened = MerkleLog(store)
    assert reopened.size == 29
    reopened.append(leaves[29:])
    assert reopened.root() == TreeAccumulator().extend(leaves).root()


def test_extend_from_reads_only_the_new_chain_entries() -> None:
    chain = FakeChainReader(entries(10))
    log = MerkleLog(InMemoryTreeNodeStore(), batch_size=4)
    assert log.extend_from(chain) == 10
    chain.hashes += entries(7, start=10)
    assert log.extend_from(chain) == 17
    assert log.root() == TreeAccumulator().extend(chain.hashes).root()


def test_a_stale_writer_gets_a_conflict_and_can_retry() -> None:
    store = InMemoryTreeNodeStore()
    first, second = MerkleLog(store), MerkleLog(store)
    first.append(entries(5))
    with pytest.raises(ConflictError):
        second.append(entries(1, start=5))
    assert second.size == 5  # reloaded after the conflict
    second.append(entries(1, start=5))
    assert MerkleLog(store).root() == TreeAccumulator().extend(entries(6)).root()


def test_a_bad_entry_hash_writes_nothing() -> None:
    store = InMemoryTreeNodeStore()
    log = MerkleLog(store)
    with pytest.raises(InvalidArgumentError) as caught:
        log.append([*entries(3), b"not 32 bytes"])
    assert caught.value.code == "invalid_argument"
    assert (log.size, store.stored_size()) == (0, 0)


def test_requests_beyond_the_stored_tree_are_refused() -> None:
    log = MerkleLog(InMemoryTreeNodeStore())
    log.append(entries(8))
    for call in (lambda: log.inclusion_proof(8, 8), lambda: log.inclusion_proof(0, 9),
                 lambda: log.consistency_proof(3, 9), lambda: log.root(9), lambda: log.leaf_hash(8),
                 lambda: log.leaf_hash(-1), lambda: log.consistency_proof(5, 4)):
        with pytest.raises(MerkleRangeError):
            call()


def test_a_damaged_store_is_reported_not_papered_over() -> None:
    store = InMemoryTreeNodeStore()
    log = MerkleLog(store)
    log.append(entries(8))
    del store._nodes[(1, 2)]  # the subtree over leaves 4..5
    log.inclusion_proof(0, 8)  # does not need it
    with pytest.raises(MissingTreeNodeError) as caught:
        log.inclusion_proof(7, 8)
    assert caught.value.code == "merkle_node_missing"


def test_batch_size_must_be_positive() -> None:
    with pytest.raises(InvalidArgumentError):
        MerkleLog(InMemoryTreeNodeStore(), batch_size=0)

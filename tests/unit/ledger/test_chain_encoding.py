"""The entry-hash encoding is frozen: published vectors, and an independent re-derivation."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.integrity.chain import GENESIS_HASH, ChainRecord, chain_hashes, entry_hash

pytestmark = pytest.mark.unit

VECTORS = json.loads((Path(__file__).resolve().parents[3] / "domain/integrity/chain_vectors.json").read_text())


def _records() -> list[ChainRecord]:
    return [
        ChainRecord(v["position"], v["notification_id"], UUID(v["originator_id"]), v["originator_version"],
                    v["topic"], bytes.fromhex(v["state_hex"]))
        for v in VECTORS["vectors"]
    ]


def _independent(prev: bytes, r: ChainRecord) -> bytes:
    # Written from the docstring's specification, not from the implementation.
    def lp(b: bytes) -> bytes:
        return len(b).to_bytes(4, "big") + b

    message = (
        lp(b"kycledger.ledger.entry.v1") + prev + r.position.to_bytes(8, "big")
        + r.notification_id.to_bytes(8, "big") + lp(r.originator_id.bytes)
        + r.originator_version.to_bytes(8, "big") + lp(r.topic.encode()) + hashlib.sha256(r.state).digest()
    )
    return hashlib.sha256(message).digest()


def test_published_vectors_reproduce() -> None:
    expected = [bytes.fromhex(v["entry_hash_hex"]) for v in VECTORS["vectors"]]
    assert list(chain_hashes(_records())) == expected


def test_vectors_match_an_independent_derivation() -> None:
    prev = GENESIS_HASH
    for record, vector in zip(_records(), VECTORS["vectors"], strict=True):
        prev = _independent(prev, record)
        assert prev.hex() == vector["entry_hash_hex"]


@pytest.mark.parametrize(
    "field, value",
    [("position", 9), ("notification_id", 9), ("originator_version", 9), ("topic", "other"),
     ("state", b"other"), ("originator_id", UUID(int=9))],
)
def test_every_bound_field_changes_the_hash(field: str, value: object) -> None:
    record = _records()[0]
    changed = ChainRecord(**{**record.__dict__, field: value})
    assert entry_hash(GENESIS_HASH, changed) != entry_hash(GENESIS_HASH, record)


def test_the_previous_hash_is_bound() -> None:
    record = _records()[0]
    assert entry_hash(b"\x01" * 32, record) != entry_hash(GENESIS_HASH, record)


def test_length_prefixes_prevent_topic_state_ambiguity() -> None:
    a = ChainRecord(1, 1, UUID(int=1), 1, "ab", b"c")
    b = ChainRecord(1, 1, UUID(int=1), 1, "a", b"bc")
    assert entry_hash(GENESIS_HASH, a) != entry_hash(GENESIS_HASH, b)


@given(st.binary(max_size=64), st.text(max_size=20), st.integers(1, 2**63))
def test_matches_independent_derivation_for_any_input(state: bytes, topic: str, n: int) -> None:
    record = ChainRecord(n, n, UUID(int=n), n, topic, state)
    assert entry_hash(GENESIS_HASH, record) == _independent(GENESIS_HASH, record)


def test_rejects_bad_previous_hash_and_out_of_range_numbers() -> None:
    record = _records()[0]
    with pytest.raises(ValueError):
        entry_hash(b"short", record)
    with pytest.raises(ValueError):
        entry_hash(GENESIS_HASH, ChainRecord(-1, 1, UUID(int=1), 1, "t", b""))

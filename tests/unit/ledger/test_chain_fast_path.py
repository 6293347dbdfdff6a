"""The writers' split hashing (``entry_bodies`` + ``link_chain``) is the frozen encoding, byte for byte,
and the tail cache guesses only a tail that committed, never going back to an older one."""

from __future__ import annotations

import json
from pathlib import Path
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent
from hypothesis import given
from hypothesis import strategies as st

from adapters.persistence.chain_rows import ChainTail, TailCache, entry_bodies, extend_chain, link_chain, tail_of
from domain.integrity.chain import GENESIS_HASH, ChainRecord, chain_hashes, entry_hash_of

pytestmark = pytest.mark.unit

VECTORS = json.loads((Path(__file__).resolve().parents[3] / "domain/integrity/chain_vectors.json").read_text())
U64_MAX = 2**64 - 1


def _stored(v: dict[str, object]) -> StoredEvent:
    return StoredEvent(UUID(str(v["originator_id"])), int(str(v["originator_version"])), str(v["topic"]),
                       bytes.fromhex(str(v["state_hex"])))


def test_published_vectors_reproduce_through_the_writers_path() -> None:
    vectors = VECTORS["vectors"]
    rows = link_chain(None, entry_bodies([_stored(v) for v in vectors]), [v["notification_id"] for v in vectors])
    assert [r[0] for r in rows] == [v["position"] for v in vectors]
    assert [r[2].hex() for r in rows] == [v["entry_hash_hex"] for v in vectors]


def test_continuing_a_tail_matches_the_reference_chain() -> None:
    vectors = VECTORS["vectors"]
    records = [ChainRecord(v["position"], v["notification_id"], UUID(v["originator_id"]), v["originator_version"],
                           v["topic"], bytes.fromhex(v["state_hex"])) for v in vectors]
    expected = list(chain_hashes(records))
    head = link_chain(None, entry_bodies([_stored(v) for v in vectors[:1]]), [vectors[0]["notification_id"]])
    rest = link_chain(tail_of(head), entry_bodies([_stored(v) for v in vectors[1:]]),
                      [v["notification_id"] for v in vectors[1:]])
    assert [r[2] for r in head + rest] == expected


@given(
    prev=st.binary(min_size=32, max_size=32),
    position=st.integers(0, U64_MAX - 1),
    notification_id=st.integers(0, U64_MAX),
    uuid_int=st.integers(0, 2**128 - 1),
    version=st.integers(0, U64_MAX),
    topic=st.text(max_size=40),
    state=st.binary(max_size=200),
    as_text=st.booleans(),
)
def test_matches_entry_hash_of_for_any_input(prev: bytes, position: int, notification_id: int, uuid_int: int,
                                             version: int, topic: str, state: bytes, as_text: bool) -> None:
    originator = UUID(int=uuid_int)
    event = StoredEvent(str(originator) if as_text else originator, version, topic, state)
    [(got_position, got_id, got_hash)] = link_chain(ChainTail(position, prev, 0), entry_bodies([event]),
                                                    [notification_id])
    assert (got_position, got_id) == (position + 1, notification_id)
    assert got_hash == entry_hash_of(prev, position + 1, notification_id, originator, version, topic, state)


def test_extend_chain_starts_at_the_genesis_hash() -> None:
    event = StoredEvent(UUID(int=7), 1, "t", b"s")
    [row] = extend_chain(None, [event], [42])
    assert (row.position, row.notification_id) == (1, 42)
    assert row.entry_hash == entry_hash_of(GENESIS_HASH, 1, 42, UUID(int=7), 1, "t", b"s")


def test_rejects_what_entry_hash_of_rejects() -> None:
    event = StoredEvent(UUID(int=1), 1, "t", b"")
    with pytest.raises(ValueError):
        link_chain(ChainTail(1, b"short", 1), entry_bodies([event]), [2])
    with pytest.raises(ValueError):
        entry_bodies([StoredEvent(UUID(int=1), -1, "t", b"")])
    with pytest.raises(ValueError):
        link_chain(None, entry_bodies([event]), [-5])
    with pytest.raises(RuntimeError):
        link_chain(None, entry_bodies([event]), [1, 2])


def test_tail_cache_guesses_the_last_promoted_tail_and_counts_what_the_writer_found() -> None:
    cache = TailCache()
    assert cache.guess() is None
    cache.promote(ChainTail(5, b"h" * 32, 5))
    assert cache.guess() == ChainTail(5, b"h" * 32, 5)
    cache.note(True)
    cache.note(False)  # someone else took rowid 6: the writer read the tail from the table
    cache.note(False)
    assert (cache.hits, cache.misses) == (1, 2)


def test_tail_cache_never_goes_back_to_an_older_tail() -> None:
    cache = TailCache()
    cache.promote(ChainTail(3, b"c" * 32, 3))
    cache.promote(ChainTail(2, b"b" * 32, 2))  # an older commit whose thread got here late
    assert cache.guess() == ChainTail(3, b"c" * 32, 3)

"""Merkle node and checkpoint stores against a real SQLite file and a real PostgreSQL: one contract
suite run on both (contract tests per backend)."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from adapters.integrity.directory_sink import DirectoryCheckpointSink
from adapters.integrity.ed25519_keys import Ed25519CheckpointSigner, verify_checkpoint_signature
from adapters.integrity.postgres_integrity import PostgresCheckpointStore, PostgresTreeNodeStore
from adapters.integrity.sqlite_integrity import SqliteCheckpointStore, SqliteTreeNodeStore
from domain.errors import ConflictError
from domain.integrity.checkpoint import Checkpoint, CheckpointStore, sign_checkpoint
from domain.integrity.merkle import (
    consistency_proof_from_leaves,
    inclusion_proof_from_leaves,
    root_from_leaves,
)
from domain.integrity.merkle_store import MerkleLog, TreeNodeStore
from domain.integrity.merkle_verify import verify_inclusion
from ops.runners.checkpointer import CheckpointSchedule
from services.evidence.checkpoints import Checkpointer

pytestmark = pytest.mark.integration

SIGNER = Ed25519CheckpointSigner(Ed25519PrivateKey.generate(), "ledger.test/kyc")
LEAVES = [hashlib.sha256(b"stored entry %d" % i).digest() for i in range(1500)]


@dataclass
class Backend:
    """Opens new connections to one database and wraps them in our stores."""

    name: str
    connect: Callable[[], Any]
    node_store: Callable[[Any], TreeNodeStore]
    checkpoint_store: Callable[[Any], CheckpointStore]
    refused: type[Exception]


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    opened: list[Any] = []

    def track(connect: Callable[[], Any]) -> Callable[[], Any]:
        def open_connection() -> Any:
            opened.append(connect())
            return opened[-1]
        return open_connection

    if request.param == "sqlite":
        path = tmp_path / "ledger.sqlite3"
        yield Backend("sqlite", track(lambda: sqlite3.connect(path, check_same_thread=False)),
                      SqliteTreeNodeStore, SqliteCheckpointStore, sqlite3.IntegrityError)
    else:
        dsn = request.getfixturevalue("fresh_postgres_db")
        yield Backend("postgres", track(lambda: psycopg.connect(dsn)),
                      PostgresTreeNodeStore, PostgresCheckpointStore, psycopg.errors.InsufficientPrivilege)
    for connection in opened:
        connection.close()


def test_log_round_trips_through_the_store_and_a_new_connection(backend: Backend) -> None:
    log = MerkleLog(backend.node_store(backend.connect()), batch_size=400)
    log.append(LEAVES[:1])
    log.append(LEAVES[1:1023])
    log.append(LEAVES[1023:])
    reopened = MerkleLog(backend.node_store(backend.connect()))
    assert reopened.size == len(LEAVES)
    for size in (1, 2, 1023, 1024, 1025, 1500):
        assert reopened.root(size) == root_from_leaves(LEAVES[:size])
        for index in {0, size // 2, size - 1}:
            proof = reopened.inclusion_proof(index, size)
            assert proof == inclusion_proof_from_leaves(LEAVES, index, size)
            verify_inclusion(LEAVES[index], index, size, proof, reopened.root(size))
    assert reopened.consistency_proof(777, 1500) == consistency_proof_from_leaves(LEAVES, 777, 1500)
    reopened.append(LEAVES[:3])  # entry hashes may repeat; positions never do
    assert reopened.root() == root_from_leaves(LEAVES + LEAVES[:3])


def test_a_stale_writer_on_another_connection_gets_a_conflict(backend: Backend) -> None:
    first = MerkleLog(backend.node_store(backend.connect()))
    second = MerkleLog(backend.node_store(backend.connect()))
    first.append(LEAVES[:10])
    with pytest.raises(ConflictError):
        second.append(LEAVES[10:11])
    second.append(LEAVES[10:11])
    assert MerkleLog(backend.node_store(backend.connect())).root() == root_from_leaves(LEAVES[:11])


def _refuse(backend: Backend, connection: Any, statement: str) -> None:
    with pytest.raises(backend.refused, match="append-only"):
        connection.execute(statement)
    connection.rollback()


def test_nodes_and_checkpoints_are_append_only(backend: Backend) -> None:
    connection = backend.connect()
    MerkleLog(backend.node_store(connection)).append(LEAVES[:4])
    checkpoints = backend.checkpoint_store(connection)
    checkpoints.add(sign_checkpoint(Checkpoint.at("o", 4, root_from_leaves(LEAVES[:4]),
                                                  datetime.now(UTC)), SIGNER))
    for table in ("merkle_nodes", "ledger_checkpoints"):
        _refuse(backend, connection, f"UPDATE {table} SET {'hash' if 'nodes' in table else 'note'} = NULL")
        _refuse(backend, connection, f"DELETE FROM {table}")
        if backend.name == "postgres":
            _refuse(backend, connection, f"TRUNCATE {table}")
    assert MerkleLog(backend.node_store(backend.connect())).root() == root_from_leaves(LEAVES[:4])
    assert len(backend.checkpoint_store(backend.connect()).all()) == 1


def test_checkpoint_store_keeps_every_signed_note_in_order(backend: Backend) -> None:
    store = backend.checkpoint_store(backend.connect())
    assert store.latest() is None and store.all() == []
    start = datetime(2025, 5, 1, tzinfo=UTC)
    signed = [sign_checkpoint(Checkpoint.at("ledger.test/kyc", n, root_from_leaves(LEAVES[:n]),
                                            start + timedelta(minutes=n)), SIGNER) for n in (3, 3, 8)]
    for note in signed:
        store.add(note)
    again = backend.checkpoint_store(backend.connect())
    assert again.all() == signed
    assert again.latest() == signed[-1]
    for note in again.all():
        verify_checkpoint_signature(SIGNER.public_key, note.encode())


def test_checkpointer_on_the_store_signs_on_a_schedule(backend: Backend, tmp_path: Path) -> None:
    class ListChain:
        def __init__(self) -> None:
            self.hashes = list(LEAVES[:50])
            self.lock = threading.Lock()

        def size(self) -> int:
            with self.lock:
                return len(self.hashes)

        def entry_hashes(self, start: int, limit: int) -> list[bytes]:
            with self.lock:
                return self.hashes[start - 1 : start - 1 + limit]

    chain = ListChain()
    connection = backend.connect()
    store = backend.checkpoint_store(connection)
    checkpointer = Checkpointer(origin="ledger.test/kyc", chain=chain,
                                log=MerkleLog(backend.node_store(connection), batch_size=64),
                                signer=SIGNER, store=store, sink=DirectoryCheckpointSink(tmp_path / "worm"))
    schedule = CheckpointSchedule(checkpointer, interval_seconds=0.02)
    watcher = backend.checkpoint_store(backend.connect())  # a connection per thread
    schedule.start()
    try:
        _wait(lambda: len(watcher.all()) == 1)
        with chain.lock:
            chain.hashes += LEAVES[50:300]
        _wait(lambda: (latest := watcher.latest()) is not None and latest.checkpoint.size == 300)
    finally:
        schedule.stop(timeout=10)
    notes = backend.checkpoint_store(backend.connect()).all()
    assert [n.checkpoint.size for n in notes] == [50, 300]
    assert notes[-1].checkpoint.root_hash == root_from_leaves(LEAVES[:300])
    exported = sorted((tmp_path / "worm").iterdir())
    assert [p.read_bytes() for p in exported] == [n.encode() for n in notes]


def _wait(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    event = threading.Event()
    deadline = datetime.now(UTC) + timedelta(seconds=timeout)
    while not condition():
        if datetime.now(UTC) > deadline:
            raise AssertionError("condition not met in time")
        event.wait(0.01)


def test_sqlite_nodes_can_join_the_callers_transaction(tmp_path: Path) -> None:
    connection = sqlite3.connect(tmp_path / "joined.sqlite3")
    store = SqliteTreeNodeStore(connection)
    connection.execute("BEGIN IMMEDIATE")
    MerkleLog(store).append(LEAVES[:5])
    connection.rollback()  # the caller's transaction decides: nothing was kept
    assert MerkleLog(SqliteTreeNodeStore(sqlite3.connect(tmp_path / "joined.sqlite3"))).size == 0

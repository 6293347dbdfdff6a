"""The checkpointer: extends the log to the chain, signs, stores, exports; refuses to sign over a
shrunken or forked log; runs on a schedule and stops cleanly."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from adapters.integrity.directory_sink import DirectoryCheckpointSink
from adapters.integrity.ed25519_keys import Ed25519CheckpointSigner, verify_checkpoint_signature
from domain.errors import ConflictError
from domain.integrity.checkpoint import Checkpoint, SignedCheckpoint, sign_checkpoint
from domain.integrity.merkle import root_from_leaves
from domain.integrity.merkle_store import InMemoryTreeNodeStore, MerkleLog
from domain.integrity.merkle_verify import ConsistencyProofError
from ops.runners.checkpointer import CheckpointSchedule
from services.evidence.checkpoints import Checkpointer, CheckpointRegressionError

pytestmark = pytest.mark.unit

ORIGIN = "ledger.test/kyc"


def entries(count: int, start: int = 0, salt: bytes = b"") -> list[bytes]:
    return [hashlib.sha256(salt + b"entry %d" % i).digest() for i in range(start, start + count)]


class FakeChainReader:
    def __init__(self, hashes: list[bytes]) -> None:
        self.hashes = hashes

    def size(self) -> int:
        return len(self.hashes)

    def entry_hashes(self, start: int, limit: int) -> list[bytes]:
        return self.hashes[start - 1 : start - 1 + limit]


class FakeCheckpointStore:
    def __init__(self) -> None:
        self.added: list[SignedCheckpoint] = []
        self.fail_with: BaseException | None = None

    def add(self, signed: SignedCheckpoint) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        self.added.append(signed)

    def latest(self) -> SignedCheckpoint | None:
        return self.added[-1] if self.added else None

    def all(self) -> list[SignedCheckpoint]:
        return list(self.added)


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


SIGNER = Ed25519CheckpointSigner(Ed25519PrivateKey.generate(), ORIGIN)


def make(chain: FakeChainReader, tmp_path: Path, store: FakeCheckpointStore | None = None,
         clock: Callable[[], datetime] | None = None) -> tuple[Checkpointer, FakeCheckpointStore]:
    store = store or FakeCheckpointStore()
    checkpointer = Checkpointer(origin=ORIGIN, chain=chain, log=MerkleLog(InMemoryTreeNodeStore()),
                                signer=SIGNER, store=store, sink=DirectoryCheckpointSink(tmp_path / "worm"),
                                clock=clock or FakeClock())
    return checkpointer, store


def test_on_demand_checkpoint_is_signed_stored_and_exported(tmp_path: Path) -> None:
    chain = FakeChainReader(entries(13))
    checkpointer, store = make(chain, tmp_path)
    signed = checkpointer.checkpoint_now()
    checkpoint = verify_checkpoint_signature(SIGNER.public_key, signed.encode())
    assert (checkpoint.origin, checkpoint.size) == (ORIGIN, 13)
    assert checkpoint.root_hash == root_from_leaves(chain.hashes)
    assert store.added == [signed]
    exported = list((tmp_path / "worm").iterdir())
    assert [p.read_bytes() for p in exported] == [signed.encode()]
    # On demand means on demand: an unchanged log still gets a fresh checkpoint.
    again = checkpointer.checkpoint_now()
    assert again.checkpoint.size == 13 and again.checkpoint.timestamp > signed.checkpoint.timestamp


def test_scheduled_runs_only_sign_when_the_chain_grew(tmp_path: Path) -> None:
    chain = FakeChainReader(entries(5))
    checkpointer, store = make(chain, tmp_path)
    assert checkpointer.checkpoint_if_grown() is not None
    assert checkpointer.checkpoint_if_grown() is None
    chain.hashes += entries(4, start=5)
    grown = checkpointer.checkpoint_if_grown()
    assert grown is not None and grown.checkpoint.size == 9
    assert [s.checkpoint.size for s in store.added] == [5, 9]


def test_a_chain_shorter_than_the_log_is_refused(tmp_path: Path) -> None:
    chain = FakeChainReader(entries(10))
    checkpointer, store = make(chain, tmp_path)
    checkpointer.checkpoint_now()
    chain.hashes = chain.hashes[:7]  # tail truncated
    with pytest.raises(CheckpointRegressionError) as caught:
        checkpointer.checkpoint_now()
    assert caught.value.code == "checkpoint_regression"
    assert len(store.added) == 1


def test_a_log_forked_below_the_last_checkpoint_is_refused(tmp_path: Path) -> None:
    # The last signed checkpoint says size 6 with one root; the chain now tells another history.
    store = FakeCheckpointStore()
    published = entries(6, salt=b"original ")
    store.add(sign_checkpoint(Checkpoint.at(ORIGIN, 6, root_from_leaves(published),
                                            datetime(2025, 1, 1, tzinfo=UTC)), SIGNER))
    checkpointer, _ = make(FakeChainReader(entries(9)), tmp_path, store)
    with pytest.raises(ConsistencyProofError):
        checkpointer.checkpoint_now()
    assert len(store.added) == 1
    assert not list((tmp_path / "worm").iterdir())


def test_a_log_smaller_than_the_last_checkpoint_is_refused(tmp_path: Path) -> None:
    store = FakeCheckpointStore()
    store.add(sign_checkpoint(Checkpoint.at(ORIGIN, 20, root_from_leaves(entries(20)),
                                            datetime(2025, 1, 1, tzinfo=UTC)), SIGNER))
    checkpointer, _ = make(FakeChainReader(entries(12)), tmp_path, store)
    with pytest.raises(CheckpointRegressionError, match="smaller"):
        checkpointer.checkpoint_now()


def test_a_clock_behind_the_last_checkpoint_is_refused(tmp_path: Path) -> None:
    chain = FakeChainReader(entries(3))
    clock = FakeClock()
    checkpointer, _ = make(chain, tmp_path, clock=clock)
    checkpointer.checkpoint_now()
    clock.now -= timedelta(hours=1)
    with pytest.raises(CheckpointRegressionError, match="clock"):
        checkpointer.checkpoint_now()


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.005)


def test_schedule_checkpoints_as_the_chain_grows_and_stops_cleanly(tmp_path: Path) -> None:
    chain = FakeChainReader(entries(4))
    checkpointer, store = make(chain, tmp_path, clock=lambda: datetime.now(UTC))
    schedule = CheckpointSchedule(checkpointer, interval_seconds=0.01)
    schedule.start()
    try:
        wait_for(lambda: len(store.added) == 1)
        chain.hashes += entries(3, start=4)
        wait_for(lambda: store.latest() is not None and store.added[-1].checkpoint.size == 7)
    finally:
        schedule.stop(timeout=5)
    assert not schedule.running
    runs = schedule.runs
    time.sleep(0.05)
    assert schedule.runs == runs  # nothing runs after stop
    assert [s.checkpoint.size for s in store.added] == [4, 7]


def test_schedule_retries_transient_failures_and_stops_on_a_regression(tmp_path: Path) -> None:
    chain = FakeChainReader(entries(2))
    store = FakeCheckpointStore()
    store.fail_with = ConflictError("another signer won")
    checkpointer, _ = make(chain, tmp_path, store, clock=lambda: datetime.now(UTC))
    schedule = CheckpointSchedule(checkpointer, interval_seconds=0.01)
    schedule.start()
    wait_for(lambda: schedule.runs >= 2)
    assert schedule.running  # conflicts do not stop it
    store.fail_with = OSError("disk full")
    wait_for(lambda: schedule.failures >= 2)
    assert schedule.running  # nor does a transient failure: it is retried at the next tick
    store.fail_with = CheckpointRegressionError("the log is smaller than the last signed checkpoint")
    wait_for(lambda: not schedule.running)
    with pytest.raises(CheckpointRegressionError):
        schedule.stop(timeout=5)

"""The checkpoint signer: extends the Merkle log to the chain's tip, signs, stores and exports.

Runs on demand (``checkpoint_now``) or on a schedule (``ops.runners.checkpointer.CheckpointSchedule``;
docs/architecture.md §4). Before signing it proves, from stored nodes, that the new tree extends the
last signed one (RFC 9162 consistency), so a log that shrank or forked below a published checkpoint
is refused rather than signed over.

Wiring (the composition root owns the connections; one per thread)::

    log = MerkleLog(SqliteTreeNodeStore(sqlite3.connect(db, check_same_thread=False)))
    signer = Ed25519CheckpointSigner(load_or_create_dev_key(data_dir), key_name=origin)
    checkpointer = Checkpointer(origin=origin, chain=recorder, log=log, signer=signer,
                                store=SqliteCheckpointStore(connection),
                                sink=DirectoryCheckpointSink(data_dir / "checkpoints"))
    checkpointer.checkpoint_now()                           # on demand
    schedule = CheckpointSchedule(checkpointer, 60.0); schedule.start(); ...; schedule.stop()
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from domain.errors import DomainError
from domain.integrity.checkpoint import (
    Checkpoint,
    CheckpointSigner,
    CheckpointSink,
    CheckpointStore,
    SignedCheckpoint,
    sign_checkpoint,
)
from domain.integrity.merkle_store import ChainReader, MerkleLog
from domain.integrity.merkle_verify import verify_consistency

logger = logging.getLogger(__name__)


class CheckpointRegressionError(DomainError):
    """The log is smaller than, or its clock behind, the last signed checkpoint."""

    code = "checkpoint_regression"


def utc_now() -> datetime:
    return datetime.now(UTC)


class Checkpointer:
    """Signs checkpoints of the ledger's Merkle log over the hash chain."""

    def __init__(self, *, origin: str, chain: ChainReader, log: MerkleLog, signer: CheckpointSigner,
                 store: CheckpointStore, sink: CheckpointSink | None = None,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self._origin = origin
        self._chain = chain
        self._log = log
        self._signer = signer
        self._store = store
        self._sink = sink
        self._clock = clock

    def checkpoint_now(self) -> SignedCheckpoint:
        """Extend the log to the chain's size and publish a signed checkpoint, even if unchanged."""
        chain_size, log_size = self._chain.size(), self._log.size
        if chain_size < log_size:
            raise CheckpointRegressionError("the chain is shorter than the Merkle log over it",
                                            chain_size=chain_size, log_size=log_size)
        size = self._log.extend_from(self._chain)
        root = self._log.root(size)
        previous = self._store.latest()
        checkpoint = Checkpoint.at(self._origin, size, root, self._clock())
        if previous is not None:
            self._check_extends(previous.checkpoint, checkpoint)
        signed = sign_checkpoint(checkpoint, self._signer)
        self._store.add(signed)
        if self._sink is not None:
            location = self._sink.export(signed)
            logger.info("checkpoint size=%d exported to %s", size, location)
        return signed

    def checkpoint_if_grown(self) -> SignedCheckpoint | None:
        """Like ``checkpoint_now``, but only when the chain grew past the last checkpoint."""
        previous = self._store.latest()
        if previous is not None and self._chain.size() == previous.checkpoint.size:
            return None
        return self.checkpoint_now()

    def _check_extends(self, previous: Checkpoint, current: Checkpoint) -> None:
        if current.size < previous.size:
            raise CheckpointRegressionError("the log is smaller than the last signed checkpoint",
                                            signed_size=previous.size, log_size=current.size)
        if current.timestamp < previous.timestamp:
            raise CheckpointRegressionError("the clock is behind the last signed checkpoint",
                                            signed_at=previous.timestamp.isoformat(),
                                            now=current.timestamp.isoformat())
        proof = self._log.consistency_proof(previous.size, current.size)
        verify_consistency(previous.size, current.size, proof, previous.root_hash, current.root_hash)

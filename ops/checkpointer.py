"""The checkpoint signer: extends the Merkle log to the chain's tip, signs, stores and exports.

Runs on demand (``checkpoint_now``) or on a schedule (``CheckpointSchedule``), as issue 2 section 3
asks. Before signing it proves, from stored nodes, that the new tree extends the last signed one
(RFC 9162 consistency), so a log that shrank or forked below a published checkpoint is refused
rather than signed over.

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
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from domain.errors import ConflictError, DomainError, InvalidArgumentError
from domain.integrity.checkpoint import (
    Checkpoint,
    CheckpointSigner,
    CheckpointSink,
    CheckpointStore,
    SignedCheckpoint,
    sign_checkpoint,
)
from domain.integrity.merkle import ProofVerificationError, verify_consistency
from domain.integrity.merkle_store import ChainReader, MerkleLog

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


class CheckpointSchedule:
    """Runs ``checkpoint_if_grown`` now and then every ``interval_seconds`` in a thread.

    ``stop()`` ends it cleanly between runs and re-raises the error that stopped it, if any.
    It stops only for what must never be signed over: a log that shrank or forked below the last
    checkpoint (``CheckpointRegressionError``, a failed consistency proof). Anything else (another
    signer extending the log first, a locked or unreachable database, a full disk) is logged and
    tried again at the next tick, so one bad moment does not end checkpointing for good.
    Stores used here must allow use from this thread (sqlite3: ``check_same_thread=False``).
    """

    def __init__(self, checkpointer: Checkpointer, interval_seconds: float) -> None:
        if interval_seconds <= 0:
            raise InvalidArgumentError("interval_seconds must be positive", interval_seconds=interval_seconds)
        self._checkpointer = checkpointer
        self._interval = interval_seconds
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._failure: BaseException | None = None
        self.runs = 0
        self.failures = 0

    def start(self) -> None:
        if self._thread is not None:
            raise ConflictError("checkpoint schedule already started")
        self._thread = threading.Thread(target=self._run, name="kycledger-checkpointer", daemon=True)
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self._checkpointer.checkpoint_if_grown()
            except ConflictError:
                logger.warning("another signer extended the Merkle log; retrying next tick")
            except (CheckpointRegressionError, ProofVerificationError) as error:
                logger.error("checkpoint schedule stopped: the log no longer extends the signed one")
                self._failure = error
                return
            except Exception as error:
                self.failures += 1
                logger.warning("checkpoint attempt failed (%s); retrying next tick", type(error).__name__)
            self.runs += 1
            self._stopping.wait(self._interval)

    def stop(self, timeout: float | None = None) -> None:
        """Stop after the current run; raise what stopped the schedule early, if anything did."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self._failure is not None:
            raise self._failure

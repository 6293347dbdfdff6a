"""The checkpoint loop: signs a checkpoint whenever the ledger grew, every few seconds, in a thread.

The signing itself is the use case ``services.evidence.checkpoints.Checkpointer``.
"""

from __future__ import annotations

import logging
import threading

from domain.errors import ConflictError, InvalidArgumentError
from domain.integrity.merkle_verify import ProofVerificationError
from services.evidence.checkpoints import Checkpointer, CheckpointRegressionError

logger = logging.getLogger(__name__)


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

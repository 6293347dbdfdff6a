"""Runs the read-model projection over the log: batch by batch, rows and position in one commit."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

from adapters.persistence.commit_signal import CommitSignal, commit_signal_of
from projections.log_follower import Batch, LogFollower
from projections.read_models import PROJECTION_NAME, apply_event
from projections.view import LedgerEntry, ReadModelView, StaleBatchError, ViewTransaction

log = logging.getLogger("kycledger.projections")

Apply = Callable[[Any, LedgerEntry, ViewTransaction], None]
MAX_BACKOFF_S = 5.0


class ProjectionRunner:
    """Applies every event after the view's tracking position, exactly once.

    A crash before a commit re-delivers the batch from the recorded position; a batch a concurrent
    runner already applied is refused by the view (``StaleBatchError``) and simply skipped.
    """

    def __init__(self, app: Any, view: ReadModelView, name: str = PROJECTION_NAME, apply: Apply = apply_event,
                 batch_size: int = 200, topics: Sequence[str] = ()) -> None:
        self.view = view
        self.name = name
        self.apply = apply
        # ``topics``: only these events are mapped and applied; the position still moves past the rest.
        self.follower = LogFollower(app, batch_size=batch_size, topics=topics)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._commits: CommitSignal | None = None
        self.failures = 0
        self.last_error: BaseException | None = None

    def _commit(self, batch: Batch, end: int) -> None:
        with self.view.transaction(self.name, end) as tx:
            for event, entry in batch:
                self.apply(event, entry, tx)

    def run_once(self) -> int:
        """Apply everything recorded so far; returns how many events were applied."""
        applied = 0
        while True:
            position = self.view.position(self.name)
            page = self.follower.next_batch(position)
            if page is None:
                return applied
            batch, end = page
            try:
                self._commit(batch, end)
            except StaleBatchError:
                continue  # another runner got there first: read from its position
            applied += len(batch)

    def rebuild(self) -> int:
        """Drop every row and position, then project the whole log again."""
        self.view.reset()
        return self.run_once()

    # ------------------------------------------------------------------ background thread
    def start(self, poll_seconds: float = 0.05) -> ProjectionRunner:
        # Woken by the ledger's commits; ``poll_seconds`` only bounds a wait (commit_signal).
        commits = self._commits = commit_signal_of(self.follower.app)

        def loop() -> None:
            consecutive = 0
            while not self._stop.is_set():
                seen = commits.count if commits is not None else 0  # before reading: no commit slept through
                try:
                    applied = self.run_once()
                except Exception as exc:
                    # The position did not move, so nothing is lost: back off (up to MAX_BACKOFF_S, so a
                    # bad event cannot spin the loop, yet a restarted database is caught up with soon).
                    consecutive += 1
                    self.failures += 1
                    self.last_error = exc
                    log.error("projection %s round failed (%s); retrying", self.name, type(exc).__name__)
                    self._stop.wait(min(MAX_BACKOFF_S, poll_seconds * 2 ** min(consecutive, 10)))
                    continue
                consecutive = 0
                if applied == 0:
                    if commits is not None:
                        commits.wait_after(seen, poll_seconds, until=self._stop)
                    else:
                        self._stop.wait(poll_seconds)

        self._thread = threading.Thread(target=loop, name=f"projection-{self.name}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop after the current batch (failed rounds are counted in ``failures``, not raised)."""
        self._stop.set()
        if self._commits is not None:
            self._commits.wake()
        if self._thread is not None:
            self._thread.join(timeout=30)

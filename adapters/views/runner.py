"""Runs the read-model projection over the log: batch by batch, rows and position in one commit."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from adapters.views.log_follower import Batch, LogFollower
from projections.read_models import PROJECTION_NAME, apply_event
from projections.view import LedgerEntry, ReadModelView, StaleBatchError, ViewTransaction

log = logging.getLogger("kycledger.projections")

Apply = Callable[[Any, LedgerEntry, ViewTransaction], None]


class ProjectionRunner:
    """Applies every event after the view's tracking position, exactly once.

    A crash before a commit re-delivers the batch from the recorded position; a batch a concurrent
    runner already applied is refused by the view (``StaleBatchError``) and simply skipped.
    """

    def __init__(self, app: Any, view: ReadModelView, name: str = PROJECTION_NAME, apply: Apply = apply_event,
                 batch_size: int = 200) -> None:
        self.view = view
        self.name = name
        self.apply = apply
        self.follower = LogFollower(app, batch_size=batch_size)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.error: BaseException | None = None

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
        def loop() -> None:
            while not self._stop.is_set():
                try:
                    if self.run_once() == 0:
                        self._stop.wait(poll_seconds)
                except Exception as exc:  # surfaced by stop(); the loop must not spin on a bad event
                    log.exception("projection %s stopped", self.name)
                    self.error = exc
                    return

        self._thread = threading.Thread(target=loop, name=f"projection-{self.name}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop after the current batch; re-raise the error that stopped the loop, if any."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        if self.error is not None:
            raise self.error

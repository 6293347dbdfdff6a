"""The session search's index on a read-model view, kept up to date by its own projection.

``FollowedSessionIndex`` implements ``services.search.sessions.SessionIndex``: ``catch_up`` applies
what the ledger recorded since the index's tracking position (``projections.session_index``), in
the caller's thread, exactly once even beside the background runner of ``start_session_index``
(a batch another runner committed first is refused by the view and skipped).
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager
from typing import Any

from adapters.views.runner import ProjectionRunner
from projections.session_index import INDEX_PROJECTION, INDEX_TOPICS, apply_index_event
from projections.view import ReadModelView, ViewReader


def session_index_runner(app: Any, view: ReadModelView, batch_size: int = 500) -> ProjectionRunner:
    """The index's projection runner: its own name and position, only the topics it needs."""
    return ProjectionRunner(app, view, name=INDEX_PROJECTION, apply=apply_index_event, batch_size=batch_size,
                            topics=INDEX_TOPICS)


class FollowedSessionIndex:
    """The index tables of ``view``, brought up to the ledger's head on demand."""

    def __init__(self, app: Any, view: ReadModelView) -> None:
        self.view = view
        self.runner = session_index_runner(app, view)
        self._lock = threading.Lock()  # one catch-up per process at a time; the others then find little to do

    def catch_up(self) -> None:
        with self._lock:
            self.runner.run_once()

    def reader(self) -> AbstractContextManager[ViewReader]:
        return self.view.reader()

    def close(self) -> None:
        closer = getattr(self.view, "close", None)
        if callable(closer):
            closer()

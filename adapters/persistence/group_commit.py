"""Group commit: concurrent saves share one transaction, one table lock and one fsync.

eventsourcing commits each save in its own transaction. Under concurrency the ledger's writers are
serialised anyway (SQLite's write lock; PostgreSQL's EXCLUSIVE table lock that keeps notification
ids in commit order), so throughput is capped at one commit per lock hold. Here the first waiting
writer becomes the leader: it takes every save queued so far, writes each inside its own
SAVEPOINT (a save stays all-or-nothing, and a conflicting save fails alone with IntegrityError),
chains the saves that went in, and commits once for all of them. Followers just wait.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.persistence import StoredEvent

MAX_GROUP = 128
GROUP_COMMIT_ENV = "KYC_GROUP_COMMIT"


def group_commit_enabled(env: Any) -> bool:
    """On unless the environment says ``KYC_GROUP_COMMIT`` is 0/false/no/off."""
    value = str(env.get(GROUP_COMMIT_ENV, "1") or "1").strip().lower()
    return value not in {"0", "false", "no", "off"}


@dataclass
class PendingSave:
    """One caller's save waiting for the group it joined to commit."""

    events: Sequence[StoredEvent]
    kwargs: dict[str, Any]
    done: threading.Event = field(default_factory=threading.Event)
    notification_ids: Sequence[int] | None = None
    error: BaseException | None = None


class GroupCommit:
    """Leader/follower batching of saves; ``write_group`` commits a group in one transaction.

    ``write_group`` must set ``notification_ids`` or ``error`` on each pending save; if it raises,
    every save of the group gets that error (nothing of the group was committed). A group of one
    goes through ``write_one``, the recorder's ordinary single-save path.
    """

    def __init__(
        self,
        write_group: Callable[[list[PendingSave]], None],
        write_one: Callable[[Sequence[StoredEvent], dict[str, Any]], Sequence[int] | None],
        max_group: int = MAX_GROUP,
    ) -> None:
        self._write_group = write_group
        self._write_one = write_one
        self._max_group = max_group
        self._lock = threading.Lock()
        self._queue: list[PendingSave] = []
        self._leading = False
        self.groups = 0
        self.saves = 0

    def submit(self, events: Sequence[StoredEvent], kwargs: dict[str, Any]) -> Sequence[int] | None:
        pending = PendingSave(events, kwargs)
        with self._lock:
            self._queue.append(pending)
            lead = not self._leading
            self._leading = True
        if lead:
            self._lead()
        pending.done.wait()
        if pending.error is not None:
            raise pending.error
        return pending.notification_ids

    def _lead(self) -> None:
        while True:
            with self._lock:
                group = self._queue[: self._max_group]
                del self._queue[: self._max_group]
                if not group:
                    self._leading = False
                    return
            try:
                if len(group) == 1:  # nobody to share with: the plain per-save path, no savepoint
                    group[0].notification_ids = self._write_one(group[0].events, group[0].kwargs)
                else:
                    self._write_group(group)
            except BaseException as error:
                for pending in group:
                    if pending.error is None:
                        pending.error = error
                        pending.notification_ids = None
            finally:
                self.groups += 1
                self.saves += len(group)
                for pending in group:
                    pending.done.set()

"""Shared chain bookkeeping for the chained recorders (no driver code here)."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from domain.integrity.chain import GENESIS_HASH, entry_hash_of


@dataclass(frozen=True)
class ChainRow:
    """One row of the chain table: the event at ``notification_id`` has ``entry_hash``."""

    position: int
    notification_id: int
    entry_hash: bytes


def as_uuid(originator_id: UUID | str) -> UUID:
    return originator_id if isinstance(originator_id, UUID) else UUID(str(originator_id))


def extend_chain(
    tail: tuple[int, bytes] | None,
    stored_events: Sequence[StoredEvent],
    notification_ids: Sequence[int],
) -> list[ChainRow]:
    """Chain rows for freshly inserted events, continuing from ``tail`` (last position, hash)."""
    if len(notification_ids) != len(stored_events):
        raise RuntimeError("recorder returned a notification id count unlike the event count")
    position, prev = tail if tail is not None else (0, GENESIS_HASH)
    rows: list[ChainRow] = []
    for event, notification_id in zip(stored_events, notification_ids, strict=True):
        position += 1
        prev = entry_hash_of(prev, position, notification_id, as_uuid(event.originator_id),
                             event.originator_version, event.topic, bytes(event.state))
        rows.append(ChainRow(position, notification_id, prev))
    return rows


class TailCache:
    """The chain tail this process last committed, to skip re-reading it on the next save.

    Used by the SQLite recorders only, where chain positions equal rowids (rows are never deleted
    and a rolled-back insert frees its rowids). So the cached tail is current exactly when it sits
    right before the first rowid just inserted under the write lock; otherwise, e.g. after another
    process wrote, the caller reads the tail from the table. A tail is cached only after its
    transaction committed, never from one that rolled back.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tail: tuple[int, bytes] | None = None
        self._staged = threading.local()

    def lookup(self, first_new_notification_id: int) -> tuple[int, bytes] | None:
        with self._lock:
            tail = self._tail
        return tail if tail is not None and tail[0] == first_new_notification_id - 1 else None

    def stage(self, tail: tuple[int, bytes]) -> None:
        self._staged.tail = tail

    @contextmanager
    def committing(self) -> Iterator[None]:
        """Around a write transaction: promote what it staged if (and only if) it committed."""
        self._staged.tail = None
        try:
            yield
        except BaseException:
            self._staged.tail = None
            raise
        staged, self._staged.tail = self._staged.tail, None
        if staged is not None:
            with self._lock:
                if self._tail is None or staged[0] > self._tail[0]:
                    self._tail = staged

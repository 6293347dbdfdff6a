"""Follow the ledger's notification log: domain events with their log id, chain position and hash.

Everything downstream of the ledger (read models, NATS relays, webhooks) reads through this, so all
of them see the same order and can record the same position (docs/architecture.md §1).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from projections.view import LedgerEntry

DomainEvent = Any
Batch = list[tuple[DomainEvent, LedgerEntry]]


class ChainMismatchError(RuntimeError):
    """The chain rows do not line up with the notifications (the ledger needs verifying)."""


class LogFollower:
    """Reads batches of (domain event, ledger entry) after a notification id.

    ``app`` is the eventsourcing application (its ``notification_log``, ``mapper`` and ``recorder``
    with ``select_chain``). The chain position of a notification is found once by binary search and
    then advanced with each batch, because chain rows are written in notification order.
    """

    def __init__(self, app: Any, batch_size: int = 200, topics: Sequence[str] = ()) -> None:
        self.app = app
        self.chain = app.recorder
        self.batch_size = batch_size
        self.topics = list(topics)
        self._next_chain: dict[int, int] = {}  # notification id -> chain position of the next entry

    def chain_position_after(self, notification_id: int) -> int:
        """The chain position of the first entry whose notification id is greater than ``notification_id``."""
        cached = self._next_chain.get(notification_id)
        if cached is not None:
            return cached
        low, high = 1, self.chain.chain_size() + 1
        while low < high:
            mid = (low + high) // 2
            row = self.chain.select_chain(mid, 1)
            if row and row[0].notification_id <= notification_id:
                low = mid + 1
            else:
                high = mid
        return low

    def next_batch(self, after: int) -> tuple[Batch, int] | None:
        """The events after notification id ``after`` (one page) and the last id read; None at the end.

        The batch may be empty when every notification of the page has a topic outside ``topics``:
        the returned id still moves the caller's position past them.
        """
        notifications = self.app.recorder.select_notifications(after + 1, self.batch_size)
        if not notifications:
            return None
        start = self.chain_position_after(after)
        links = self.chain.select_chain(start, len(notifications))
        if len(links) < len(notifications):
            raise ChainMismatchError(f"{len(notifications)} notifications after {after} but {len(links)} chain rows")
        batch: Batch = []
        for notification, link in zip(notifications, links, strict=False):
            if link.notification_id != notification.id:
                raise ChainMismatchError(f"chain position {link.position} names notification "
                                         f"{link.notification_id}, expected {notification.id}")
            if not self.topics or notification.topic in self.topics:
                entry = LedgerEntry(notification.id, link.position, link.entry_hash.hex())
                batch.append((self.app.mapper.to_domain_event(notification), entry))
        end = notifications[-1].id
        self._next_chain = {end: links[len(notifications) - 1].position + 1}
        return batch, end

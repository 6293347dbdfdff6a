"""Shared chain bookkeeping for the chained recorders (no driver code here)."""

from __future__ import annotations

from collections.abc import Sequence
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

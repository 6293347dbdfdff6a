"""Re-derive the ledger's integrity from its rows: chain, Merkle roots and checkpoint sizes.

Pure and streaming: it takes the event rows (by notification id), the chain rows (by position) and
the checkpoints whose signatures the caller already checked, and reports the first bad position and
why. Used by ``kycledger ledger verify`` against SQLite, PostgreSQL or an offline export.

The checkpoints may come from several holders: the database's own rows, and holders the database
cannot change (the external sink, later witnesses). Each is held to the same two rules: the ledger
is at least as long as the checkpoint, and its tree at that size has the checkpoint's root
(ARCHITECTURE.md section 4: truncation of the tail is caught against the last checkpoint).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple
from uuid import UUID

from domain.integrity.chain import GENESIS_HASH, entry_hash_of, same_hash
from domain.integrity.checkpoint import Checkpoint
from domain.integrity.merkle import TreeAccumulator


class EventRow(NamedTuple):
    """An event row as stored (``state`` is the stored, possibly encrypted, bytes)."""

    notification_id: int
    originator_id: UUID
    originator_version: int
    topic: str
    state: bytes


class ChainEntry(NamedTuple):
    """A chain row as stored."""

    position: int
    notification_id: int
    entry_hash: bytes


@dataclass
class VerificationReport:
    """Outcome of a verification. ``first_bad_position`` is None when intact."""

    event_count: int = 0
    root_hash: bytes = b""
    first_bad_position: int | None = None
    reason: str = ""
    checkpoints_checked: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.first_bad_position is None


class _Failed(Exception):
    def __init__(self, position: int, reason: str) -> None:
        super().__init__(reason)
        self.position = position
        self.reason = reason


def verify_rows(
    events: Iterable[EventRow],
    chain: Iterable[ChainEntry],
    checkpoints: Sequence[Checkpoint] = (),
    holders: Mapping[Checkpoint, str] | None = None,
) -> VerificationReport:
    """Walk events and chain in lockstep, recompute every entry hash and every checkpointed root.

    ``holders`` names where a checkpoint came from (e.g. "the checkpoint sink /srv/cp"), so a
    failure says who holds the statement the ledger no longer matches.
    """
    report = VerificationReport()
    pending = sorted(checkpoints, key=lambda c: c.size)
    tree = TreeAccumulator()
    named = _Holders(holders or {})
    try:
        position = _walk(events, chain, pending, tree, report, named)
        for checkpoint in reversed(pending):  # name the largest: it shows how much is missing
            if checkpoint.size > position:
                raise _Failed(
                    position + 1,
                    f"the ledger ends at position {position} but {named.a_checkpoint(checkpoint)} was signed at "
                    f"size {checkpoint.size}: entries after {position} were removed (tail truncated)",
                )
    except _Failed as failure:
        report.first_bad_position = failure.position
        report.reason = failure.reason
    report.root_hash = tree.root()
    return report


class _Holders:
    def __init__(self, holders: Mapping[Checkpoint, str]) -> None:
        self._holders = holders

    def a_checkpoint(self, checkpoint: Checkpoint) -> str:
        holder = self._holders.get(checkpoint)
        return f"a checkpoint held by {holder}" if holder else "a checkpoint"

    def the_checkpoint(self, checkpoint: Checkpoint) -> str:
        holder = self._holders.get(checkpoint)
        held = f" held by {holder}" if holder else ""
        return f"the checkpoint{held} signed at {checkpoint.timestamp.isoformat()}"


def _walk(
    events: Iterable[EventRow],
    chain: Iterable[ChainEntry],
    pending: Sequence[Checkpoint],
    tree: TreeAccumulator,
    report: VerificationReport,
    named: _Holders,
) -> int:
    event_iter, chain_iter = iter(events), iter(chain)
    prev, position, next_checkpoint = GENESIS_HASH, 0, 0
    last_good_checkpoint = 0
    while True:
        event = next(event_iter, None)
        link = next(chain_iter, None)
        if event is None and link is None:
            return position
        position += 1
        if link is None:
            assert event is not None
            raise _Failed(position, f"event at notification id {event.notification_id} has no chain entry "
                                    "(a row was inserted outside the ledger)")
        if link.position != position and event is not None and event.notification_id == link.notification_id:
            # The events skip in step with the chain: whole rows are gone (on SQLite an event and its
            # chain entry are one row, so deleting the event deletes both).
            raise _Failed(position, f"chain jumps to position {link.position} where {position} was expected "
                                    "and the events before it are missing too (a row was deleted)")
        if link.position != position:
            raise _Failed(position, f"chain jumps to position {link.position} where {position} was expected "
                                    "(a chain entry was deleted)")
        if event is None or event.notification_id > link.notification_id:
            raise _Failed(position, f"chain entry names notification id {link.notification_id} but that event "
                                    "is missing (a row was deleted)")
        if event.notification_id < link.notification_id:
            raise _Failed(position, f"event at notification id {event.notification_id} has no chain entry "
                                    "(a row was inserted outside the ledger)")
        computed = entry_hash_of(prev, position, event.notification_id, event.originator_id,
                                 event.originator_version, event.topic, event.state)
        if not same_hash(computed, link.entry_hash):
            raise _Failed(position, f"entry hash mismatch at notification id {event.notification_id}: the "
                                    "event's payload, topic, originator, version or order was changed")
        prev = computed
        tree.append(computed)
        report.event_count = position
        while next_checkpoint < len(pending) and pending[next_checkpoint].size == position:
            checkpoint = pending[next_checkpoint]
            if not same_hash(tree.root(), checkpoint.root_hash):
                raise _Failed(last_good_checkpoint + 1,
                              f"the Merkle root of the first {position} entries differs from "
                              f"{named.the_checkpoint(checkpoint)}: history between positions "
                              f"{last_good_checkpoint + 1} and {position} was rewritten and re-chained")
            report.checkpoints_checked.append(position)
            last_good_checkpoint = position
            next_checkpoint += 1
        while next_checkpoint < len(pending) and pending[next_checkpoint].size < position:
            next_checkpoint += 1  # only size-0 checkpoints can be passed over like this

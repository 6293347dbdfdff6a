"""Re-derive the ledger's integrity from its rows: chain, Merkle roots and checkpoint sizes.

Pure and streaming: it takes the event rows (by notification id), the chain rows (by position) and
the checkpoints whose signatures the caller already checked, and reports the first bad position and
why. Used by ``kycledger ledger verify`` against SQLite, PostgreSQL or an offline export.

The two streams are walked in lockstep: the n-th event beside the n-th chain entry. A database
reader hands them over already paired, one flat ``LedgerRow`` per position and in one pass over its
tables (``adapters/persistence/ledger_reader.py``), so no object is built per event; ``verify_rows``
pairs two separate streams (an export) the same way. One walk serves both, so every report is the
same whichever way the rows came (docs/targets.md §1: ``ledger verify`` throughput).

The checkpoints may come from several holders: the database's own rows, and holders the database
cannot change (the external sink, later witnesses). Each is held to the same two rules: the ledger
is at least as long as the checkpoint, and its tree at that size has the checkpoint's root
(docs/architecture.md §4: truncation of the tail is caught against the last checkpoint).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import zip_longest
from typing import NamedTuple
from uuid import UUID

from domain.integrity.checkpoint import Checkpoint
from domain.integrity.ledger_columns import ColumnBatches, segments_join
from domain.integrity.ledger_walk import Failed, Holders, LedgerWalk, VerificationReport
from domain.integrity.merkle import fold_right

__all__ = [
    "NO_EVENT",
    "NO_LINK",
    "ChainEntry",
    "EventRow",
    "LedgerRow",
    "VerificationReport",
    "paired_rows",
    "verify_ledger",
    "verify_rows",
]


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


# One position of the lockstep walk: the event's fields (notification id, the 16 raw bytes of the
# originator id, version, topic as UTF-8 bytes, stored state), then its chain entry's (position,
# notification id, entry hash). When one stream ends before the other, its fields are None.
LedgerRow = tuple[
    int | None, bytes | None, int | None, bytes | None, bytes | None, int | None, int | None, bytes | None
]
NO_EVENT: tuple[None, None, None, None, None] = (None, None, None, None, None)
NO_LINK: tuple[None, None, None] = (None, None, None)


def paired_rows(events: Iterable[EventRow], chain: Iterable[ChainEntry]) -> Iterator[LedgerRow]:
    """The lockstep pairs of two separate streams, as flat rows."""
    for event, link in zip_longest(events, chain):
        event_part = (
            NO_EVENT
            if event is None
            else (
                event.notification_id,
                event.originator_id.bytes,
                event.originator_version,
                event.topic.encode("utf-8"),
                event.state,
            )
        )
        yield (*event_part, *(NO_LINK if link is None else link))


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
    return verify_ledger(paired_rows(events, chain), checkpoints, holders)


def verify_ledger(
    rows: Iterable[LedgerRow],
    checkpoints: Sequence[Checkpoint] = (),
    holders: Mapping[Checkpoint, str] | None = None,
) -> VerificationReport:
    """``verify_rows`` over rows already paired in lockstep (see ``LedgerRow``).

    Rows a reader can confirm in segments side by side (``ColumnBatches.confirm``) are joined from
    those; only an intact ledger is reported that way: anything else is walked from the start, so
    a failure is always named by the one sequential walk.
    """
    confirm = rows.confirm if isinstance(rows, ColumnBatches) else None
    if confirm is not None:
        segments = confirm(sorted(checkpoint.size for checkpoint in checkpoints))
        if segments is not None and segments_join(segments):
            report = _report(checkpoints, holders, lambda walk: walk.join(segments))
            if report.ok:
                return report
    return _report(checkpoints, holders, lambda walk: walk.run(rows))


def _report(
    checkpoints: Sequence[Checkpoint], holders: Mapping[Checkpoint, str] | None, feed: Callable[[LedgerWalk], int]
) -> VerificationReport:
    report = VerificationReport()
    walk = LedgerWalk(sorted(checkpoints, key=lambda c: c.size), Holders(holders or {}), report)
    try:
        position = feed(walk)
        for checkpoint in reversed(walk.pending):  # name the largest: it shows how much is missing
            if checkpoint.size > position:
                raise Failed(
                    position + 1,
                    f"the ledger ends at position {position} but {walk.named.a_checkpoint(checkpoint)} was signed "
                    f"at size {checkpoint.size}: entries after {position} were removed (tail truncated)",
                )
    except Failed as failure:
        report.first_bad_position = failure.position
        report.reason = failure.reason
    report.root_hash = fold_right(walk.frontier)
    return report


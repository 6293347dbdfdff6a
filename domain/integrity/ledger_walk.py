"""The lockstep walk of ``verify`` (``domain.integrity.verifier``): the chain, the Merkle tree and
the checkpoints, over column batches (``ledger_columns``) or joined segments, and the words of its
report when a row is wrong."""

from __future__ import annotations

import hashlib
import hmac
import struct
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from domain.integrity.chain import ENTRY_DOMAIN, GENESIS_HASH, same_hash
from domain.integrity.checkpoint import Checkpoint
from domain.integrity.ledger_columns import (
    ColumnBatches,
    Segment,
    TopicFields,
    chained_batch,
    columns_of,
    leaf_hashes,
    subtree_pieces,
)
from domain.integrity.merkle import fold_right


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


class Failed(Exception):
    def __init__(self, position: int, reason: str) -> None:
        super().__init__(reason)
        self.position = position
        self.reason = reason


class Holders:
    def __init__(self, holders: Mapping[Checkpoint, str]) -> None:
        self._holders = holders

    def a_checkpoint(self, checkpoint: Checkpoint) -> str:
        holder = self._holders.get(checkpoint)
        return f"a checkpoint held by {holder}" if holder else "a checkpoint"

    def the_checkpoint(self, checkpoint: Checkpoint) -> str:
        holder = self._holders.get(checkpoint)
        held = f" held by {holder}" if holder else ""
        return f"the checkpoint{held} signed at {checkpoint.timestamp.isoformat()}"


# The entry hash encoding of domain/integrity/chain.py, inlined below for the row-by-row walk; the
# unit tests check both walks against ``entry_hash_of`` and the published vectors.
_DOMAIN_PREFIX = len(ENTRY_DOMAIN).to_bytes(4, "big") + ENTRY_DOMAIN
_UUID_PREFIX = (16).to_bytes(4, "big")
_pack_two_u64 = struct.Struct(">QQ").pack
_pack_u64 = struct.Struct(">Q").pack
_sha256 = hashlib.sha256


class LedgerWalk:
    """The lockstep walk: the chain, and the RFC 9162 tree as the binary-counter frontier of
    ``domain.integrity.merkle.TreeAccumulator`` (one hash per set bit of the size).

    Rows come in column batches (``ledger_columns``); a batch the column checks confirm grows the
    tree by perfect subtrees, any other batch is walked row by row, which names the first bad row.
    """

    def __init__(self, pending: list[Checkpoint], named: Holders, report: VerificationReport) -> None:
        self.pending = pending
        self.named = named
        self.report = report
        self.frontier: list[bytes] = []
        self.last_good_checkpoint = 0
        self.next_checkpoint = 0
        self.prev, self.position = GENESIS_HASH, 0
        self.due = self._skip_passed(0)  # the position at which the next checkpoint is due, or -1
        self.topics = TopicFields()
        self.stops = [checkpoint.size for checkpoint in pending]  # sorted, as ``pending``

    def run(self, rows: Iterable[Any]) -> int:  # LedgerRow; Any keeps the hot loops free of casts
        batches = rows.batches if isinstance(rows, ColumnBatches) else columns_of(rows)
        for batch in batches:
            computed = chained_batch(self.prev, self.position, batch, self.topics)
            if computed is None:
                self._walk_rows(batch.rows())
            else:
                self._grow_tree(computed)
        self.report.event_count = self.position
        return self.position

    def join(self, segments: Sequence[Segment]) -> int:
        """The ledger as confirmed segments that join (``segments_join``): the tree from their pieces."""
        for segment in segments:
            self.add_pieces(segment.pieces)
            self.prev = segment.last
        self.report.event_count = self.position
        return self.position

    def _grow_tree(self, computed: list[bytes]) -> None:
        """Append a confirmed batch's leaves as perfect subtrees, stopping at every checkpoint size."""
        self.add_pieces(subtree_pieces(leaf_hashes(computed), self.position, self.stops))
        self.prev = computed[-1]

    def add_pieces(self, pieces: Iterable[tuple[int, bytes]]) -> None:
        """Push perfect subtrees (leaf count, root) onto the frontier, checking checkpoints on the way."""
        push, pop, size = self.frontier.append, self.frontier.pop, self.position
        for chunk, root in pieces:
            digest = root
            size += chunk
            merges = size >> (chunk.bit_length() - 1)
            while not merges & 1:
                digest = _sha256(b"\x01" + pop() + digest).digest()
                merges >>= 1
            push(digest)
            self.position = size
            if size == self.due:
                self.report.event_count = size
                self.due = self._checkpoints_at(size)

    def _walk_rows(self, rows: Iterable[Any]) -> None:
        sha, domain_prefix, uuid_prefix = _sha256, _DOMAIN_PREFIX, _UUID_PREFIX
        pack_two, pack_one, compare = _pack_two_u64, _pack_u64, hmac.compare_digest  # same_hash
        push, pop = self.frontier.append, self.frontier.pop
        prev, position, due, topics = self.prev, self.position, self.due, self.topics
        for nid, oid, version, topic, state, link_position, link_nid, stored in rows:
            position += 1
            if link_position != position or nid != link_nid:
                self.report.event_count = position - 1
                misaligned(position, nid, link_position, link_nid)
            try:
                computed = sha(
                    b"".join(
                        (
                            domain_prefix,
                            prev,
                            pack_two(position, nid),
                            uuid_prefix,
                            oid,
                            pack_one(version),
                            topics[topic],
                            sha(state).digest(),
                        )
                    )
                ).digest()
            except (struct.error, OverflowError):
                self.report.event_count = position - 1
                raise Failed(
                    position,
                    f"event at notification id {nid} has a version or id outside the chain's "
                    "encoding (u64): the row was changed",
                ) from None
            if not compare(computed, stored):
                self.report.event_count = position - 1
                raise Failed(
                    position,
                    f"entry hash mismatch at notification id {nid}: the "
                    "event's payload, topic, originator, version or order was changed",
                )
            prev = computed
            digest = sha(b"\x00" + computed).digest()
            merges = position
            while not merges & 1:
                digest = sha(b"\x01" + pop() + digest).digest()
                merges >>= 1
            push(digest)
            if position == due:
                self.report.event_count = position
                due = self._checkpoints_at(position)
        self.prev, self.position, self.due = prev, position, due

    def _skip_passed(self, position: int) -> int:
        """Step over checkpoints of sizes at or below ``position`` already handled (only size 0 can be
        passed over); the size of the next one due, or -1."""
        pending = self.pending
        while self.next_checkpoint < len(pending) and pending[self.next_checkpoint].size <= position:
            self.next_checkpoint += 1
        return pending[self.next_checkpoint].size if self.next_checkpoint < len(pending) else -1

    def _checkpoints_at(self, position: int) -> int:
        pending = self.pending
        root = fold_right(self.frontier)
        while self.next_checkpoint < len(pending) and pending[self.next_checkpoint].size == position:
            checkpoint = pending[self.next_checkpoint]
            if not same_hash(root, checkpoint.root_hash):
                raise Failed(
                    self.last_good_checkpoint + 1,
                    f"the Merkle root of the first {position} entries differs from "
                    f"{self.named.the_checkpoint(checkpoint)}: history between positions "
                    f"{self.last_good_checkpoint + 1} and {position} was rewritten and re-chained",
                )
            self.report.checkpoints_checked.append(position)
            self.last_good_checkpoint = position
            self.next_checkpoint += 1
        return self._skip_passed(position)


def misaligned(position: int, nid: int | None, link_position: int | None, link_nid: int | None) -> None:
    """Raise why the event and chain entry at ``position`` do not belong together (the checks in
    the order that names the cause: a missing chain entry, rows deleted, a row inserted outside)."""
    if link_position is None:
        raise Failed(
            position, f"event at notification id {nid} has no chain entry (a row was inserted outside the ledger)"
        )
    if link_position != position and nid is not None and nid == link_nid:
        # The events skip in step with the chain: whole rows are gone (on SQLite an event and its
        # chain entry are one row, so deleting the event deletes both).
        raise Failed(
            position,
            f"chain jumps to position {link_position} where {position} was expected "
            "and the events before it are missing too (a row was deleted)",
        )
    if link_position != position:
        raise Failed(
            position,
            f"chain jumps to position {link_position} where {position} was expected (a chain entry was deleted)",
        )
    if nid is None or link_nid is None or nid > link_nid:
        raise Failed(
            position, f"chain entry names notification id {link_nid} but that event is missing (a row was deleted)"
        )
    raise Failed(
        position, f"event at notification id {nid} has no chain entry (a row was inserted outside the ledger)"
    )

"""``verify`` over column batches reports exactly what the row-by-row walk reports: the same root,
checkpoints, first bad position and reason, whatever the batch size and wherever a batch boundary
or a checkpoint falls, intact or tampered (the batch check only confirms; a batch it cannot confirm
is walked row by row)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest

from domain.integrity.chain import GENESIS_HASH, entry_hash_of
from domain.integrity.checkpoint import Checkpoint
from domain.integrity.ledger_columns import (
    ColumnBatches,
    Segment,
    columns_of,
    confirm_segment,
    segments_join,
    subtree_pieces,
)
from domain.integrity.merkle import TreeAccumulator, leaf_hash, root_from_leaves
from domain.integrity.verifier import VerificationReport, verify_ledger

pytestmark = pytest.mark.unit

WHEN = datetime(2026, 1, 1, tzinfo=UTC)
BATCH_SIZES = [1, 2, 3, 4, 5, 8, 16, 4096]


def _rows(count: int) -> list[tuple[Any, ...]]:
    rows, prev = [], GENESIS_HASH
    for n in range(1, count + 1):
        oid, topic, state = uuid4(), f"tests.Event{n % 3}", bytes([n % 256]) * (n % 7 + 1)
        prev = entry_hash_of(prev, n, n, oid, n, topic, state)
        rows.append((n, oid.bytes, n, topic.encode(), state, n, n, prev))
    return rows


def _checkpoint(rows: list[tuple[Any, ...]], size: int) -> Checkpoint:
    return Checkpoint("tests.origin", size, TreeAccumulator().extend(r[7] for r in rows[:size]).root(), WHEN)


def _in_batches(rows: list[tuple[Any, ...]], size: int, checkpoints: list[Checkpoint]) -> VerificationReport:
    return verify_ledger(ColumnBatches(columns_of(rows, size)), checkpoints)


def _one_by_one(rows: list[tuple[Any, ...]], checkpoints: list[Checkpoint]) -> VerificationReport:
    """The reference: batches of one row each, every one walked after its own check."""
    return _in_batches(rows, 1, checkpoints)


@pytest.mark.parametrize("count", [1, 2, 7, 8, 9, 33, 100])
def test_an_intact_ledger_has_the_accumulators_root_and_passes_every_checkpoint_in_any_batches(count: int) -> None:
    rows = _rows(count)
    sizes = sorted({1, count // 3, count // 2, count - 1, count} - {0})
    checkpoints = [_checkpoint(rows, size) for size in sizes]
    for batch in BATCH_SIZES:
        report = _in_batches(rows, batch, checkpoints)
        assert report.ok, (batch, report.reason)
        assert report.event_count == count
        assert report.root_hash == TreeAccumulator().extend(r[7] for r in rows).root()
        assert report.checkpoints_checked == sizes


@pytest.mark.parametrize("bad", [1, 4, 5, 16, 17, 29])
def test_a_changed_state_is_named_at_its_position_whatever_the_batch(bad: int) -> None:
    rows = _rows(30)
    row = list(rows[bad - 1])
    row[4] = row[4] + b"!"
    rows[bad - 1] = tuple(row)
    prefix_root = TreeAccumulator().extend(r[7] for r in rows[: bad - 1]).root()
    for batch in BATCH_SIZES:
        report = _in_batches(rows, batch, [])
        assert report.first_bad_position == bad and "entry hash mismatch" in report.reason, batch
        assert report.event_count == bad - 1
        assert report.root_hash == prefix_root


def test_a_deleted_row_inside_a_batch_reads_as_it_does_row_by_row() -> None:
    rows = _rows(20)
    gone = rows[:9] + rows[10:]  # the event and its chain entry of position 10 deleted
    expected = _one_by_one(gone, [])
    assert expected.first_bad_position == 10 and "a row was deleted" in expected.reason
    for batch in BATCH_SIZES:
        assert _in_batches(gone, batch, []) == expected


def test_a_version_outside_the_encoding_inside_a_batch_is_a_failure_at_its_row() -> None:
    rows = _rows(12)
    row = list(rows[6])
    row[2] = 2**64
    rows[6] = tuple(row)
    for batch in BATCH_SIZES:
        report = _in_batches(rows, batch, [])
        assert report.first_bad_position == 7 and "outside the chain's encoding" in report.reason


def test_a_rewritten_history_fails_the_checkpoint_it_contradicts_in_any_batches() -> None:
    rows = _rows(40)
    honest = [_checkpoint(rows, 6), _checkpoint(rows, 21)]
    forged = _rows(40)  # a whole other chain: every hash recomputes, only the checkpoints know
    expected = _one_by_one(forged, honest)
    assert expected.first_bad_position == 1 and "differs from" in expected.reason
    assert expected.event_count == 6
    for batch in BATCH_SIZES:
        assert _in_batches(forged, batch, honest) == expected


def test_a_checkpoint_beyond_the_end_is_a_truncation_in_any_batches() -> None:
    rows = _rows(25)
    checkpoints = [_checkpoint(rows, 25)]
    expected = _one_by_one(rows[:19], checkpoints)
    assert expected.first_bad_position == 20 and "tail truncated" in expected.reason
    for batch in BATCH_SIZES:
        assert _in_batches(rows[:19], batch, checkpoints) == expected


@pytest.mark.parametrize(("size", "count", "stops"), [(0, 13, []), (4, 13, []), (6, 9, [7, 8]), (16, 16, [20])])
def test_subtree_pieces_follow_the_binary_counter_and_stop_at_checkpoints(
    size: int, count: int, stops: list[int]
) -> None:
    data = [bytes([n]) * 32 for n in range(count)]
    pieces = subtree_pieces([leaf_hash(d) for d in data], size, stops)
    assert sum(chunk for chunk, _ in pieces) == count
    done = size
    for chunk, root in pieces:
        assert chunk & (chunk - 1) == 0 and (done == 0 or done % chunk == 0)
        assert not any(done < stop < done + chunk for stop in stops)
        assert root == root_from_leaves(data[done - size : done - size + chunk])
        done += chunk


def test_segments_join_only_end_to_end_on_the_hash_the_one_before_ended_with() -> None:
    rows = _rows(12)
    first = confirm_segment(GENESIS_HASH, 0, columns_of(rows[:8], 4), [])
    second = confirm_segment(rows[7][7], 8, columns_of(rows[8:], 4), [])
    assert first is not None and second is not None
    assert segments_join([first, second])
    assert not segments_join([second])  # does not start at the first position
    assert not segments_join([first, second._replace(prev=rows[6][7])])
    assert not segments_join([first, second._replace(start=9)])
    assert confirm_segment(rows[6][7], 8, columns_of(rows[8:], 4), []) is None  # chained onto the wrong hash


def test_joined_segments_give_the_report_of_the_walk() -> None:
    rows = _rows(50)
    checkpoints = [_checkpoint(rows, 20), _checkpoint(rows, 50)]
    given: list[list[Segment]] = []

    def confirm(sizes: Sequence[int]) -> list[Segment] | None:
        assert list(sizes) == [20, 50]
        parts = [confirm_segment(GENESIS_HASH, 0, columns_of(rows[:32], 8), sizes),
                 confirm_segment(rows[31][7], 32, columns_of(rows[32:], 8), sizes)]
        given.append([p for p in parts if p is not None])
        return given[-1]

    never_read = ColumnBatches(iter(()), confirm)  # the segments alone must give the whole report
    joined = verify_ledger(never_read, checkpoints)
    assert len(given[0]) == 2
    assert joined.ok and joined == _one_by_one(rows, checkpoints)

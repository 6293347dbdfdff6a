"""``verify`` of an SQLite ledger split into segments checked by child processes reports exactly what
the one-process walk reports: intact (same root, same checkpoints), and after an attacker changed a
row in either segment, deleted one or hid one from the chain (then it is walked in order)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import pytest
from eventsourcing.persistence import InfrastructureFactory, StoredEvent

from adapters.persistence.ledger_reader import SQLiteLedgerReader
from adapters.persistence.parallel_verify import decode, encode, sqlite_confirm
from domain.integrity.checkpoint import Checkpoint
from domain.integrity.ledger_columns import BATCH, segments_join
from domain.integrity.merkle import TreeAccumulator
from domain.integrity.verifier import VerificationReport, verify_ledger
from ops.bootstrap import SQLITE_FACTORY

pytestmark = pytest.mark.integration

EVENTS = 3 * BATCH + 7  # two segments of whole batches and a ragged end


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("parallel") / "ledger.db"
    recorder = InfrastructureFactory.construct(
        {"PERSISTENCE_MODULE": SQLITE_FACTORY, "SQLITE_DBNAME": str(path)}
    ).application_recorder()
    written = 0
    while written < EVENTS:
        count = min(100, EVENTS - written)
        oid = uuid4()
        recorder.insert_events([StoredEvent(oid, v, "tests.Parallel", bytes([v]) * 40) for v in range(1, count + 1)])
        written += count
    return path


def _copy(ledger: Path, tmp_path: Path, attack: str | None = None) -> Path:
    path = tmp_path / "copy.db"
    with sqlite3.connect(ledger) as source, sqlite3.connect(path) as target:
        source.backup(target)
    if attack:
        with sqlite3.connect(path) as db:
            for trigger in ("stored_events_no_update", "stored_events_no_delete"):
                db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            db.execute(attack)
    return path


def _checkpoints(path: Path, sizes: list[int]) -> list[Checkpoint]:
    with sqlite3.connect(path) as db:
        hashes = [row[0] for row in db.execute("SELECT entry_hash FROM stored_events ORDER BY rowid")]
    when = datetime(2026, 1, 1, tzinfo=UTC)
    return [Checkpoint("tests.origin", n, TreeAccumulator().extend(hashes[:n]).root(), when) for n in sizes]


def _verify(path: Path, workers: int, checkpoints: list[Checkpoint]) -> VerificationReport:
    with SQLiteLedgerReader(path, workers=workers, min_parallel=1).ledger_rows() as rows:
        return verify_ledger(rows, checkpoints)


def test_an_intact_ledger_is_confirmed_in_joined_segments_with_the_same_report(ledger: Path, tmp_path: Path) -> None:
    path = _copy(ledger, tmp_path)
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        confirm = sqlite_confirm(db, path, "stored_events", workers=2, min_rows=1)
    assert confirm is not None
    segments = confirm([5_000])
    assert segments is not None and len(segments) == 2 and segments_join(segments)
    assert segments[1].start == 2 * BATCH and sum(s.size for s in segments) == EVENTS
    checkpoints = _checkpoints(path, [1, 5_000, 2 * BATCH, EVENTS])
    report = _verify(path, 2, checkpoints)
    assert report.ok and report.event_count == EVENTS
    assert report == _verify(path, 1, checkpoints)
    assert report.checkpoints_checked == [1, 5_000, 2 * BATCH, EVENTS]


@pytest.mark.parametrize("rowid", [3, 2 * BATCH, 2 * BATCH + 1, EVENTS])
def test_a_changed_row_in_any_segment_is_named_as_the_walk_names_it(ledger: Path, tmp_path: Path, rowid: int) -> None:
    path = _copy(ledger, tmp_path, f"UPDATE stored_events SET state = x'00' WHERE rowid = {rowid}")
    report = _verify(path, 2, [])
    assert report.first_bad_position == rowid and "entry hash mismatch" in report.reason
    assert report == _verify(path, 1, [])


@pytest.mark.parametrize(
    "attack",
    [
        "DELETE FROM stored_events WHERE rowid = 9000",
        "UPDATE stored_events SET entry_hash = NULL WHERE rowid = 9000",
        "UPDATE stored_events SET entry_hash = (SELECT entry_hash FROM stored_events WHERE rowid = 10) "
        "WHERE rowid = 2 * 4096",  # the hash the second segment chains onto
    ],
)
def test_a_ledger_that_does_not_split_cleanly_is_walked_in_order(ledger: Path, tmp_path: Path, attack: str) -> None:
    path = _copy(ledger, tmp_path, attack)
    report = _verify(path, 2, _checkpoints(ledger, [EVENTS]))
    assert not report.ok
    assert report == _verify(path, 1, _checkpoints(ledger, [EVENTS]))


def test_a_rewritten_history_fails_its_checkpoint_as_in_the_walk(ledger: Path, tmp_path: Path) -> None:
    path = _copy(ledger, tmp_path)
    forged = _checkpoints(path, [6_000])[0]
    wrong = Checkpoint(forged.origin, forged.size, bytes(32), forged.timestamp)
    report = _verify(path, 2, [wrong])
    assert report.first_bad_position == 1 and "differs from" in report.reason
    assert report == _verify(path, 1, [wrong])


def test_a_childs_answer_that_is_not_a_segment_is_no_confirmation() -> None:
    assert decode(b"not json") is None
    assert decode(b"[1, 2]") is None
    assert decode(encode(None)) is None

"""Checkpoints held outside the database: the sink folder read back, and verification against them.

The verifier takes the database's notes and the held ones together: a held checkpoint larger than
the rows, or with another root at its size, fails and is named with its holder; a held note not
signed by the ledger key fails; the same note in both places is checked once.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from adapters.integrity.directory_sink import DirectoryCheckpointSink, DirectoryCheckpointSource
from adapters.integrity.ed25519_keys import ED25519, Ed25519CheckpointSigner
from domain.integrity.chain import GENESIS_HASH, entry_hash_of
from domain.integrity.checkpoint import MAX_NOTE_BYTES, Checkpoint, sign_checkpoint
from domain.integrity.checkpoint_sources import CheckpointSourceUnavailableError, HeldNote
from domain.integrity.merkle import TreeAccumulator
from domain.integrity.verifier import ChainEntry, EventRow
from services.evidence.verify import summarize_holders, verify_streams

pytestmark = pytest.mark.unit

SIGNER = Ed25519CheckpointSigner(Ed25519PrivateKey.generate(), "kycledger-checkpoint")
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _ledger(count: int) -> tuple[list[EventRow], list[ChainEntry], list[bytes]]:
    """Rows and each prefix's root (index i: the root of the first i entries)."""
    events, chain, roots, prev, tree = [], [], [TreeAccumulator().root()], GENESIS_HASH, TreeAccumulator()
    for n in range(1, count + 1):
        event = EventRow(n, uuid4(), 1, "tests.Event", os.urandom(24))
        prev = entry_hash_of(prev, n, n, event.originator_id, 1, event.topic, event.state)
        tree.append(prev)
        events.append(event)
        chain.append(ChainEntry(n, n, prev))
        roots.append(tree.root())
    return events, chain, roots


def _note(size: int, root: bytes, signer: Ed25519CheckpointSigner = SIGNER, minutes: int = 0) -> bytes:
    return sign_checkpoint(Checkpoint.at("test/log", size, root, T0 + timedelta(minutes=minutes)), signer).encode()


def test_the_source_reads_every_note_file_and_nothing_else(tmp_path: Path) -> None:
    _, _, roots = _ledger(3)
    sink = DirectoryCheckpointSink(tmp_path)
    sink.export(sign_checkpoint(Checkpoint.at("test/log", 2, roots[2], T0), SIGNER))
    sink.export(sign_checkpoint(Checkpoint.at("test/log", 3, roots[3], T0), SIGNER))
    (tmp_path / ".staging-0123").write_bytes(b"half written")
    (tmp_path / "README").write_text("not a checkpoint")
    held = DirectoryCheckpointSource(tmp_path).held_notes()
    assert [h.reference for h in held] == sorted(p.name for p in tmp_path.glob("*.note"))
    assert all(h.holder == f"checkpoint sink {tmp_path}" for h in held) and len(held) == 2


def test_a_missing_folder_is_an_error_only_when_required(tmp_path: Path) -> None:
    with pytest.raises(CheckpointSourceUnavailableError) as caught:
        DirectoryCheckpointSource(tmp_path / "gone").held_notes()
    assert caught.value.code == "checkpoint_source_unavailable"
    assert DirectoryCheckpointSource(tmp_path / "gone", required=False).held_notes() == []


def test_an_oversized_file_is_read_only_up_to_a_note_and_then_refused(tmp_path: Path) -> None:
    events, chain, _ = _ledger(2)
    (tmp_path / "checkpoint-huge.note").write_bytes(b"x" * (MAX_NOTE_BYTES * 4))
    held = DirectoryCheckpointSource(tmp_path).held_notes()
    assert len(held[0].note) == MAX_NOTE_BYTES + 1
    report = verify_streams(iter(events), iter(chain), [], SIGNER.public_key, ED25519, held)
    assert not report.ok and "checkpoint-huge.note" in report.reason and "too large" in report.reason


def test_a_held_checkpoint_beyond_the_rows_is_a_truncation_named_with_its_holder() -> None:
    events, chain, roots = _ledger(5)
    held = [HeldNote("checkpoint sink /srv/cp", "cp-5.note", _note(5, roots[5]))]
    report = verify_streams(iter(events[:3]), iter(chain[:3]), [_note(3, roots[3])], SIGNER.public_key, ED25519, held)
    assert report.first_bad_position == 4
    assert "truncated" in report.reason and "held by checkpoint sink /srv/cp (cp-5.note)" in report.reason
    # the database's own checkpoint, alone, says nothing is wrong
    assert verify_streams(iter(events[:3]), iter(chain[:3]), [_note(3, roots[3])], SIGNER.public_key, ED25519).ok


def test_a_held_checkpoint_with_another_root_at_its_size_fails() -> None:
    events, chain, roots = _ledger(5)
    held = [HeldNote("witness w1", "latest", _note(4, roots[3][::-1]))]
    report = verify_streams(iter(events), iter(chain), [], SIGNER.public_key, ED25519, held)
    assert report.first_bad_position == 1 and "rewritten" in report.reason and "witness w1" in report.reason


def test_a_held_note_by_another_key_fails_even_when_it_agrees_with_the_rows() -> None:
    events, chain, roots = _ledger(4)
    stranger = Ed25519CheckpointSigner(Ed25519PrivateKey.generate(), "kycledger-checkpoint")
    held = [HeldNote("checkpoint sink /srv/cp", "cp-4.note", _note(4, roots[4], stranger))]
    report = verify_streams(iter(events), iter(chain), [], SIGNER.public_key, ED25519, held)
    assert report.first_bad_position == 4
    assert report.reason.startswith("checkpoint sink /srv/cp holds cp-4.note, which is not a checkpoint validly "
                                    "signed by the ledger key")


def test_the_same_note_in_the_database_and_the_sink_is_checked_once() -> None:
    events, chain, roots = _ledger(4)
    note = _note(4, roots[4])
    held = [HeldNote("checkpoint sink /srv/cp", "cp-4.note", note), HeldNote("copy", "cp-4.note", note)]
    report = verify_streams(iter(events), iter(chain), [note], SIGNER.public_key, ED25519, held)
    assert report.ok and report.checkpoints_checked == [4]
    summary = summarize_holders(held, ["checkpoint sink /srv/cp", "copy", "empty witness"])
    assert [(s.holder, s.checkpoints, s.newest_size) for s in summary] == [
        ("checkpoint sink /srv/cp", 1, 4), ("copy", 1, 4), ("empty witness", 0, None)]

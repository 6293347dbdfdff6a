"""``ledger verify`` holds the ledger to the checkpoints the database cannot change: the sink's.

The attack: a database superuser deletes the newest events together with the database's checkpoint
rows (and its Merkle nodes), so that what is left is internally consistent; the database alone then
verifies. The checkpoint sink still holds the larger signed checkpoint, and ``ledger verify`` reads
it. Each attack runs on SQLite and a real PostgreSQL.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from adapters.integrity.directory_sink import DirectoryCheckpointSink
from adapters.integrity.ed25519_keys import ED25519, Ed25519CheckpointSigner
from domain.integrity.checkpoint import Checkpoint, parse_signed_checkpoint, sign_checkpoint
from ops.bootstrap import open_runtime
from ops.cli import main
from ops.integrity_wiring import checkpoint_notes, trusted_public_key
from services.evidence.verify import verify_streams
from tests.integration.ledger.tamper_support import (
    EVENTS,
    TENANT_EVENTS,
    Ledger,
    failed_at,
    nid_at,
    open_ledger,
    row_id,
)

pytestmark = pytest.mark.integration

KEPT = 7  # the attacker keeps the first 7 events and removes the rest


@pytest.fixture(params=["sqlite", "postgres"])
def ledger(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Ledger:
    pg = request.getfixturevalue("fresh_postgres_db") if request.param == "postgres" else None
    return open_ledger(request.param, tmp_path, monkeypatch, pg)


def _truncate_with_checkpoint_rows(ledger: Ledger) -> None:
    """Remove events after ``KEPT``, every database checkpoint and the Merkle log over them."""
    if ledger.backend == "postgres":  # on SQLite the chain entry is part of the event row
        ledger.execute(ledger.q(f"DELETE FROM {ledger.events_table}_chain WHERE position > ?"), (KEPT,))
    ledger.execute(ledger.q(f"DELETE FROM {ledger.events_table} WHERE {row_id(ledger)} > ?"),
                   (nid_at(ledger, KEPT),))
    ledger.execute("DELETE FROM ledger_checkpoints", ())
    ledger.execute("DELETE FROM merkle_nodes", ())
    ledger.execute("UPDATE merkle_tree_size SET size = 0", ())


def _database_alone_verifies(ledger: Ledger) -> bool:
    """What ``ledger verify`` checked before it read the sink: the rows against the database's notes."""
    flag, where = ledger.args
    rt = open_runtime(data_dir=Path(where)) if flag == "--data-dir" else open_runtime(db_url=where)
    try:
        notes = checkpoint_notes(rt)
        with rt.reader().snapshot() as (events, chain):
            return verify_streams(events, chain, notes, trusted_public_key(rt), ED25519).ok
    finally:
        rt.close()


def _sink_files(ledger: Ledger) -> list[str]:
    return sorted(p.name for p in ledger.sink.iterdir() if p.name.endswith(".note"))


def test_the_genuine_ledger_verifies_against_the_sink(ledger: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = ledger.verify(capsys)
    assert code == 0, out
    assert out.startswith(f"ok: {EVENTS} events") and "1 checkpoints verified" in out
    assert f"checkpoint sink {ledger.sink}: 1 checkpoints, newest at size {EVENTS}" in out
    code, out = ledger.verify(capsys, "--json")
    report = json.loads(out)
    assert code == 0 and report["checkpoint_sources"] == [
        {"source": f"checkpoint sink {ledger.sink}", "checkpoints": 1, "newest_size": EVENTS}]


def test_truncation_with_the_checkpoint_rows_deleted_is_caught_by_the_sink(
        ledger: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    _truncate_with_checkpoint_rows(ledger)
    assert _database_alone_verifies(ledger)  # the attack defeats a database-only verification
    out = failed_at(*ledger.verify(capsys), position=KEPT + 1)
    assert "truncated" in out and f"the ledger ends at position {KEPT}" in out
    assert f"checkpoint sink {ledger.sink}" in out and f"size {EVENTS}" in out


def test_a_fresh_checkpoint_over_the_truncated_ledger_does_not_hide_it(
        ledger: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    # The thorough attacker signs a new checkpoint at the truncated size: the database holds a
    # consistent, validly signed history again, and the sink now holds both sizes.
    _truncate_with_checkpoint_rows(ledger)
    assert main(["ledger", "checkpoint", *ledger.args]) == 0
    assert len(_sink_files(ledger)) == 2
    out = failed_at(*ledger.verify(capsys), position=KEPT + 1)
    assert "truncated" in out and f"size {EVENTS}" in out


def test_a_rewritten_tail_that_regrows_past_the_sink_checkpoint_is_caught(
        ledger: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    # Truncate, then let the ledger grow again past the sink's size: long enough, but its tree at
    # size EVENTS is not the one that was signed (consistency, not only length).
    _truncate_with_checkpoint_rows(ledger)
    for i in range(-(-(EVENTS - KEPT) // TENANT_EVENTS) + 1):  # enough new tenants to grow past EVENTS
        assert main(["tenants", "create", "--name", f"Later {i}", "--json", *ledger.args]) == 0
    assert _database_alone_verifies(ledger)
    out = failed_at(*ledger.verify(capsys), position=1)
    assert "rewritten" in out and f"checkpoint sink {ledger.sink}" in out


def test_a_sink_checkpoint_signed_by_another_key_is_flagged(
        ledger: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    (name,) = _sink_files(ledger)
    real = parse_signed_checkpoint((ledger.sink / name).read_bytes()).checkpoint
    stranger = Ed25519CheckpointSigner(Ed25519PrivateKey.generate(), "kycledger-checkpoint")
    # Smaller than the ledger and with the right root: only the signature is wrong, and that is enough.
    foreign = Checkpoint.at(real.origin, real.size, real.root_hash, real.timestamp.replace(year=2030))
    written = DirectoryCheckpointSink(ledger.sink).export(sign_checkpoint(foreign, stranger))
    out = failed_at(*ledger.verify(capsys), position=EVENTS)
    assert f"checkpoint sink {ledger.sink} holds {Path(written).name}" in out
    assert "not a checkpoint validly signed by the ledger key" in out


def test_a_copy_of_the_sink_catches_what_the_local_sink_lost(
        ledger: Ledger, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # An auditor copied the sink; the attacker then also emptied the local one.
    copy = tmp_path / "auditor-copy"
    shutil.copytree(ledger.sink, copy)
    _truncate_with_checkpoint_rows(ledger)
    for name in _sink_files(ledger):
        (ledger.sink / name).unlink()
    code, out = ledger.verify(capsys)
    assert code == 0, out  # nothing left that the database cannot change...
    out = failed_at(*ledger.verify(capsys, "--checkpoint-dir", str(copy)), position=KEPT + 1)
    assert f"checkpoint sink {copy}" in out and "truncated" in out  # ...except the copy
    # The same for an export of the truncated ledger, verified offline against the copy.
    export = tmp_path / "truncated.jsonl"
    assert main(["ledger", "export", "--out", str(export), *ledger.args]) == 0
    capsys.readouterr()
    assert main(["ledger", "verify", "--export", str(export)]) == 0
    capsys.readouterr()
    assert main(["ledger", "verify", "--export", str(export), "--checkpoint-dir", str(copy)]) == 1
    assert "truncated" in capsys.readouterr().out


def test_export_refuses_a_ledger_the_sink_contradicts(
        ledger: Ledger, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    _truncate_with_checkpoint_rows(ledger)
    capsys.readouterr()
    assert main(["ledger", "export", "--out", str(tmp_path / "x.jsonl"), *ledger.args]) == 2
    assert json.loads(capsys.readouterr().err)["error"]["code"] == "ledger_integrity_failure"
    assert not (tmp_path / "x.jsonl").exists()


def test_a_configured_sink_that_cannot_be_read_stops_verification(
        ledger: Ledger, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KYC_CHECKPOINT_SINK_DIR", str(tmp_path / "unmounted"))
    capsys.readouterr()
    assert main(["ledger", "verify", *ledger.args]) == 2  # never "ok" without the sink it was told to read
    assert json.loads(capsys.readouterr().err)["error"]["code"] == "checkpoint_source_unavailable"

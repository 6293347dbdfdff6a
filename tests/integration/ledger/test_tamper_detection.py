"""``kycledger ledger verify`` catches every tampering an attacker with database access can do.

Each attack runs against SQLite and a real PostgreSQL. The attacker bypasses the append-only
triggers (as a superuser could), edits raw rows, and the verifier must exit 1 naming the position.
On SQLite an event's entry hash is a column of its own row (``<events>_chain`` is a view of it), so
the attacker edits that column where on PostgreSQL it edits the chain table.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from adapters.integrity.ed25519_keys import Ed25519CheckpointSigner
from domain.integrity.chain import GENESIS_HASH, ChainRecord, entry_hash
from domain.integrity.checkpoint import Checkpoint, parse_signed_checkpoint, sign_checkpoint
from ops.cli import main
from tests.integration.ledger.tamper_support import (
    EVENTS,
    Ledger,
    failed_at,
    nid_at,
    open_ledger,
    row_id,
    update_chain_hash,
)

pytestmark = pytest.mark.integration


@pytest.fixture(params=["sqlite", "postgres"])
def ledger(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Ledger:
    pg = request.getfixturevalue("fresh_postgres_db") if request.param == "postgres" else None
    return open_ledger(request.param, tmp_path, monkeypatch, pg)


def test_an_intact_ledger_verifies(ledger: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = ledger.verify(capsys)
    assert code == 0, out
    assert out.startswith(f"ok: {EVENTS} events, root ") and "1 checkpoints verified" in out


def test_a_changed_payload_byte(ledger: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    nid = nid_at(ledger, 4)
    (state,) = ledger.execute(ledger.q(f"SELECT state FROM {ledger.events_table} WHERE {row_id(ledger)}=?"), (nid,))[0]
    tampered = bytearray(state)
    tampered[len(tampered) // 2] ^= 0x01
    ledger.execute(ledger.q(f"UPDATE {ledger.events_table} SET state=? WHERE {row_id(ledger)}=?"),
                   (bytes(tampered), nid))
    assert "payload" in failed_at(*ledger.verify(capsys), position=4)


def test_a_changed_topic(ledger: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    ledger.execute(ledger.q(f"UPDATE {ledger.events_table} SET topic=? WHERE {row_id(ledger)}=?"),
                   ("kycledger.tenant.Suspended", nid_at(ledger, 3)))
    failed_at(*ledger.verify(capsys), position=3)


def test_a_changed_version(ledger: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    ledger.execute(ledger.q(f"UPDATE {ledger.events_table} SET originator_version=7 WHERE {row_id(ledger)}=?"),
                   (nid_at(ledger, 5),))
    failed_at(*ledger.verify(capsys), position=5)


def test_a_deleted_row(ledger: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    ledger.execute(ledger.q(f"DELETE FROM {ledger.events_table} WHERE {row_id(ledger)}=?"), (nid_at(ledger, 6),))
    assert "missing" in failed_at(*ledger.verify(capsys), position=6)


def test_an_inserted_row(ledger: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    (oid, state) = ledger.execute(
        ledger.q(f"SELECT originator_id, state FROM {ledger.events_table} WHERE {row_id(ledger)}=?"),
        (nid_at(ledger, 1),))[0]
    ledger.execute(ledger.q(f"INSERT INTO {ledger.events_table} (originator_id, originator_version, topic, "
                            "state) VALUES (?, 2, 'kycledger.tenant.PlanChanged', ?)"), (oid, state))
    assert "no chain entry" in failed_at(*ledger.verify(capsys), position=EVENTS + 1)


def test_swapped_rows(ledger: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = nid_at(ledger, 2), nid_at(ledger, 3)
    cols = "originator_id, originator_version, topic, state"
    read = f"{cols}, entry_hash" if ledger.backend == "sqlite" else cols
    row_a = ledger.execute(ledger.q(f"SELECT {read} FROM {ledger.events_table} WHERE {row_id(ledger)}=?"), (a,))[0]
    row_b = ledger.execute(ledger.q(f"SELECT {read} FROM {ledger.events_table} WHERE {row_id(ledger)}=?"), (b,))[0]
    if ledger.backend == "sqlite":  # the chain entries stay where they were: their hash goes back in
        cols += ", entry_hash"
        row_a, row_b = (*row_b[:4], row_a[4]), (*row_a[:4], row_b[4])
    else:
        row_a, row_b = row_b, row_a
    ledger.execute(ledger.q(f"DELETE FROM {ledger.events_table} WHERE {row_id(ledger)} IN (?, ?)"), (a, b))
    values = ", ".join("?" * (len(row_a) + 1))
    insert = f"INSERT INTO {ledger.events_table} ({row_id(ledger)}, {cols}) VALUES ({values})"
    ledger.execute(ledger.q(insert), (a, *row_a))
    ledger.execute(ledger.q(insert), (b, *row_b))
    assert "entry hash mismatch" in failed_at(*ledger.verify(capsys), position=2)


def test_a_truncated_tail(ledger: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    if ledger.backend == "postgres":  # on SQLite deleting the events deletes their chain entries
        ledger.execute(ledger.q(f"DELETE FROM {ledger.events_table}_chain WHERE position > ?"), (7,))
    ledger.execute(ledger.q(f"DELETE FROM {ledger.events_table} WHERE {row_id(ledger)} > ?"), (nid_at(ledger, 7),))
    assert "truncated" in failed_at(*ledger.verify(capsys), position=8)


def test_history_rewritten_and_rechained(ledger: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    nid = nid_at(ledger, 3)
    ledger.execute(ledger.q(f"UPDATE {ledger.events_table} SET topic=? WHERE {row_id(ledger)}=?"),
                   ("kycledger.tenant.Suspended", nid))
    # The attacker recomputes every entry hash after the edit, so the chain itself is consistent.
    rows = ledger.execute(f"SELECT {row_id(ledger)}, originator_id, originator_version, topic, state FROM "
                          f"{ledger.events_table} ORDER BY {row_id(ledger)}", ())
    prev = GENESIS_HASH
    for position, (n, oid, version, topic, state) in enumerate(rows, start=1):
        from uuid import UUID

        oid = oid if isinstance(oid, UUID) else UUID(oid)
        prev = entry_hash(prev, ChainRecord(position, n, oid, version, topic, bytes(state)))
        ledger.execute(ledger.q(update_chain_hash(ledger)), (prev, position))
    assert "rewritten" in failed_at(*ledger.verify(capsys), position=1)


def test_a_forged_checkpoint(ledger: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    (note,) = ledger.execute("SELECT note FROM ledger_checkpoints", ())[0]
    forged = bytes(note).replace(f"\n{EVENTS}\n".encode(), b"\n12\n", 1)
    assert forged != bytes(note)
    ledger.execute(ledger.q("UPDATE ledger_checkpoints SET note=?"), (forged,))
    assert "not validly signed" in failed_at(*ledger.verify(capsys))


def test_a_checkpoint_resigned_by_another_key(ledger: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    (note,) = ledger.execute("SELECT note FROM ledger_checkpoints", ())[0]
    real = parse_signed_checkpoint(bytes(note)).checkpoint
    fake = Checkpoint.at(real.origin, real.size, bytes(32), real.timestamp)
    signer = Ed25519CheckpointSigner(Ed25519PrivateKey.generate(), "kycledger-checkpoint")
    resigned = sign_checkpoint(fake, signer).encode()
    ledger.execute(ledger.q("UPDATE ledger_checkpoints SET note=?"), (resigned,))
    assert "not validly signed" in failed_at(*ledger.verify(capsys))


def test_an_export_verifies_offline_and_a_hand_edit_is_caught(
    ledger: Ledger, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "ledger.jsonl"
    assert main(["ledger", "export", "--out", str(out), *ledger.args]) == 0
    capsys.readouterr()
    assert main(["ledger", "verify", "--export", str(out)]) == 0
    assert capsys.readouterr().out.startswith(f"ok: {EVENTS} events")

    lines = out.read_text().splitlines()
    event = json.loads(lines[5])
    state = bytearray(base64.b64decode(event["s"]))
    state[0] ^= 0x20
    event["s"] = base64.b64encode(bytes(state)).decode()
    lines[5] = json.dumps(event)
    edited = tmp_path / "edited.jsonl"
    edited.write_text("\n".join(lines) + "\n")
    assert main(["ledger", "verify", "--export", str(edited)]) == 1
    assert "position 5:" in capsys.readouterr().out

    lines = out.read_text().splitlines()
    del lines[3]  # drop an event line by hand: the footer no longer matches
    (tmp_path / "cut.jsonl").write_text("\n".join(lines) + "\n")
    assert main(["ledger", "verify", "--export", str(tmp_path / "cut.jsonl")]) == 1


def test_a_resigned_export_fails_against_the_pinned_key(
    ledger: Ledger, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "ledger.jsonl"
    assert main(["ledger", "export", "--out", str(out), *ledger.args]) == 0
    header, *rest = out.read_text().splitlines()
    real_key = json.loads(header)["public_key"]
    attacker = Ed25519CheckpointSigner(Ed25519PrivateKey.generate(), "kycledger-checkpoint")
    lines = [json.dumps({**json.loads(header), "public_key": base64.b64encode(attacker.public_key).decode()})]
    for line in rest:
        value = json.loads(line)
        if "checkpoint" in value:
            cp = parse_signed_checkpoint(base64.b64decode(value["checkpoint"])).checkpoint
            value = {"checkpoint": base64.b64encode(sign_checkpoint(cp, attacker).encode()).decode()}
        lines.append(json.dumps(value))
    swapped = tmp_path / "swapped.jsonl"
    swapped.write_text("\n".join(lines) + "\n")
    capsys.readouterr()
    assert main(["ledger", "verify", "--export", str(swapped), "--public-key", real_key]) == 1
    assert "not validly signed" in capsys.readouterr().out



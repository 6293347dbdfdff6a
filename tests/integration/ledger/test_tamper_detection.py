"""``kycledger ledger verify`` catches every tampering an attacker with database access can do.

Each attack runs against SQLite and a real PostgreSQL. The attacker bypasses the append-only
triggers (as a superuser could), edits raw rows, and the verifier must exit 1 naming the position.
On SQLite an event's entry hash is a column of its own row (``<events>_chain`` is a view of it), so
the attacker edits that column where on PostgreSQL it edits the chain table.
"""

from __future__ import annotations

import base64
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from adapters.integrity.ed25519_keys import Ed25519CheckpointSigner, generate_private_key_file
from domain.integrity.chain import GENESIS_HASH, ChainRecord, entry_hash
from domain.integrity.checkpoint import Checkpoint, parse_signed_checkpoint, sign_checkpoint
from ops.cli import main

pytestmark = pytest.mark.integration

TENANTS = 5
EVENTS = 4 * TENANTS  # each Tenant.Created, its integration key, its first admin and the admin's key


@dataclass
class Ledger:
    backend: str
    args: list[str]
    execute: Callable[[str, tuple[Any, ...]], list[tuple[Any, ...]]]
    events_table: str
    param: str  # "?" or "%s"

    def q(self, sql: str) -> str:
        return sql.replace("?", self.param)

    def verify(self, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
        capsys.readouterr()
        code = main(["ledger", "verify", *self.args, *extra])
        return code, capsys.readouterr().out


def _sqlite_exec(path: Path) -> Callable[[str, tuple[Any, ...]], list[tuple[Any, ...]]]:
    def run(sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        db = sqlite3.connect(path, isolation_level=None)
        try:
            # The attacker drops the append-only triggers first.
            for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='trigger'").fetchall():
                db.execute(f"DROP TRIGGER {name}")
            return db.execute(sql, params).fetchall()
        finally:
            db.close()

    return run


def _pg_exec(dsn: str) -> Callable[[str, tuple[Any, ...]], list[tuple[Any, ...]]]:
    def run(sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with psycopg.connect(dsn, autocommit=True) as db:
            db.execute("SET session_replication_role = replica")  # superuser: triggers off
            cur = db.execute(sql, params)
            return cur.fetchall() if cur.description else []

    return run


@pytest.fixture(params=["sqlite", "postgres"])
def ledger(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Ledger]:
    monkeypatch.setenv("KYC_KEK", base64.b64encode(os.urandom(32)).decode())
    if request.param == "sqlite":
        args = ["--data-dir", str(tmp_path / "data")]
        db_path = tmp_path / "data" / "ledger.db"
    else:
        key_file = tmp_path / "checkpoint.pem"
        generate_private_key_file(key_file)
        monkeypatch.setenv("KYC_CHECKPOINT_KEY_FILE", str(key_file))
        args = ["--db", request.getfixturevalue("fresh_postgres_db")]
    for i in range(TENANTS):
        assert main(["tenants", "create", "--name", f"Tenant {i}", "--json", *args]) == 0
    assert main(["ledger", "checkpoint", *args]) == 0
    if request.param == "sqlite":
        yield Ledger("sqlite", args, _sqlite_exec(db_path), "stored_events", "?")
    else:
        yield Ledger("postgres", args, _pg_exec(args[1]), "kycledger_events", "%s")


def _failed_at(code: int, out: str, position: int | None = None) -> str:
    assert code == 1, out
    assert out.startswith("FAILED"), out
    if position is not None:
        assert f"position {position}:" in out, out
    return out


def test_an_intact_ledger_verifies(ledger: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = ledger.verify(capsys)
    assert code == 0, out
    assert out.startswith(f"ok: {EVENTS} events, root ") and "1 checkpoints verified" in out


def test_a_changed_payload_byte(ledger: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    nid = _nid(ledger, 4)
    (state,) = ledger.execute(ledger.q(f"SELECT state FROM {ledger.events_table} WHERE {_id(ledger)}=?"), (nid,))[0]
    tampered = bytearray(state)
    tampered[len(tampered) // 2] ^= 0x01
    ledger.execute(ledger.q(f"UPDATE {ledger.events_table} SET state=? WHERE {_id(ledger)}=?"),
                   (bytes(tampered), nid))
    assert "payload" in _failed_at(*ledger.verify(capsys), position=4)


def test_a_changed_topic(ledger: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    ledger.execute(ledger.q(f"UPDATE {ledger.events_table} SET topic=? WHERE {_id(ledger)}=?"),
                   ("kycledger.tenant.Suspended", _nid(ledger, 3)))
    _failed_at(*ledger.verify(capsys), position=3)


def test_a_changed_version(ledger: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    ledger.execute(ledger.q(f"UPDATE {ledger.events_table} SET originator_version=7 WHERE {_id(ledger)}=?"),
                   (_nid(ledger, 5),))
    _failed_at(*ledger.verify(capsys), position=5)


def test_a_deleted_row(ledger: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    ledger.execute(ledger.q(f"DELETE FROM {ledger.events_table} WHERE {_id(ledger)}=?"), (_nid(ledger, 6),))
    assert "missing" in _failed_at(*ledger.verify(capsys), position=6)


def test_an_inserted_row(ledger: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    (oid, state) = ledger.execute(
        ledger.q(f"SELECT originator_id, state FROM {ledger.events_table} WHERE {_id(ledger)}=?"),
        (_nid(ledger, 1),))[0]
    ledger.execute(ledger.q(f"INSERT INTO {ledger.events_table} (originator_id, originator_version, topic, "
                            "state) VALUES (?, 2, 'kycledger.tenant.PlanChanged', ?)"), (oid, state))
    assert "no chain entry" in _failed_at(*ledger.verify(capsys), position=EVENTS + 1)


def test_swapped_rows(ledger: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = _nid(ledger, 2), _nid(ledger, 3)
    cols = "originator_id, originator_version, topic, state"
    read = f"{cols}, entry_hash" if ledger.backend == "sqlite" else cols
    row_a = ledger.execute(ledger.q(f"SELECT {read} FROM {ledger.events_table} WHERE {_id(ledger)}=?"), (a,))[0]
    row_b = ledger.execute(ledger.q(f"SELECT {read} FROM {ledger.events_table} WHERE {_id(ledger)}=?"), (b,))[0]
    if ledger.backend == "sqlite":  # the chain entries stay where they were: their hash goes back in
        cols += ", entry_hash"
        row_a, row_b = (*row_b[:4], row_a[4]), (*row_a[:4], row_b[4])
    else:
        row_a, row_b = row_b, row_a
    ledger.execute(ledger.q(f"DELETE FROM {ledger.events_table} WHERE {_id(ledger)} IN (?, ?)"), (a, b))
    values = ", ".join("?" * (len(row_a) + 1))
    insert = f"INSERT INTO {ledger.events_table} ({_id(ledger)}, {cols}) VALUES ({values})"
    ledger.execute(ledger.q(insert), (a, *row_a))
    ledger.execute(ledger.q(insert), (b, *row_b))
    assert "entry hash mismatch" in _failed_at(*ledger.verify(capsys), position=2)


def test_a_truncated_tail(ledger: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    if ledger.backend == "postgres":  # on SQLite deleting the events deletes their chain entries
        ledger.execute(ledger.q(f"DELETE FROM {ledger.events_table}_chain WHERE position > ?"), (7,))
    ledger.execute(ledger.q(f"DELETE FROM {ledger.events_table} WHERE {_id(ledger)} > ?"), (_nid(ledger, 7),))
    assert "truncated" in _failed_at(*ledger.verify(capsys), position=8)


def test_history_rewritten_and_rechained(ledger: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    nid = _nid(ledger, 3)
    ledger.execute(ledger.q(f"UPDATE {ledger.events_table} SET topic=? WHERE {_id(ledger)}=?"),
                   ("kycledger.tenant.Suspended", nid))
    # The attacker recomputes every entry hash after the edit, so the chain itself is consistent.
    rows = ledger.execute(f"SELECT {_id(ledger)}, originator_id, originator_version, topic, state FROM "
                          f"{ledger.events_table} ORDER BY {_id(ledger)}", ())
    prev = GENESIS_HASH
    for position, (n, oid, version, topic, state) in enumerate(rows, start=1):
        from uuid import UUID

        oid = oid if isinstance(oid, UUID) else UUID(oid)
        prev = entry_hash(prev, ChainRecord(position, n, oid, version, topic, bytes(state)))
        ledger.execute(ledger.q(_update_chain_hash(ledger)), (prev, position))
    assert "rewritten" in _failed_at(*ledger.verify(capsys), position=1)


def test_a_forged_checkpoint(ledger: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    (note,) = ledger.execute("SELECT note FROM ledger_checkpoints", ())[0]
    forged = bytes(note).replace(f"\n{EVENTS}\n".encode(), b"\n12\n", 1)
    assert forged != bytes(note)
    ledger.execute(ledger.q("UPDATE ledger_checkpoints SET note=?"), (forged,))
    assert "not validly signed" in _failed_at(*ledger.verify(capsys))


def test_a_checkpoint_resigned_by_another_key(ledger: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    (note,) = ledger.execute("SELECT note FROM ledger_checkpoints", ())[0]
    real = parse_signed_checkpoint(bytes(note)).checkpoint
    fake = Checkpoint.at(real.origin, real.size, bytes(32), real.timestamp)
    signer = Ed25519CheckpointSigner(Ed25519PrivateKey.generate(), "kycledger-checkpoint")
    resigned = sign_checkpoint(fake, signer).encode()
    ledger.execute(ledger.q("UPDATE ledger_checkpoints SET note=?"), (resigned,))
    assert "not validly signed" in _failed_at(*ledger.verify(capsys))


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


def _id(ledger: Ledger) -> str:
    return "rowid" if ledger.backend == "sqlite" else "notification_id"


def _update_chain_hash(ledger: Ledger) -> str:
    """Set the entry hash of the chain entry at a position: (hash, position)."""
    if ledger.backend == "sqlite":  # the entry at position p is the row at rowid p
        return f"UPDATE {ledger.events_table} SET entry_hash=? WHERE rowid=?"
    return f"UPDATE {ledger.events_table}_chain SET entry_hash=? WHERE position=?"


def _nid(ledger: Ledger, position: int) -> int:
    rows = ledger.execute(ledger.q(f"SELECT notification_id FROM {ledger.events_table}_chain WHERE position=?"),
                          (position,))
    return int(rows[0][0])

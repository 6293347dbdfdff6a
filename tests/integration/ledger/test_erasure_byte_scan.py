"""Crypto-shredding leaves no personal plaintext in any database file, and the ledger still verifies."""

from __future__ import annotations

import base64
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from domain.audit import audit_context
from domain.base import LedgerAggregate
from domain.personal_data import PersonalData
from ops.bootstrap import LedgerRuntime, open_runtime
from ops.cli import main

pytestmark = pytest.mark.integration

NAME = "Wilhelmina Featherstonehaugh"
DOB = "1987-03-14"


class Applicant(LedgerAggregate):
    TOPIC = "tests.erasure.Applicant"

    @dataclass(frozen=True)
    class Created(LedgerAggregate.Created):
        TOPIC = "tests.erasure.ApplicantCreated"
        full_name: PersonalData
        date_of_birth: PersonalData

    def __init__(self, full_name: PersonalData, date_of_birth: PersonalData) -> None:
        self.full_name = full_name
        self.date_of_birth = date_of_birth


def _files_containing(root: Path, needle: bytes) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


@pytest.fixture
def kek(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KYC_KEK", base64.b64encode(os.urandom(32)).decode())


def _record_and_erase(rt: LedgerRuntime) -> Applicant:
    with audit_context("ten_scan", "tester", "req-1"):
        applicant = Applicant(PersonalData.of("subj_scan", NAME), PersonalData.of("subj_scan", DOB))
        rt.ledger.save(applicant)
        other = Applicant(PersonalData.of("subj_other", "Bartholomew Kept"), PersonalData.of("subj_other", DOB))
        rt.ledger.save(other)
        assert rt.ledger.repository.get(applicant.id).full_name.value == NAME
        rt.ledger.erase_subject("ten_scan", "subj_scan", reason="gdpr_art17")
    return other


def test_sqlite_files_hold_no_plaintext_and_no_destroyed_key(tmp_path: Path, kek: None,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    rt = open_runtime(data_dir=data)
    with audit_context("ten_scan", "tester", "req-0"):
        rt.vault.data_key("subj_scan", create=True)
    db = sqlite3.connect(data / "keys.db")
    (wrapped,) = db.execute("SELECT wrapped FROM subject_keys WHERE subject_id='subj_scan'").fetchone()
    db.close()
    other = _record_and_erase(rt)
    assert rt.ledger.repository.get(other.id).full_name.value == "Bartholomew Kept"  # others untouched
    rt.close()

    assert _files_containing(data, NAME.encode()) == []
    assert _files_containing(data, NAME.encode("utf-16-le")) == []
    assert _files_containing(data, bytes(wrapped)) == [], "the destroyed wrapped key is still on disk"

    capsys.readouterr()
    assert main(["ledger", "verify", "--data-dir", str(data)]) == 0
    assert capsys.readouterr().out.startswith("ok: ")


def test_postgres_files_hold_no_plaintext(fresh_postgres_db: str, kek: None, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    rt = open_runtime(db_url=fresh_postgres_db, data_dir=tmp_path / "keys")
    other = _record_and_erase(rt)
    assert rt.ledger.repository.get(other.id).full_name.value == "Bartholomew Kept"
    rt.close()
    with psycopg.connect(fresh_postgres_db, autocommit=True) as pg:
        pg.execute("CHECKPOINT")  # flush everything to the data files before scanning them
        (data_directory,) = pg.execute("SHOW data_directory").fetchone()
    assert Path(data_directory).is_dir(), "the byte scan needs the server's files on this machine"
    assert any(_files_containing(Path(data_directory), b"tests.erasure.ApplicantCreated"))  # scan sees rows
    assert _files_containing(Path(data_directory), NAME.encode()) == []

    monkeypatch.setenv("KYC_CHECKPOINT_KEY_FILE", str(tmp_path / "cp.pem"))
    from adapters.integrity.ed25519_keys import generate_private_key_file

    generate_private_key_file(tmp_path / "cp.pem")
    capsys.readouterr()
    assert main(["ledger", "verify", "--db", fresh_postgres_db]) == 0

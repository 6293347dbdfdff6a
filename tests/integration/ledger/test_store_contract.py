"""One contract, three backends: in-memory, SQLite file and a real PostgreSQL.

Every save is chained in its own transaction, positions are gap-free even when a save fails,
concurrent writers produce one valid chain, and personal data is sealed before it is stored.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

import pytest
from eventsourcing.domain import event
from eventsourcing.persistence import IntegrityError

from domain.audit import audit_context
from domain.base import LedgerAggregate
from domain.integrity.merkle import root_from_leaves
from domain.integrity.verifier import verify_rows
from domain.personal_data import PersonalData
from ops.bootstrap import LedgerRuntime
from tests.integration.ledger.backends import BACKENDS, open_backend

pytestmark = pytest.mark.integration


class Applicant(LedgerAggregate):
    """A test aggregate carrying personal data."""

    TOPIC = "tests.ledger.Applicant"

    @dataclass(frozen=True)
    class Created(LedgerAggregate.Created):
        TOPIC = "tests.ledger.ApplicantCreated"
        full_name: PersonalData

    def __init__(self, full_name: PersonalData) -> None:
        self.full_name = full_name
        self.notes = 0

    @event("Noted", topic="tests.ledger.ApplicantNoted")
    def note(self, text: str) -> None:
        self.notes += 1


@pytest.fixture(params=BACKENDS)
def runtime(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LedgerRuntime]:
    dsn = request.getfixturevalue("fresh_postgres_db") if request.param == "postgres" else None
    rt = open_backend(request.param, tmp_path, dsn)
    try:
        yield rt
    finally:
        rt.close()


def _verify(rt: LedgerRuntime):  # type: ignore[no-untyped-def]
    with rt.reader().snapshot() as (events, chain):
        return verify_rows(events, chain)


def test_saves_are_chained_gap_free_and_verify(runtime: LedgerRuntime) -> None:
    with audit_context("ten_a", "tester", "r1"):
        for i in range(5):
            a = Applicant(PersonalData.of(f"subj_{i}", f"Person {i}"))
            a.note("x")
            a.note("y")
            runtime.ledger.save(a)
    rows = runtime.chain.select_chain(1, 100)
    assert [r.position for r in rows] == list(range(1, 16))
    report = _verify(runtime)
    assert report.ok, report.reason
    assert report.event_count == 15
    assert report.root_hash == root_from_leaves(r.entry_hash for r in rows)
    assert runtime.chain.entry_hashes(3, 2) == [rows[2].entry_hash, rows[3].entry_hash]


def test_a_failed_save_leaves_no_chain_entry(runtime: LedgerRuntime) -> None:
    with audit_context("ten_a", "tester", "r1"):
        a = Applicant(PersonalData.of("subj_x", "X"))
        runtime.ledger.save(a)
        first = runtime.ledger.repository.get(a.id)
        second = runtime.ledger.repository.get(a.id)
        first.note("one")
        second.note("two")
        runtime.ledger.save(first)
        with pytest.raises(IntegrityError):
            runtime.ledger.save(second)
        b = Applicant(PersonalData.of("subj_y", "Y"))
        runtime.ledger.save(b)
    positions = [r.position for r in runtime.chain.select_chain(1, 100)]
    assert positions == [1, 2, 3]
    assert _verify(runtime).ok


def test_concurrent_writers_build_one_valid_chain(runtime: LedgerRuntime) -> None:
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            with audit_context("ten_a", f"writer{n}", str(uuid4())):
                for i in range(10):
                    a = Applicant(PersonalData.of(f"subj_{n}_{i}", "Name"))
                    a.note("n")
                    runtime.ledger.save(a)
        except BaseException as e:  # surfaced below
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    report = _verify(runtime)
    assert report.ok, report.reason
    assert report.event_count == 80


def test_personal_data_is_sealed_and_reads_back(runtime: LedgerRuntime) -> None:
    with audit_context("ten_a", "tester", "r1"):
        a = Applicant(PersonalData.of("subj_seal", "Zebulon Quartermain"))
        runtime.ledger.save(a)
    stored = runtime.ledger.recorder.select_notifications(start=1, limit=10)
    assert stored and all(b"Zebulon" not in n.state for n in stored)
    assert runtime.ledger.repository.get(a.id).full_name.value == "Zebulon Quartermain"


def test_erasure_makes_data_unreadable_while_the_chain_verifies(runtime: LedgerRuntime) -> None:
    with audit_context("ten_a", "tester", "r1"):
        a = Applicant(PersonalData.of("subj_erase", "Ophelia Nightingale"))
        runtime.ledger.save(a)
        evidence = runtime.ledger.erase_subject("ten_a", "subj_erase", reason="gdpr_art17")
    assert evidence.key_id.startswith("sdk_")
    assert runtime.ledger.repository.get(a.id).full_name.is_erased
    assert runtime.vault.data_key("subj_erase", create=False) is None
    topics = [n.topic for n in runtime.ledger.notification_log.select(start=1, limit=10)]
    assert topics[-1] == "kycledger.subject.SubjectErased"
    assert _verify(runtime).ok

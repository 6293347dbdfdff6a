"""Erasure leaves no plaintext anywhere (ledger, keys, blobs, read models, NATS, logs) and the ledger
still verifies; receipts verify offline; media retention and legal holds act as events."""

from __future__ import annotations

import base64
import copy
import hashlib
import logging
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from adapters.blobs import LocalDiskBlobStore
from adapters.integrity.ed25519_keys import ED25519
from adapters.views.runner import ProjectionRunner
from domain.audit import audit_context
from domain.errors import SubjectErasedError
from domain.personal_data import PersonalData
from domain.ports.blobs import session_subject_id
from domain.sessions import SessionConfiguration
from ops.api_services import erasure_engine
from ops.bootstrap import LedgerRuntime
from ops.cli import main
from ops.local_services import LocalNats
from ops.runners.relays import open_read_model_view, start_relays
from ops.runners.retention_sweeper import start_retention_sweeper
from projections import queries
from services.erasure.engine import verify_receipt
from services.erasure.retention import place_legal_hold, processing_restricted, set_media_retention
from tests.integration.decisions.seeding import open_ledger_at
from tests.integration.streams.nats_support import wait_relayed
from tests.unit.sessions.support import Clock, decide, face, liveness, ocr, validation

pytestmark = pytest.mark.integration

TENANT = "ten_erase"
NAME = "Perpetua Wintringham-Oakes"
DOB = "1913-07-19"
IMAGE = b"\xff\xd8\xff\xe0 JFIF portrait of " + NAME.encode() + b" " + bytes(range(256)) * 4


def _blobs(rt: LedgerRuntime) -> LocalDiskBlobStore:
    assert rt.data_dir is not None
    return LocalDiskBlobStore(rt.data_dir / "blobs", rt.vault.data_key, rt.kek.derive("blob-address"))


def _session_with_media(rt: LedgerRuntime, blobs: LocalDiskBlobStore) -> tuple[UUID, str]:
    with audit_context(TENANT, "client:test", "req-flow"):
        sid = rt.ledger.create_session(TENANT, SessionConfiguration.build(checks=["ocr", "face_match", "liveness"]))
        subject = session_subject_id(TENANT, sid)
        stored = blobs.put(subject, IMAGE, "image/jpeg")
        rt.ledger.record_capture(TENANT, sid, "document_front", stored.content_sha256, stored.ref, {"focus": 0.9})
        rt.ledger.record_extracted_data(TENANT, sid, 1, {"full_name": PersonalData.of(subject, NAME),
                                                         "date_of_birth": PersonalData.of(subject, DOB)})
        for check in (ocr(), validation(), face(0.91), liveness()):
            rt.ledger.record_check_result(TENANT, sid, 1, check)
        decide(rt.ledger, TENANT, sid)
    return sid, subject


def _files_containing(roots: list[Path], needles: list[bytes]) -> list[str]:
    hits = []
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                hits += [f"{path}: {n!r}" for n in needles if n in data]
    return hits


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "logs" / "kycledger.log"
    path.parent.mkdir()
    handler = logging.FileHandler(path)
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield path
    root.removeHandler(handler)
    root.setLevel(previous)
    handler.close()


def test_erasure_leaves_no_plaintext_anywhere_and_the_ledger_still_verifies(
        tmp_path: Path, log_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    rt = open_ledger_at(data)
    nats_server = LocalNats(tmp_path / "nats").start()
    blobs = _blobs(rt)
    view = open_read_model_view(rt)
    needles = [NAME.encode(), NAME.encode("utf-16-le"), DOB.encode()]
    try:
        relay = start_relays(rt, nats_server.url, poll_seconds=0.01)
        sid, subject = _session_with_media(rt, blobs)
        engine = erasure_engine(rt, blobs, view)
        engine.sweep()  # nothing is due: fresh media, no hold
        wait_relayed(rt, relay)
        extracted = next(e for e in rt.ledger.events.get(sid) if type(e).__name__ == "DocumentDataExtracted")
        assert extracted.fields["full_name"].value == NAME and blobs.get(subject, blobs.address(subject, _sha(IMAGE)))
        ProjectionRunner(rt.ledger, view).run_once()
        with view.reader() as r:
            assert queries.subjects_of_session(r, TENANT, str(sid)) == [subject]
        receipts = engine.erase_session(TENANT, sid, "gdpr_art17")
        wait_relayed(rt, relay)
        relay.stop()
        assert [r["status"] for r in receipts] == ["erased"]
        assert verify_receipt(receipts[0], ED25519) == (True, "")
        assert receipts[0]["purged_blob_refs"] == [blobs.address(subject, _sha(IMAGE))]
        extracted = next(e for e in rt.ledger.events.get(sid) if type(e).__name__ == "DocumentDataExtracted")
        assert extracted.fields["full_name"].is_erased
        with pytest.raises(SubjectErasedError):
            blobs.get(subject, receipts[0]["purged_blob_refs"][0])
        with view.reader() as r:
            assert queries.subjects_of_session(r, TENANT, str(sid)) == []
            assert [e["subject_id"] for e in queries.erasure_register(r, TENANT)] == [subject]
        assert NAME not in repr(receipts)
    finally:
        view.close()
        rt.close()
        nats_server.stop()
    canary = tmp_path / "data" / "canary.txt"
    canary.write_bytes(b"control " + NAME.encode())
    roots = [data, tmp_path / "nats", log_file.parent]
    assert _files_containing(roots, needles) == [f"{canary}: {NAME.encode()!r}"]  # the scan does find plaintext
    canary.unlink()
    assert any((tmp_path / "nats").rglob("*.blk")), "the NATS stream store was not scanned"
    capsys.readouterr()
    assert main(["ledger", "verify", "--data-dir", str(data)]) == 0
    assert capsys.readouterr().out.startswith("ok: ")


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[LedgerRuntime]:
    rt = open_ledger_at(tmp_path)
    yield rt
    rt.close()


def test_a_tampered_receipt_fails(ledger: LedgerRuntime) -> None:
    blobs = _blobs(ledger)
    sid, _ = _session_with_media(ledger, blobs)
    (receipt,) = erasure_engine(ledger, blobs).erase_session(TENANT, sid, "gdpr_art17")
    for field, value in (("consistency_proof", ["00" * 32]), ("key_id", "sdk_forged"),
                         ("public_key", base64.b64encode(bytes(32)).decode())):
        edited: dict[str, Any] = copy.deepcopy(receipt)
        edited[field] = value
        assert not verify_receipt(edited, ED25519)[0], field
    edited = copy.deepcopy(receipt)
    edited["event"]["position"] = 1
    assert verify_receipt(edited, ED25519) == (False, "the erasure entry at position 1 does not match its stored bytes")


def test_media_retention_purges_old_images_and_is_an_event(ledger: LedgerRuntime) -> None:
    blobs = _blobs(ledger)
    sid, subject = _session_with_media(ledger, blobs)
    ref = blobs.address(subject, _sha(IMAGE))
    now = datetime.now(UTC)
    assert erasure_engine(ledger, blobs, clock=lambda: now + timedelta(days=29)).sweep().media_purged == []
    with audit_context(TENANT, "client:test", "req-retention"):
        set_media_retention(ledger.ledger, TENANT, 60)
    assert erasure_engine(ledger, blobs, clock=lambda: now + timedelta(days=31)).sweep().media_purged == []
    report = erasure_engine(ledger, blobs, clock=lambda: now + timedelta(days=61)).sweep()
    assert report.media_purged == [subject] and report.shredded == []
    with pytest.raises(Exception, match="blob not found"):
        blobs.get(subject, ref)
    extracted = next(e for e in ledger.ledger.events.get(sid) if type(e).__name__ == "DocumentDataExtracted")
    assert extracted.fields["full_name"].value == NAME  # media retention purges images, not the record
    purged = [n for n in ledger.ledger.recorder.select_notifications(1, 10_000)
              if n.topic == "kycledger.retention.MediaPurged"]
    assert len(purged) == 1 and ref.encode() in purged[0].state


def test_a_legal_hold_restricts_now_defers_erasure_and_shreds_when_it_ends(ledger: LedgerRuntime) -> None:
    blobs = _blobs(ledger)
    sid, subject = _session_with_media(ledger, blobs)
    clock = Clock(datetime.now(UTC))
    with audit_context(TENANT, "operator:mlro", "req-hold"):
        place_legal_hold(ledger.ledger, TENANT, subject, "aml_5y_after_relationship", clock() + timedelta(days=1825))
    assert processing_restricted(ledger.ledger, TENANT, subject, clock())
    engine = erasure_engine(ledger, blobs, clock=clock)
    (deferred,) = engine.erase_session(TENANT, sid, "gdpr_art17")
    assert deferred["status"] == "deferred" and deferred["processing_restricted"]
    assert ledger.vault.data_key(subject, create=False) is not None  # kept for the AML record
    clock.advance(40 * 86400)
    report = engine.sweep()
    assert report.held == [subject] and report.shredded == [] and report.media_purged == []
    clock.advance(1826 * 86400)
    report = engine.sweep()
    assert report.shredded == [subject]
    assert ledger.vault.data_key(subject, create=False) is None
    with pytest.raises(SubjectErasedError):
        blobs.get(subject, blobs.address(subject, _sha(IMAGE)))
    topics = [n.topic for n in ledger.ledger.recorder.select_notifications(1, 10_000)]
    assert topics.count("kycledger.subject.SubjectErased") == 1
    assert {"kycledger.retention.LegalHoldPlaced", "kycledger.retention.ErasureRequested",
            "kycledger.retention.SubjectShredded"} <= set(topics)


def test_the_background_sweeper_shreds_when_a_hold_ends(ledger: LedgerRuntime) -> None:
    blobs = _blobs(ledger)
    _, subject = _session_with_media(ledger, blobs)
    with audit_context(TENANT, "operator:mlro", "req-hold"):
        place_legal_hold(ledger.ledger, TENANT, subject, "aml_review", datetime.now(UTC) + timedelta(seconds=0.5))
    erasure_engine(ledger, blobs).erase_subject(TENANT, subject, "gdpr_art17")
    assert ledger.vault.data_key(subject, create=False) is not None
    time.sleep(0.6)
    sweeper = start_retention_sweeper(ledger, blobs, interval_seconds=0.05)
    deadline = time.monotonic() + 10
    while ledger.vault.data_key(subject, create=False) is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    sweeper.stop()
    # a step that raised is only logged and retried (BackgroundLoop): say how many did if the key is still there
    assert ledger.vault.data_key(subject, create=False) is None, f"failed sweeper steps: {sweeper.failures}"
    assert not processing_restricted(ledger.ledger, TENANT, subject, datetime.now(UTC))

"""The selfie's work runs beside the document read, and the recorded results stay what they were.

The pipeline analyses the selfie for the face match while the document is read (requirements/
platform §3.5: only the face match needs the document, and only its portrait). These tests wrap the
sandbox adapters to observe the overlap and the order in which capture failures are reported.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator

import pytest

from adapters.media import MsgpackLivenessFramesCodec
from domain.application import KycLedger
from domain.ports.document import DocumentReader, DocumentReading
from domain.ports.face import FaceMatchResult, FaceNotFoundError, ProbeMatch
from domain.sessions.challenges import SessionChallenges
from ml.kya.checker import OfflineKyaChecker
from ops.sandbox import SandboxFaceMatcher, build_sandbox_services
from services.verification.pipeline import VerificationPipeline
from tests.unit.sessions.support import PlainPersonalData
from tests.unit.verification.test_capture_to_decision import GREY, TENANT, InMemoryBlobStore, captured, jpeg

pytestmark = pytest.mark.unit


class WatchedMatcher:
    """The sandbox matcher, telling when the selfie's analysis started (or refusing every selfie)."""

    def __init__(self, faceless_selfie: bool = False) -> None:
        self.inner = SandboxFaceMatcher()
        self.probe_started = threading.Event()
        self.faceless_selfie = faceless_selfie

    def match(self, probe: bytes, reference: bytes, threshold: float | None = None) -> FaceMatchResult:
        return self.with_probe(probe)(reference, threshold)

    def with_probe(self, probe: bytes) -> ProbeMatch:
        self.probe_started.set()
        if self.faceless_selfie:
            raise FaceNotFoundError("no face detected")
        return self.inner.with_probe(probe)


class WaitingReader:
    """The sandbox reader, noting whether the selfie's analysis began while it read (waits up to 10 s)."""

    def __init__(self, inner: DocumentReader, matcher: WatchedMatcher, portrait: bool = True) -> None:
        self.inner, self.matcher, self.portrait = inner, matcher, portrait
        self.probe_began_during_read: bool | None = None

    def read(self, front: bytes, back: bytes | None = None, *, subject_id: str) -> DocumentReading:
        self.probe_began_during_read = self.matcher.probe_started.wait(10)
        reading = self.inner.read(front, back, subject_id=subject_id)
        return reading if self.portrait else dataclasses.replace(reading, portrait_jpeg=None)


Wired = tuple[KycLedger, InMemoryBlobStore, VerificationPipeline, WaitingReader]


def wired(matcher: WatchedMatcher, portrait: bool = True) -> Iterator[Wired]:
    base = build_sandbox_services(OfflineKyaChecker(None))
    reader = WaitingReader(base.document_reader, matcher, portrait)
    services = dataclasses.replace(base, document_reader=reader, face_matcher=matcher)
    ledger = KycLedger(transcodings=[PlainPersonalData()])
    blobs = InMemoryBlobStore()
    pipeline = VerificationPipeline(ledger=ledger, blobs=blobs, real=lambda: pytest.fail("no real models here"),
                                    sandbox=services, challenges=SessionChallenges(b"c" * 32),
                                    frames=MsgpackLivenessFramesCodec())
    yield ledger, blobs, pipeline, reader
    ledger.close()


@pytest.fixture
def genuine() -> Iterator[Wired]:
    yield from wired(WatchedMatcher())


def test_the_selfie_is_analysed_for_the_face_match_while_the_document_is_read(genuine: Wired) -> None:
    ledger, blobs, pipeline, reader = genuine
    sid = captured(ledger, blobs, jpeg(GREY), jpeg(GREY))
    recorded = pipeline.process_session(TENANT, sid, sandbox=True)
    assert reader.probe_began_during_read is True
    assert recorded == ["quality", "ocr", "face_match", "data_validation"]  # the order on the ledger
    face_match = ledger.get_session(TENANT, sid).results[1]["face_match"]
    assert face_match["outcome"] == "pass"
    assert face_match["details"]["sandbox"] is True


def test_a_faceless_selfie_is_reported_after_a_missing_document_portrait() -> None:
    for ledger, blobs, pipeline, _ in wired(WatchedMatcher(faceless_selfie=True), portrait=False):
        sid = captured(ledger, blobs, jpeg(GREY), jpeg(GREY))
        pipeline.process_session(TENANT, sid, sandbox=True)
        face_match = ledger.get_session(TENANT, sid).results[1]["face_match"]
        assert (face_match["outcome"], face_match["reasons"]) == ("fail", ["document_portrait_not_found"])


def test_a_faceless_selfie_fails_the_face_match_with_its_own_reason() -> None:
    for ledger, blobs, pipeline, _ in wired(WatchedMatcher(faceless_selfie=True)):
        sid = captured(ledger, blobs, jpeg(GREY), jpeg(GREY))
        pipeline.process_session(TENANT, sid, sandbox=True)
        face_match = ledger.get_session(TENANT, sid).results[1]["face_match"]
        assert (face_match["outcome"], face_match["reasons"]) == ("fail", ["face_not_found"])

"""The whole capture-to-decision flow on in-memory fakes: an in-memory ledger, in-memory blobs and
the sandbox ML set (docs/architecture.md §1), through the real verification pipeline and decider.

Captures are stored and recorded, every check of the attempt is requested in one command, the
pipeline runs and records the checks, and the decision is recorded once. No server, no model, no
file: the flow runs in milliseconds, beside the e2e tests that run it on real stores and models.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from uuid import UUID

import pytest
from PIL import Image

from adapters.media import MsgpackLivenessFramesCodec
from domain.application import KycLedger
from domain.audit import SANDBOX_MARK, audit_context
from domain.ports.blobs import BlobNotFoundError, StoredBlob, session_subject_id
from domain.sessions.challenges import SessionChallenges
from domain.sessions.configuration import SessionConfiguration
from domain.sessions.status import SessionStatus
from ml.kya.checker import OfflineKyaChecker
from ops.sandbox import build_sandbox_services
from services.verification.pipeline import VerificationPipeline
from services.verification.ports import MlServices
from tests.unit.sessions.support import PlainPersonalData

pytestmark = pytest.mark.unit

TENANT = "ten_fast"
SANDBOX_KEY = "key:kyck_fast" + SANDBOX_MARK


class InMemoryBlobStore:
    """``BlobStore`` in a dict (the embedded store encrypts on disk; here bytes stay in memory)."""

    def __init__(self) -> None:
        self.blobs: dict[tuple[str, str], bytes] = {}

    def put(self, subject_id: str, content: bytes, media_type: str) -> StoredBlob:
        digest = hashlib.sha256(content).hexdigest()
        self.blobs[(subject_id, digest)] = content
        return StoredBlob(ref=digest, content_sha256=digest, size=len(content), media_type=media_type)

    def get(self, subject_id: str, ref: str) -> bytes:
        try:
            return self.blobs[(subject_id, ref)]
        except KeyError:
            raise BlobNotFoundError("blob not found", ref=ref) from None

    def purge(self, subject_id: str) -> tuple[str, ...]:
        gone = tuple(ref for subject, ref in self.blobs if subject == subject_id)
        for ref in gone:
            del self.blobs[(subject_id, ref)]
        return gone


def jpeg(colour: tuple[int, int, int]) -> bytes:
    """A plain image: the sandbox reads the outcome it asks for from its mean colour (``ops.sandbox``)."""
    out = io.BytesIO()
    Image.new("RGB", (64, 64), colour).save(out, format="JPEG")
    return out.getvalue()


GREY, RED = (128, 128, 128), (220, 20, 20)  # any photo -> pass; mostly red -> fail


@pytest.fixture(scope="module")
def sandbox() -> MlServices:
    return build_sandbox_services(OfflineKyaChecker(None))


Flow = tuple[KycLedger, InMemoryBlobStore, VerificationPipeline]


@pytest.fixture
def flow(sandbox: MlServices) -> Iterator[Flow]:
    ledger = KycLedger(transcodings=[PlainPersonalData()])
    blobs = InMemoryBlobStore()
    pipeline = VerificationPipeline(ledger=ledger, blobs=blobs, real=lambda: pytest.fail("no real models here"),
                                    sandbox=sandbox, challenges=SessionChallenges(b"c" * 32),
                                    frames=MsgpackLivenessFramesCodec())
    yield ledger, blobs, pipeline
    ledger.close()


def captured(ledger: KycLedger, blobs: InMemoryBlobStore, selfie: bytes, document: bytes) -> UUID:
    """A sandbox session with a selfie and a document front stored and recorded, its checks requested."""
    with audit_context(TENANT, SANDBOX_KEY, "req-fast"):
        sid = ledger.create_session(TENANT, SessionConfiguration.build(
            checks=("ocr", "face_match", "data_validation"), liveness_type="passive"))
        subject = session_subject_id(TENANT, sid)
        for kind, image in (("selfie", selfie), ("document_front", document)):
            stored = blobs.put(subject, image, "image/jpeg")
            ledger.record_capture(TENANT, sid, kind, stored.content_sha256, stored.ref, {"media_type": "image/jpeg"})
        session = ledger.get_session(TENANT, sid)
        ledger.request_checks(TENANT, sid, session.required_checks)
    return sid


def test_a_genuine_capture_is_checked_and_verified_in_process(flow: Flow) -> None:
    ledger, blobs, pipeline = flow
    sid = captured(ledger, blobs, jpeg(GREY), jpeg(GREY))
    recorded = pipeline.process_session(TENANT, sid, sandbox=True)
    assert sorted(recorded) == ["data_validation", "face_match", "ocr", "quality"]
    assert pipeline.decide(sid)
    session = ledger.get_session(TENANT, sid)
    assert session.status == SessionStatus.VERIFIED
    results = session.results[1]
    assert {r["outcome"] for r in results.values()} == {"pass"}
    assert all(r["details"].get("sandbox") for r in results.values())  # never presented as real scores
    events = ledger.session_events(TENANT, sid)
    assert all(str(getattr(e, "actor", "")).endswith(SANDBOX_MARK) for e in events)


def test_a_face_that_does_not_match_is_not_verified_and_is_decided_once(flow: Flow) -> None:
    ledger, blobs, pipeline = flow
    sid = captured(ledger, blobs, jpeg(RED), jpeg(GREY))
    pipeline.process_session(TENANT, sid, sandbox=True)
    assert pipeline.decide(sid)
    session = ledger.get_session(TENANT, sid)
    assert session.results[1]["face_match"]["outcome"] == "fail"
    assert session.decisions[1]["outcome"]["decision"] == "rejected"
    assert session.status != SessionStatus.VERIFIED
    assert not pipeline.decide(sid)  # exactly once: a second call finds the attempt decided
    assert list(session.decisions) == [1]


def test_no_decision_is_recorded_before_the_checks_are(flow: Flow) -> None:
    ledger, _, pipeline = flow
    with audit_context(TENANT, SANDBOX_KEY, "req-early"):
        sid = ledger.create_session(TENANT, SessionConfiguration.build(checks=("ocr",), liveness_type="passive"))
    assert not pipeline.decide(sid)  # nothing requested, nothing recorded: no decision
    assert ledger.get_session(TENANT, sid).status == SessionStatus.PENDING

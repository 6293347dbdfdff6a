"""Every face model runs once per image of a verification (docs/targets.md §5).

A counting wrapper around the real YuNet detector sits under the real face matcher and passive
liveness; a real verification (ICAO TD3 specimen passport, a selfie of ../shared/data/faces) runs
through the pipeline and the detector calls on the selfie are counted. The same run without the
face scope shows the count is able to see a second detection.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from adapters.media import MsgpackLivenessFramesCodec
from domain.application import KycLedger
from domain.audit import audit_context
from domain.ports.blobs import session_subject_id
from domain.sessions.challenges import SessionChallenges
from domain.sessions.configuration import SessionConfiguration
from ml.face import SFaceMatcher, YuNetSFaceAnalyzer
from ml.face.detection import DetectedFace
from ml.face.image import decode_image
from ml.kya.checker import OfflineKyaChecker
from ml.liveness.passive import ClassicalPassiveLivenessChecker
from ops.ml_services import build_ml_services
from ops.sandbox import build_sandbox_services
from services.verification.pipeline import VerificationPipeline
from services.verification.ports import MlServices
from tests.unit.sessions.support import PlainPersonalData
from tests.unit.verification.test_capture_to_decision import InMemoryBlobStore

pytestmark = pytest.mark.integration

DATA_DIR = Path(__file__).resolve().parents[3] / ".." / "shared" / "data"
SELFIE = (DATA_DIR / "faces" / "face_recognition" / "obama.jpg").read_bytes()
PASSPORT = (DATA_DIR / "mrz" / "images" / "passporteye" / "passport-td3.jpg").read_bytes()
TENANT = "ten_once"


class CountingDetector:
    """The real YuNet detector, noting the shape of every image it is asked to search."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.shapes: list[tuple[int, ...]] = []

    def detect(self, image: np.ndarray) -> list[DetectedFace]:
        self.shapes.append(image.shape)
        return list(self.inner.detect(image))

    def __getattr__(self, name: str) -> Any:  # provenance and the rest, as the real one
        return getattr(self.inner, name)


@pytest.fixture(scope="module")
def real() -> MlServices:
    return build_ml_services()


def verify_once(real: MlServices, scoped: bool) -> tuple[CountingDetector, dict[str, Any]]:
    """One passive-liveness verification on real models; the detector it used and the results."""
    base = YuNetSFaceAnalyzer()
    detector = CountingDetector(base.detector)
    analyzer = YuNetSFaceAnalyzer(detector=detector, embedder=base.embedder)  # type: ignore[arg-type]
    services = dataclasses.replace(
        real, face_matcher=SFaceMatcher(analyzer), passive_liveness=ClassicalPassiveLivenessChecker(analyzer),
        face_scope=analyzer.remembering if scoped else contextlib.nullcontext)
    ledger = KycLedger(transcodings=[PlainPersonalData()])
    blobs = InMemoryBlobStore()
    pipeline = VerificationPipeline(ledger=ledger, blobs=blobs, real=lambda: services,
                                    sandbox=build_sandbox_services(OfflineKyaChecker(None)),
                                    challenges=SessionChallenges(b"c" * 32), frames=MsgpackLivenessFramesCodec())
    with audit_context(TENANT, "key:kyck_once", "req-once"):
        sid = ledger.create_session(TENANT, SessionConfiguration.build(
            checks=("ocr", "face_match", "liveness"), liveness_type="passive"))
        subject = session_subject_id(TENANT, sid)
        for kind, image in (("selfie", SELFIE), ("document_front", PASSPORT)):
            stored = blobs.put(subject, image, "image/jpeg")
            ledger.record_capture(TENANT, sid, kind, stored.content_sha256, stored.ref, {"media_type": "image/jpeg"})
        ledger.request_checks(TENANT, sid, ledger.get_session(TENANT, sid).required_checks)
    pipeline.process_session(TENANT, sid, sandbox=False)
    results = dict(ledger.get_session(TENANT, sid).results[1])
    ledger.close()
    return detector, results


@pytest.fixture(scope="module")
def scoped(real: MlServices) -> Iterator[tuple[CountingDetector, dict[str, Any]]]:
    yield verify_once(real, scoped=True)


def test_the_selfie_is_detected_once_for_liveness_and_face_match(
        scoped: tuple[CountingDetector, dict[str, Any]]) -> None:
    detector, results = scoped
    assert {"liveness", "face_match"} <= set(results)
    assert results["face_match"]["scores"]  # both checks really used the selfie's face
    assert results["liveness"]["models"]
    selfie_shape = decode_image(SELFIE).shape
    assert detector.shapes.count(selfie_shape) == 1


def test_without_the_face_scope_the_selfie_is_detected_twice_with_the_same_results(
        real: MlServices, scoped: tuple[CountingDetector, dict[str, Any]]) -> None:
    detector, results = verify_once(real, scoped=False)
    assert detector.shapes.count(decode_image(SELFIE).shape) == 2
    _, once = scoped
    for check in ("liveness", "face_match"):
        assert results[check]["outcome"] == once[check]["outcome"]
        assert results[check]["scores"] == once[check]["scores"]

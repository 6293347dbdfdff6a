"""Every face model runs once per image of a verification (docs/targets.md §5).

A counting wrapper around the real YuNet detector sits under the real face matcher and passive
liveness; a real verification (ICAO TD3 specimen passport, a selfie of ../shared/data/faces) runs
through the pipeline and the detector calls on the selfie are counted, and so are OpenCV's image
decodes per stored image. The same run without the face scope shows the count is able to see a
second detection; the same match with the portrait searched again shows it sees the crop.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import cv2
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


class CountingDecoder:
    """``cv2.imdecode`` as it is, counting the calls per encoded size (an image's fingerprint here)."""

    def __init__(self) -> None:
        self.sizes: Counter[int] = Counter()
        self.inner = cv2.imdecode

    def __call__(self, buffer: Any, flags: int) -> Any:
        self.sizes[len(buffer)] += 1
        return self.inner(buffer, flags)


def verify_once(real: MlServices, scoped: bool, decoder: CountingDecoder | None = None
                ) -> tuple[CountingDetector, dict[str, Any]]:
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
    with mock.patch.object(cv2, "imdecode", decoder) if decoder else contextlib.nullcontext():
        pipeline.process_session(TENANT, sid, sandbox=False)
    results = dict(ledger.get_session(TENANT, sid).results[1])
    ledger.close()
    return detector, results


@pytest.fixture(scope="module")
def decoder() -> CountingDecoder:
    return CountingDecoder()


@pytest.fixture(scope="module")
def scoped(real: MlServices, decoder: CountingDecoder) -> Iterator[tuple[CountingDetector, dict[str, Any]]]:
    yield verify_once(real, scoped=True, decoder=decoder)


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


def test_the_document_portrait_is_not_searched_again_by_the_face_match(
        scoped: tuple[CountingDetector, dict[str, Any]]) -> None:
    """The reader's portrait face goes along with its crop: the face analyser's detector ran on the
    selfie only, and the face match still compared two faces."""
    detector, results = scoped
    assert detector.shapes == [decode_image(SELFIE).shape]
    assert results["face_match"]["outcome"] in ("pass", "fail", "uncertain")
    assert "similarity" in results["face_match"]["scores"]


def test_searching_the_portrait_crop_again_is_seen_by_the_count(real: MlServices) -> None:
    """The counter sees a detection on the crop when the match is not given the reader's face."""
    base = YuNetSFaceAnalyzer()
    detector = CountingDetector(base.detector)
    matcher = SFaceMatcher(YuNetSFaceAnalyzer(detector=detector, embedder=base.embedder))  # type: ignore[arg-type]
    reading = real.document_reader.read(PASSPORT, subject_id="s")
    assert reading.portrait_jpeg is not None and reading.portrait_face is not None
    matcher.with_probe(SELFIE)(reading.portrait_jpeg)
    assert detector.shapes[1:] == [decode_image(reading.portrait_jpeg).shape]


def test_the_readers_portrait_face_is_where_a_search_of_the_crop_finds_it(real: MlServices) -> None:
    """The face found on the whole document, moved into the crop's pixels, lands on the face a search
    of the crop finds (within a few pixels: it was found on a smaller copy of the page)."""
    reading = real.document_reader.read(PASSPORT, subject_id="s")
    assert reading.portrait_jpeg is not None and reading.portrait_face is not None
    searched = YuNetSFaceAnalyzer().detector.detect(decode_image(reading.portrait_jpeg))[0]
    given = np.asarray(reading.portrait_face, dtype=np.float32)
    eye_distance = float(np.linalg.norm(searched.landmarks[1] - searched.landmarks[0]))
    assert np.abs(given[4:14].reshape(5, 2) - searched.landmarks).max() < 0.15 * eye_distance
    assert abs(given[2] - searched.width) < 0.15 * searched.width


def test_each_stored_image_is_decoded_once_by_the_checks(
        decoder: CountingDecoder, scoped: tuple[CountingDetector, dict[str, Any]]) -> None:
    """The document and the selfie are decoded once each for every check that reads them."""
    assert decoder.sizes[len(PASSPORT)] == 1
    assert decoder.sizes[len(SELFIE)] == 1

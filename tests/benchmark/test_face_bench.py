"""Latency of face detect + embed and of active liveness over 10 frames (issue 4 targets:
<= 120 ms and <= 400 ms p95 on 2 cores). Run with:

    .venv/bin/pytest tests/benchmark/test_face_bench.py -m benchmark --benchmark-enable -q
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from domain.liveness_challenge import LivenessAction, LivenessChallenge
from domain.ports.liveness import CapturedFrame, ChallengeResponse
from ml.face import YuNetSFaceAnalyzer
from ml.face.image import decode_image
from ml.liveness.active import MediaPipeActiveLivenessChecker
from ops.eval_face import _camera_frames

pytestmark = pytest.mark.benchmark

FACES = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "faces" / "face_recognition"


@pytest.fixture(scope="module")
def analyzer() -> YuNetSFaceAnalyzer:
    return YuNetSFaceAnalyzer()


@pytest.fixture(scope="module")
def active(analyzer: YuNetSFaceAnalyzer) -> Iterator[MediaPipeActiveLivenessChecker]:
    checker = MediaPipeActiveLivenessChecker(analyzer=analyzer)
    yield checker
    checker.landmarker.close()


def test_face_detect_and_embed(benchmark, analyzer: YuNetSFaceAnalyzer) -> None:  # type: ignore[no-untyped-def]
    image = decode_image((FACES / "obama.jpg").read_bytes())
    observation = benchmark(analyzer.observe, image)
    assert observation.embedding.shape == (128,)


def test_active_liveness_ten_frames(benchmark, active: MediaPipeActiveLivenessChecker) -> None:  # type: ignore[no-untyped-def]
    frames = _camera_frames(FACES, ["obama.jpg", "obama2.jpg"], 10)
    now = datetime.now(UTC)
    challenge = LivenessChallenge(nonce="benchmark-nonce-00000000", actions=(LivenessAction.TURN_RIGHT,),
                                  issued_at=now, expires_at=now + timedelta(hours=1), max_capture_ms=10_000)
    response = ChallengeResponse(challenge.nonce, tuple(CapturedFrame(f, i * 200) for i, f in enumerate(frames)))
    selfie = (FACES / "obama3.jpg").read_bytes()
    result = benchmark(active.check, challenge, response, selfie, now, set())
    assert result.scores["identity_min_cosine"] > 0.363

"""Latency of face detect + embed (docs/targets.md §3: <= 120 ms p95 on 2 cores) and of active liveness
on a genuine 4.4 s webcam answer at 12.5 frames per second (55 frames). Run with:

    .venv/bin/pytest tests/benchmark/test_face_bench.py -m benchmark --benchmark-enable -q
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from domain.checks import Outcome
from ml.face import YuNetSFaceAnalyzer
from ml.face.image import decode_image
from ml.liveness.active import MediaPipeActiveLivenessChecker
from tools.eval.liveness_sets import GENUINE_WINDOWS, T0, challenge, genuine_answer

pytestmark = pytest.mark.benchmark

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
FACES = DATA / "faces" / "face_recognition"


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


def test_active_liveness_genuine_answer(benchmark, active: MediaPipeActiveLivenessChecker) -> None:  # type: ignore[no-untyped-def]
    window = GENUINE_WINDOWS[0]
    response, selfie = genuine_answer(DATA, window)
    result = benchmark(active.check, challenge(window.actions), response, selfie, T0 + timedelta(seconds=30), set())
    assert result.outcome is Outcome.PASS

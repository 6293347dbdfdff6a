"""Real liveness models, loaded once per test session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ml.face import YuNetSFaceAnalyzer
from ml.liveness.active import MediaPipeActiveLivenessChecker
from ml.liveness.passive import ClassicalPassiveLivenessChecker


@pytest.fixture(scope="session")
def face_analyzer() -> YuNetSFaceAnalyzer:
    return YuNetSFaceAnalyzer()


@pytest.fixture(scope="session")
def active_checker(face_analyzer: YuNetSFaceAnalyzer) -> Iterator[MediaPipeActiveLivenessChecker]:
    checker = MediaPipeActiveLivenessChecker(analyzer=face_analyzer)
    yield checker
    checker.landmarker.close()  # MediaPipe's own __del__ fails at interpreter shutdown


@pytest.fixture(scope="session")
def passive_checker(face_analyzer: YuNetSFaceAnalyzer) -> ClassicalPassiveLivenessChecker:
    return ClassicalPassiveLivenessChecker(face_analyzer)

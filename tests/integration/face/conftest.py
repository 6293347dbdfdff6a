"""Real face models, loaded once per test session."""

from __future__ import annotations

import pytest

from ml.face import SFaceMatcher, YuNetSFaceAnalyzer


@pytest.fixture(scope="session")
def analyzer() -> YuNetSFaceAnalyzer:
    return YuNetSFaceAnalyzer()


@pytest.fixture(scope="session")
def matcher(analyzer: YuNetSFaceAnalyzer) -> SFaceMatcher:
    return SFaceMatcher(analyzer)

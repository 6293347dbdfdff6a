"""One real document reader for every real-image test of this folder (the models load once)."""

from __future__ import annotations

import pytest

from ml.document.reader import OpenCvRapidOcrDocumentReader
from tests.integration.document.specimens import SPECIMEN_DAY


@pytest.fixture(scope="session")
def reader() -> OpenCvRapidOcrDocumentReader:
    return OpenCvRapidOcrDocumentReader(today=lambda: SPECIMEN_DAY)

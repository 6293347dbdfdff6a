"""The quality gate on the real specimens: light but readable pages pass, a lamp's highlight on a white
page fails as glare (``tools/eval/document_captures.py`` makes the copies)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from domain.ports.document import Guidance
from ml.document.geometry import find_document, rectify
from ml.document.images import Image, decode_image
from ml.document.quality import assess_quality
from tools.eval.document_captures import VARIANTS, white_page, white_page_glare

pytestmark = pytest.mark.integration

DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data"
SPECIMENS = sorted((DATA / "mrz" / "images" / "passporteye").glob("passport-*"))


def _guidance(path: Path, change: Callable[[Image], Image]) -> set[Guidance]:
    frame = change(decode_image(path.read_bytes()))
    region = find_document(frame)
    return {i.guidance for i in assess_quality(frame, rectify(frame, region), region, photo=True).issues}


@pytest.mark.parametrize("path", SPECIMENS, ids=lambda p: p.name)
def test_light_pages_pass_and_a_highlight_on_a_white_page_is_glare(path: Path) -> None:
    assert Guidance.REDUCE_GLARE not in _guidance(path, lambda image: image)  # white scan, paper at 255
    assert Guidance.REDUCE_GLARE not in _guidance(path, VARIANTS["lighter (x1.3)"])
    assert Guidance.REDUCE_GLARE not in _guidance(path, white_page)
    page = white_page(decode_image(path.read_bytes()))
    assert float(np.median(page)) + 30 >= 250  # white: the blown-out share rule alone cannot see glare here
    assert Guidance.REDUCE_GLARE in _guidance(path, white_page_glare)


def test_a_blurred_white_page_is_blurred_not_glared() -> None:
    # Blurring greys the print, and the page's median drops under blown out while its blank paper stays
    # blown out in solid patches, as solid as a highlight: the gate says hold steady, not glare.
    def blurred(image: Image) -> Image:
        return np.asarray(cv2.GaussianBlur(image, (0, 0), 9), dtype=np.uint8)

    guidance = _guidance(SPECIMENS[0], blurred)
    assert Guidance.HOLD_STEADY in guidance and Guidance.REDUCE_GLARE not in guidance

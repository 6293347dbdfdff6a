"""Which way up a page is: line geometry, the turns tried, and the hint when nothing reads (fake OCR)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from domain.ports.document import Guidance, QualityIssue, QualityReport
from ml.document.images import Image
from ml.document.ocr import OcrLine, TextBox
from ml.document.orientation import SIDEWAYS, UPSIDE_DOWN, turns_to_try, upright_turn
from ml.document.reader import MRZ_CROPPED, ROTATE_DOCUMENT, SHOW_DATA_PAGE, _read_hint

pytestmark = pytest.mark.unit

TD3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
BAD_DIGITS = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C37UTO7408123F1204158ZE184226B<<<<<11"]
PAGE: Image = np.arange(5 * 9 * 3, dtype=np.uint8).reshape(5, 9, 3)  # distinct values: every turn differs


def box(x: int, y: int, w: int, h: int) -> TextBox:
    quad = np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], dtype=np.float32)
    return TextBox(quad, (x, y, w, h))


LYING = [box(60, 40 * i, 600, 40) for i in range(6)]
STANDING = [box(40 * i, 60, 40, 600) for i in range(6)]


class TurnedPageOcr:
    """A page whose MRZ band (reading as ``mrz``) is found only when it is turned by ``upright``."""

    def __init__(self, upright: int, mrz: Sequence[str] = TD3) -> None:
        self.upright, self.mrz = upright, list(mrz)

    @staticmethod
    def turns(image: Image) -> int:
        return next(k for k in range(4) if np.array_equal(image, np.rot90(PAGE, k)))

    def detect(self, image: Image) -> list[TextBox]:
        return [box(60, 690, 1090, 50), box(60, 745, 1090, 52)]

    def side_by_side(self) -> int:
        return 1

    def recognise(self, image: Image, boxes: Sequence[TextBox], *, max_aspect: float | None = None) -> list[OcrLine]:
        # Turned the wrong way, the recogniser reads garbage in the same MRZ shape.
        texts = self.mrz if self.turns(image) == self.upright else [t[::-1] for t in self.mrz]
        return [OcrLine(text, 0.99, b.box) for b, text in zip(boxes, texts, strict=False)]


def test_lines_standing_upright_mean_a_sideways_page() -> None:
    assert turns_to_try(STANDING) == SIDEWAYS
    assert turns_to_try(LYING) == UPSIDE_DOWN


def test_the_turn_whose_mrz_passes_its_check_digits_is_taken() -> None:
    assert upright_turn(TurnedPageOcr(upright=2), PAGE, UPSIDE_DOWN) == 2
    assert upright_turn(TurnedPageOcr(upright=3), PAGE, SIDEWAYS) == 3
    assert upright_turn(TurnedPageOcr(upright=3), PAGE, UPSIDE_DOWN) is None


def test_a_turn_whose_mrz_fails_its_check_digits_is_never_taken() -> None:
    # A genuine check-digit failure must stay one: no turn may "repair" it into a valid-looking read.
    assert upright_turn(TurnedPageOcr(upright=2, mrz=BAD_DIGITS), PAGE, UPSIDE_DOWN) is None


def test_an_unreadable_page_says_what_to_do() -> None:
    clean = QualityReport(sharpness=300, brightness=150, glare_ratio=0, document_found=True, skew_degrees=0,
                          frame_coverage=0.7, issues=())
    glare = QualityIssue("glare_ratio", 0.2, "< 0.05", Guidance.REDUCE_GLARE)
    glared = QualityReport(sharpness=300, brightness=150, glare_ratio=0.2, document_found=True, skew_degrees=0,
                           frame_coverage=0.7, issues=(glare,))
    assert _read_hint(tuple(STANDING), clean, 1200) == ROTATE_DOCUMENT
    assert _read_hint(tuple(LYING), glared, 1200) == "reduce_glare"
    assert _read_hint(tuple(LYING), clean, 1200) == SHOW_DATA_PAGE
    # The MRZ band runs off the right edge of a 1100 px wide image: cropped, whatever else is wrong.
    band = (box(60, 690, 1040, 50), box(60, 745, 1040, 52))
    assert _read_hint(band, glared, 1100) == MRZ_CROPPED
    assert _read_hint(band, glared, 1200) == "reduce_glare"

"""Low-resolution MRZ: when a page is upscaled, and when an upscaled read is kept (fake OCR)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pytest

from domain.documents.mrz import parse_mrz
from domain.ports.document import Guidance, QualityIssue, QualityReport
from ml.document.images import Image
from ml.document.low_resolution import (
    MIN_PITCH_PX,
    TARGET_LINE_PX,
    UpscaledLook,
    character_pitch,
    look_upscaled,
    read_upscaled,
    upscale_factor,
    upscaled,
)
from ml.document.ocr import OcrLine, TextBox
from ml.document.page_text import PageText
from ml.document.reader import (
    MRZ_CROPPED,
    SHOW_DATA_PAGE,
    _misread,
    _print_too_small,
    _read_hint,
    _with_print_issue,
)

pytestmark = pytest.mark.unit

TD3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
# The same MRZ with one look-alike swapped in the document number (L898902C3 -> L898902G3): it fails.
MISREAD = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902G36UTO7408122F1204159ZE184226B<<<<<10"]
TODAY = date(2010, 1, 1)


def box(x: float, y: float, w: float, h: float) -> TextBox:
    quad = np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], dtype=np.float32)
    return TextBox(quad, (int(x), int(y), int(w), int(h)))


def small_page(width: int = 240, height: int = 160) -> Image:
    return np.random.default_rng(7).integers(0, 255, (height, width, 3), dtype=np.uint8)


def band(scale: float, pitch: float) -> list[TextBox]:
    """A TD3 band (44 characters a line) of ``pitch`` px per character on the page, seen ``scale`` larger."""
    length, height = 44 * pitch * scale, 10 * scale
    return [box(4 * scale, 120 * scale, length, height), box(4 * scale, 131 * scale, length, height)]


class ScaledPageOcr:
    """Detects the band at the size of the image it is given; reads ``plain`` from the bicubic upscale of
    ``page`` and ``sharpened`` from any other enlarged image (the one with the unsharp mask)."""

    def __init__(self, page: Image, pitch: float, plain: Sequence[str], sharpened: Sequence[str]) -> None:
        self.page, self.pitch, self.plain, self.sharpened = page, pitch, list(plain), list(sharpened)

    def detect(self, image: Image) -> list[TextBox]:
        return band(image.shape[1] / self.page.shape[1], self.pitch)

    def side_by_side(self) -> int:
        return 1

    def recognise(self, image: Image, boxes: Sequence[TextBox], *, max_aspect: float | None = None) -> list[OcrLine]:
        factor = image.shape[1] / self.page.shape[1]
        if factor == 1:
            return []
        texts = self.plain if np.array_equal(image, upscaled(self.page, factor)) else self.sharpened
        return [OcrLine(t, 0.99, b.box) for b, t in zip(boxes, texts, strict=False)]


def test_a_small_page_without_a_detected_band_is_enlarged_to_a_full_size_page() -> None:
    factor = upscale_factor(small_page(240, 160), [])
    assert factor == pytest.approx(5.0)
    assert upscaled(small_page(240, 160), 5.0).shape == (800, 1200, 3)


def test_the_band_sets_the_factor_and_a_full_size_page_is_not_enlarged() -> None:
    assert upscale_factor(small_page(), band(1.0, 5.5)) == pytest.approx(TARGET_LINE_PX / 10)
    assert upscale_factor(small_page(1200, 800), []) is None
    assert upscale_factor(small_page(1200, 800), band(10.0, 5.5)) is None


def test_the_character_pitch_is_measured_on_the_captured_page() -> None:
    assert character_pitch(tuple(band(3.0, 5.5)), 44, 3.0) == pytest.approx(5.5)
    assert character_pitch((), 44, 3.0) == 0.0


def test_an_upscaled_read_is_kept_when_it_passes_and_a_sharper_look_agrees() -> None:
    ocr = ScaledPageOcr(small_page(), 5.5, TD3, TD3)
    text = read_upscaled(ocr, small_page(), [], lambda: TODAY)
    assert text is not None and text.mrz is not None and text.mrz.check_digits_valid
    assert text.mrz.document_number == "L898902C3"


def test_an_upscaled_read_failing_its_check_digits_is_dropped() -> None:
    assert read_upscaled(ScaledPageOcr(small_page(), 5.5, MISREAD, MISREAD), small_page(), [], lambda: TODAY) is None


def test_an_upscaled_read_of_characters_too_small_to_tell_apart_is_dropped_even_when_it_passes() -> None:
    # Below MIN_PITCH_PX the specimens read a wrong number whose check digits passed: never kept.
    pitch = MIN_PITCH_PX - 0.3
    assert read_upscaled(ScaledPageOcr(small_page(), pitch, TD3, TD3), small_page(), [], lambda: TODAY) is None


def test_an_upscaled_read_the_sharper_look_does_not_confirm_is_dropped() -> None:
    other = [TD3[0], TD3[1].replace("ZE184226B", "2E184226B")]  # a personal number look-alike
    assert read_upscaled(ScaledPageOcr(small_page(), 5.5, TD3, other), small_page(), [], lambda: TODAY) is None


def test_an_unread_small_page_asks_the_person_to_come_closer() -> None:
    quality = QualityReport(sharpness=500.0, brightness=180.0, glare_ratio=0.0, document_found=True,
                            skew_degrees=0.0, frame_coverage=0.7, issues=())
    assert _read_hint((), quality, 240, small=upscale_factor(small_page(240, 160), []) is not None) == "move_closer"
    assert _read_hint((), quality, 1200, small=upscale_factor(small_page(1200, 800), []) is not None) \
        == SHOW_DATA_PAGE


def test_a_page_too_small_to_read_asks_to_come_closer_even_when_its_mrz_nears_the_edge() -> None:
    # The TD3 specimen at 1/7: rectified page 172 px wide, MRZ boxes 161 px long (3.7 px per character)
    # starting 1-2 px from the page's edge, about the detector's own padding: not a cropped line.
    quality = QualityReport(sharpness=500.0, brightness=180.0, glare_ratio=0.0, document_found=True,
                            skew_degrees=0.0, frame_coverage=0.7, issues=())
    tiny = (box(2, 88, 161, 13), box(1, 96, 160, 14))
    assert _read_hint(tiny, quality, 172, small=True) == "move_closer"
    # A band large enough to read that runs off the page's edge is cropped, small page or not.
    half_size_cut = (box(10, 313, 540, 28), box(10, 342, 540, 28))  # 12 px per character
    assert _read_hint(half_size_cut, quality, 551, small=True) == MRZ_CROPPED
    assert _read_hint(half_size_cut, quality, 551) == MRZ_CROPPED


def page_text(lines: Sequence[str], boxes: list[TextBox]) -> PageText:
    return PageText(mrz=parse_mrz(list(lines)), printed=(), lines_detected=len(boxes),
                    lines_recognised=len(boxes), mrz_from_band=True, timings_ms={}, boxes=tuple(boxes))


def test_a_check_digit_failure_read_from_characters_too_small_to_read_is_a_retake_not_a_failure() -> None:
    # 3.5 px per character: a failed check digit there is as likely a misread as a forgery.
    issue = _print_too_small(page_text(MISREAD, band(1.0, MIN_PITCH_PX - 1.25)))
    assert issue is not None and issue.guidance == Guidance.MOVE_CLOSER
    assert issue.value == pytest.approx(MIN_PITCH_PX - 1.25)


def test_a_check_digit_failure_read_from_readable_characters_stays_one() -> None:
    # 6 px per character: the read is trusted, so a failed check digit is reported as exactly that.
    assert _print_too_small(page_text(MISREAD, band(1.0, 6.0))) is None
    assert _print_too_small(page_text(TD3, band(1.0, 6.0))) is None


def test_a_read_whose_check_digits_pass_from_characters_too_small_to_read_is_not_trusted_either() -> None:
    # Check digits do not cover the names: at 3.4-4.2 px per character the specimens read wrong names.
    issue = _print_too_small(page_text(TD3, band(1.0, MIN_PITCH_PX - 0.5)))
    assert issue is not None and issue.guidance == Guidance.MOVE_CLOSER


def test_print_too_small_replaces_a_move_further_and_keeps_other_issues() -> None:
    # A small image the page fills: the distance rule says "further", the print size says "closer".
    further = QualityIssue("frame_coverage", 0.95, "0.5-0.9", Guidance.MOVE_FURTHER)
    dark = QualityIssue("brightness", 40.0, "lightest 5% >= 100", Guidance.IMPROVE_LIGHTING)
    quality = QualityReport(sharpness=500.0, brightness=40.0, glare_ratio=0.0, document_found=True,
                            skew_degrees=0.0, frame_coverage=0.95, issues=(further, dark))
    issue = _print_too_small(page_text(MISREAD, band(1.0, MIN_PITCH_PX - 1.25)))
    assert issue is not None
    assert [i.guidance for i in _with_print_issue(quality, issue).issues] == [Guidance.IMPROVE_LIGHTING,
                                                                              Guidance.MOVE_CLOSER]


def test_the_upscaled_look_records_what_each_of_its_reads_saw() -> None:
    failing = look_upscaled(ScaledPageOcr(small_page(), 5.5, MISREAD, TD3), small_page(), [], lambda: TODAY)
    assert failing.kept is None and failing.mrz_lines_seen == (tuple(MISREAD),)
    disputed = look_upscaled(ScaledPageOcr(small_page(), 5.5, TD3, MISREAD), small_page(), [], lambda: TODAY)
    assert disputed.kept is None and disputed.mrz_lines_seen == (tuple(TD3), tuple(MISREAD))
    full_size = look_upscaled(ScaledPageOcr(small_page(1200, 800), 27.0, TD3, TD3), small_page(1200, 800), [],
                              lambda: TODAY)
    assert full_size == UpscaledLook(None)


def test_a_check_digit_failure_the_upscaled_look_reads_otherwise_is_a_retake_closer() -> None:
    # 5 px per character, above the pitch rule: the own-size read failed, the upscaled one read other
    # lines (or no MRZ at all). Two looks at one print disagree: a misread, not a fraud signal.
    own = page_text(MISREAD, band(1.0, 5.0))
    for seen in [(tuple(TD3),), (tuple(TD3), tuple(MISREAD)), ((),)]:
        issue = _misread(own, UpscaledLook(None, seen))
        assert issue is not None and issue.guidance == Guidance.MOVE_CLOSER
        assert issue.value == pytest.approx(5.0)


def test_a_check_digit_failure_every_look_reads_alike_stays_one() -> None:
    # A forged check digit reads the same every time: reported, never turned into a retake.
    assert _misread(page_text(MISREAD, band(1.0, 5.0)), UpscaledLook(None, (tuple(MISREAD),))) is None
    # A page too large to upscale has no second look: its failure stands as before.
    assert _misread(page_text(MISREAD, band(1.0, 8.0)), UpscaledLook(None)) is None
    # A read whose check digits pass is not a failure to confirm.
    assert _misread(page_text(TD3, band(1.0, 5.0)), UpscaledLook(None, (tuple(MISREAD),))) is None

"""Deblurring a photo before its barcode is decoded: the bars a Gaussian blur merged come apart again."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ml.document import pdf417
from ml.document.deblur import deblurred
from ml.document.images import Image

pytestmark = pytest.mark.unit


def bars(module_px: float = 1.4, modules: int = 240, height: int = 60) -> Image:
    """Random black and white bars of 1-4 modules, ``module_px`` wide each, on a light margin."""
    rng = np.random.default_rng(3)
    widths = rng.integers(1, 5, modules // 2)
    pattern = np.repeat(np.arange(len(widths)) % 2, widths)[:modules]
    columns = np.interp(np.arange(int(modules * module_px)) / module_px, np.arange(len(pattern)), pattern)
    row = np.where(np.round(columns) > 0, 20, 230).astype(np.uint8)
    return np.pad(np.tile(row, (height, 1)), 20, constant_values=230)


def contrast_error(image: Image, sharp: Image) -> float:
    """Mean absolute grey difference to the sharp bars, over the bars' rows."""
    return float(np.abs(image[20:-20, 20:-20].astype(np.float32) - sharp[20:-20, 20:-20]).mean())


def test_bars_blurred_by_one_pixel_come_back_closer_to_the_sharp_ones() -> None:
    sharp = bars()
    blurred = np.asarray(cv2.GaussianBlur(sharp, (0, 0), 1.0), dtype=np.uint8)
    assert contrast_error(deblurred(blurred, 1.0), sharp) < 0.7 * contrast_error(blurred, sharp)


def test_a_plain_page_stays_plain_without_ringing_at_its_edges() -> None:
    # The photo is mirrored before the transform, so its borders do not ring into the picture.
    page = np.full((90, 140), 200, dtype=np.uint8)
    assert int(np.abs(deblurred(page, 1.5).astype(np.int16) - 200).max()) <= 1


def test_the_result_is_an_image_of_the_same_size() -> None:
    blurred = np.asarray(cv2.GaussianBlur(bars(), (0, 0), 1.5), dtype=np.uint8)
    out = deblurred(blurred, 1.5)
    assert out.shape == blurred.shape and out.dtype == np.uint8


def test_a_licence_back_gets_the_deblurred_attempts_a_page_without_a_symbol_seen_does_not(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # A page with no barcode in sight: read as a licence's back (a symbol is expected there) the
    # decoder still tries the deblurred copies; read as a page that may carry none, it stops.
    spreads: list[tuple[float, float]] = []

    def counted(gray: Image, sigma: float, *, noise_to_signal: float) -> Image:
        spreads.append((sigma, noise_to_signal))
        return gray

    monkeypatch.setattr(pdf417, "deblurred", counted)
    page = np.full((240, 320), 200, dtype=np.uint8)
    assert pdf417.decode_pdf417(page, symbol_expected=False) == []
    assert spreads == []
    assert pdf417.decode_pdf417(page) == []
    assert spreads == list(pdf417.PSF_SPREADS)

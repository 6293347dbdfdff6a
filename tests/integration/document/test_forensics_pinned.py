"""The forensic signals on real specimens of ../shared/data, pinned to what they were before they
were made cheaper (docs/targets.md §5: the same results at a lower cost), and the shortcuts held
against the computations they replace."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from ml.document.forensics import _DCT_01, _channel_mean, forensic_signals
from ml.document.images import decode_image

pytestmark = pytest.mark.integration

DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data"

# name -> (screen_moire, error_level, double_jpeg or None for a non-JPEG input), as computed by the
# per-block cv2.dct loop and the float32 channel mean these replace.
PINNED: dict[str, tuple[float, float, float | None]] = {
    "mrz/images/passporteye/passport-td3.jpg": (0.222, 0.447, 0.053),
    "mrz/images/passporteye/passport-td2.jpg": (0.374, 0.421, 0.055),
    "mrz/images/passporteye/passport-td3.png": (0.217, 0.483, None),
    "mrz/images/passporteye_ocr_smoke/tesseract-test1.jpg": (0.636, 0.407, 0.05),
    "mrz/images/passporteye_ocr_smoke/tesseract-test2.png": (0.911, 0.389, None),
    "pdf417/zxing_cpp/pdf417-1/01.png": (1.0, 0.243, None),
    "pdf417/zxing_cpp/pdf417-2/01.webp": (1.0, 0.388, None),
}


@pytest.mark.parametrize("name", sorted(PINNED))
def test_forensic_signals_on_real_specimens_are_unchanged(name: str) -> None:
    raw = (DATA / name).read_bytes()
    scores = {s.name: s.score for s in forensic_signals(decode_image(raw), raw)}
    moire, error_level, double_jpeg = PINNED[name]
    expected = {"screen_moire": moire, "error_level": error_level}
    if double_jpeg is not None:
        expected["double_jpeg"] = double_jpeg
    assert scores == expected


def test_the_channel_mean_is_numpys_float32_mean_to_the_bit() -> None:
    rng = np.random.default_rng(7)
    difference = rng.integers(0, 256, size=(97, 131, 3), dtype=np.uint8)
    difference[0, :3] = 255  # the largest channel sum, 765, must not wrap
    expected = difference.astype(np.float32).mean(axis=2)
    assert np.array_equal(_channel_mean(difference), expected)
    assert _channel_mean(difference).dtype == expected.dtype


def test_the_dct_basis_gives_opencvs_coefficient_0_1() -> None:
    rng = np.random.default_rng(11)
    blocks = rng.integers(-128, 128, size=(500, 8, 8)).astype(np.float32)
    opencv = np.array([cv2.dct(b)[0, 1] for b in blocks])
    ours = blocks.astype(np.float64).sum(axis=1) @ _DCT_01
    assert np.abs(opencv - ours).max() < 1e-3
    assert not np.allclose(ours, np.array([cv2.dct(b)[1, 0] for b in blocks]), atol=1e-3)  # not the transposed one

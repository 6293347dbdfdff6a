"""Classical document-liveness / tampering signals. Weak evidence only, never a verdict (requirements/pipeline §4).

Honest confidence: none of these is calibrated on labelled document attacks (the shared data has no
such set; ``spoof/`` holds three face images). ``confidence`` states how far a reviewer should trust
``score``: 0.2-0.3 means "worth a look", not "detected".

- ``screen_moire``: a photographed screen adds a periodic pixel-grid pattern, seen as isolated peaks in
  the high-frequency part of the 2-D spectrum. Score = peak energy share above a noise floor.
- ``error_level``: re-saving a JPEG at a fixed quality changes edited regions differently from the rest;
  score = spread of the per-block error level (coefficient of variation), squashed to 0-1.
- ``double_jpeg``: an image compressed twice with different quantisers leaves periodic gaps in the DCT
  coefficient histogram; score = strength of that periodicity. JPEG inputs only.
"""

from __future__ import annotations

import cv2
import numpy as np

from domain.ports.document import ForensicSignal
from ml.document.images import Image, as_image, to_gray

_SIDE = 512
# These run on every document of every verification (docs/targets.md §5), so what does not depend
# on the image is computed once: the spectrum's high-frequency mask and the DCT(0,1) basis.
_YY, _XX = np.mgrid[-_SIDE // 2:_SIDE // 2, -_SIDE // 2:_SIDE // 2]
_HIGH_FREQUENCIES = np.hypot(_YY, _XX) > _SIDE * 0.15
# Coefficient (0, 1) of OpenCV's orthonormal 8x8 DCT-II is this weighting of the block's column sums.
_DCT_01 = np.sqrt(1 / 8) * np.sqrt(2 / 8) * np.cos((2 * np.arange(8) + 1) * np.pi / 16)


def screen_moire(image: Image) -> ForensicSignal:
    gray = cv2.resize(to_gray(image), (_SIDE, _SIDE)).astype(np.float32)
    spectrum = np.abs(np.fft.fftshift(np.fft.fft2(gray - gray.mean())))
    high = spectrum[_HIGH_FREQUENCIES]
    floor = float(np.median(high)) + 1e-6
    peaks = high[high > 12 * floor]
    share = float(peaks.sum() / (high.sum() + 1e-6))
    return ForensicSignal("screen_moire", round(min(1.0, share * 10), 3), 0.3,
                          "isolated high-frequency spectral peaks; uncalibrated")


def error_level(image: Image) -> ForensicSignal:
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])
    resaved = as_image(cv2.imdecode(buf, cv2.IMREAD_COLOR)) if ok else image
    diff = _channel_mean(as_image(cv2.absdiff(image, resaved)))
    h, w = (diff.shape[0] // 16) * 16, (diff.shape[1] // 16) * 16
    blocks = diff[:h, :w].reshape(h // 16, 16, w // 16, 16).mean(axis=(1, 3))
    cv = float(blocks.std() / (blocks.mean() + 1e-6))
    return ForensicSignal("error_level", round(cv / (cv + 2.0), 3), 0.2,
                          "spread of per-block JPEG re-save error; text edges also raise it")


def double_jpeg(image: Image, is_jpeg: bool) -> ForensicSignal | None:
    if not is_jpeg:
        return None
    gray = to_gray(image).astype(np.float32) - 128
    h, w = (gray.shape[0] // 8) * 8, (gray.shape[1] // 8) * 8
    rows, columns = h // 8, w // 8
    # Every k-th block in row-major order (at most ~4000), as a 2-D grid of block indices.
    picked = np.arange(0, rows * columns, max(1, rows * columns // 4000))
    blocks = gray[:h, :w].reshape(rows, 8, columns, 8)[picked // columns, :, picked % columns, :]
    coeffs = blocks.astype(np.float64).sum(axis=1) @ _DCT_01
    hist, _ = np.histogram(np.round(coeffs), bins=np.arange(-40.5, 41.5))
    spectrum = np.abs(np.fft.rfft(hist - hist.mean()))
    strength = float(spectrum[3:].max() / (spectrum[1:].sum() + 1e-6))
    return ForensicSignal("double_jpeg", round(min(1.0, strength * 2), 3), 0.2,
                          "periodicity of the DCT(0,1) histogram; single compression shows some too")


def _channel_mean(difference: Image) -> np.ndarray:
    """``difference.astype(float32).mean(axis=2)``, the same numbers at a fraction of the cost: the
    channel sum of 8-bit values is exact in 16 bits, and float32 division by 3 rounds it as numpy's
    mean does."""
    total = np.add(difference[:, :, 0], difference[:, :, 1], dtype=np.uint16)
    np.add(total, difference[:, :, 2], out=total)
    return total.astype(np.float32) / np.float32(difference.shape[2])


def forensic_signals(image: Image, raw: bytes) -> tuple[ForensicSignal, ...]:
    signals = [screen_moire(image), error_level(image), double_jpeg(image, raw[:3] == b"\xff\xd8\xff")]
    return tuple(s for s in signals if s is not None)

"""A slightly defocused photo of a barcode sharpened back by Wiener deconvolution.

A phone photo of a licence back held tilted away squeezes the far rows of its PDF417 symbol: on a card
photographed at the smallest size the capture quality gate accepts (half the frame's width,
docs/requirements/pipeline.md §3) the modules there are about 1.4 px wide. A slight defocus, a
Gaussian spread of 1-1.5 px, then merges a one-module bar with its neighbours, and straightening the
card afterwards cannot separate them again: the warp moves pixels, it does not restore contrast. The
blur is the same in every direction of the photo (it happens in the lens, before any warp), so it is
undone there, before straightening: the photo is divided by the blur's transfer function in the
frequency domain, damped where that function is small so that JPEG noise is not amplified without
bound (Wiener's filter with a constant noise-to-signal ratio).

The blur's size is not known; the decoder tries ``PSF_SPREADS`` in turn, each only after everything
else found nothing. Reed-Solomon error correction decides whether a decoded symbol is right, so a
deconvolution that rings simply decodes nothing. Measured in ``tools.eval.document_cards``
(ml/EVALUATION.md, "Driver licences").
"""

from __future__ import annotations

import cv2
import numpy as np

from ml.document.images import Image, as_image

NOISE_TO_SIGNAL = 0.003  # Wiener's constant: ~JPEG q60 noise against a card's contrast
# (Gaussian spread in px, Wiener's constant) tried in turn: a slight and a visible defocus. A visible
# defocus has damped the finest bars to a few per cent of their contrast, so its inverse is let
# amplify more (the constant a third as large): on a card keystoned 12 % with a 1.5 px blur and
# JPEG damage, 0.003 left the far rows' narrowest bars merged (ml/EVALUATION.md, "Driver licences").
PSF_SPREADS = ((1.0, NOISE_TO_SIGNAL), (1.5, 0.001))
EDGE_SIGMAS = 12  # the filter's reach: its taps beyond 12 spreads are below 1/1000 of the centre's


def deblurred(gray: Image, sigma: float, *, noise_to_signal: float = NOISE_TO_SIGNAL) -> Image:
    """``gray`` deconvolved by a Gaussian point spread function of ``sigma`` px (Wiener filter). The
    image is mirrored into a margin first (wider than the filter reaches), so the transform's wrap-around
    does not ring into the picture; the transform's size is rounded up to one OpenCV computes fast."""
    h, w = gray.shape[:2]
    margin = int(EDGE_SIGMAS * sigma) + 1
    rows, cols = cv2.getOptimalDFTSize(h + 2 * margin), cv2.getOptimalDFTSize(w + 2 * margin)
    padded = cv2.copyMakeBorder(gray, margin, rows - h - margin, margin, cols - w - margin, cv2.BORDER_REFLECT)
    spectrum = cv2.dft(padded.astype(np.float32) / 255.0, flags=cv2.DFT_COMPLEX_OUTPUT)
    fy = np.fft.fftfreq(rows).astype(np.float32)[:, None]
    fx = np.fft.fftfreq(cols).astype(np.float32)[None, :]
    transfer = np.exp(-2.0 * np.pi ** 2 * sigma ** 2 * (fx ** 2 + fy ** 2))
    spectrum *= (transfer / (transfer ** 2 + noise_to_signal))[:, :, None]
    restored = cv2.idft(spectrum, flags=cv2.DFT_REAL_OUTPUT | cv2.DFT_SCALE)[margin:margin + h, margin:margin + w]
    return as_image(np.clip(restored * 255.0 + 0.5, 0, 255))

"""Classical presentation-attack signals on one image: each a number in 0-1, higher = more spoof-like.

These are WEAK evidence (docs/architecture.md §7: no production-grade offline PAD model exists
on the registries). Each signal looks for one physical trace of a recapture:

- ``moire``: a screen or a halftone print re-photographed shows periodic peaks in the spectrum of
  the face region, standing far above the smooth fall-off of natural skin;
- ``flat_texture``: a print or screen loses skin micro-texture: little fine-scale (LBP-like)
  variation relative to the face's coarse contrast;
- ``specular``: glossy paper and glass produce saturated, colourless highlight areas;
- ``bezel``: a phone/tablet/photo edge shows as long straight lines framing the face closely.

Scales are set so typical values on the real photos of ../shared/data/faces stay low; none is
validated as a detector (the spoof set has 3 images).
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from ml.face.detection import DetectedFace
from ml.face.image import BgrImage

FACE_SIDE = 128


def face_crop(image: BgrImage, face: DetectedFace, grow: float = 1.0) -> BgrImage:
    """The face box grown by ``grow`` around its centre, clipped to the image."""
    height, width = image.shape[:2]
    cx, cy = face.row[0] + face.width / 2, face.row[1] + face.height / 2
    half_w, half_h = face.width * grow / 2, face.height * grow / 2
    x0, y0 = max(0, int(cx - half_w)), max(0, int(cy - half_h))
    x1, y1 = min(width, int(cx + half_w)), min(height, int(cy + half_h))
    return image[y0:y1, x0:x1]


def _squash(value: float, low: float, high: float) -> float:
    """0 at or below ``low``, 1 at or above ``high``, linear between."""
    return float(min(1.0, max(0.0, (value - low) / (high - low))))


def moire_score(face: BgrImage) -> tuple[float, float]:
    """(score, raw): strongest mid/high-frequency spectral peak over the local median, in log units."""
    gray = cv2.resize(cv2.cvtColor(face, cv2.COLOR_BGR2GRAY), (FACE_SIDE, FACE_SIDE)).astype(np.float32)
    gray -= gray.mean()
    window = np.outer(np.hanning(FACE_SIDE), np.hanning(FACE_SIDE)).astype(np.float32)
    spectrum = np.log1p(np.abs(np.fft.fftshift(np.fft.fft2(gray * window))))
    smooth = cv2.medianBlur(spectrum.astype(np.float32), 5)
    yy, xx = np.mgrid[:FACE_SIDE, :FACE_SIDE] - FACE_SIDE // 2
    radius = np.hypot(yy, xx)
    band = (radius > FACE_SIDE * 0.15) & (radius < FACE_SIDE * 0.48)
    raw = float(np.max((spectrum - smooth)[band]))
    return _squash(raw, 1.5, 3.0), raw


def flat_texture_score(face: BgrImage) -> tuple[float, float]:
    """(score, raw): fine-scale variation (3x3 neighbour differences) over coarse contrast."""
    gray = cv2.resize(cv2.cvtColor(face, cv2.COLOR_BGR2GRAY), (FACE_SIDE, FACE_SIDE)).astype(np.float32)
    fine = float(np.mean(np.abs(gray - cv2.blur(gray, (3, 3)))))
    coarse = float(np.std(cv2.GaussianBlur(gray, (0, 0), 4))) + 1e-6
    raw = fine / coarse
    return 1.0 - _squash(raw, 0.02, 0.08), raw


def specular_score(face: BgrImage) -> tuple[float, float]:
    """(score, raw): share of the face that is near-white and colourless (glare)."""
    hsv = cv2.cvtColor(face, cv2.COLOR_BGR2HSV)
    raw = float(np.mean((hsv[..., 2] > 240) & (hsv[..., 1] < 30)))
    return _squash(raw, 0.02, 0.10), raw


def bezel_score(image: BgrImage, face: DetectedFace) -> tuple[float, float]:
    """(score, raw): how many sides of the face (0-4) have a long straight edge close around it."""
    region = face_crop(image, face, grow=2.4)
    gray = cv2.cvtColor(region, cv2.COLOR_BGR2GRAY)
    edges = cv2.Canny(gray, 60, 160)
    size = max(face.width, face.height) * region.shape[0] / max(1.0, face.height * 2.4)
    lines = cv2.HoughLinesP(edges, 1, np.pi / 180, threshold=60, minLineLength=int(0.9 * size), maxLineGap=6)
    sides: set[str] = set()
    h, w = region.shape[:2]
    for x0, y0, x1, y1 in ([] if lines is None else lines[:, 0]):
        angle = abs(math.degrees(math.atan2(y1 - y0, x1 - x0))) % 180
        mid_x, mid_y = (x0 + x1) / 2, (y0 + y1) / 2
        if angle < 15 or angle > 165:  # horizontal
            sides.add("top" if mid_y < h * 0.3 else "bottom" if mid_y > h * 0.7 else "")
        elif 75 < angle < 105:  # vertical
            sides.add("left" if mid_x < w * 0.3 else "right" if mid_x > w * 0.7 else "")
    sides.discard("")
    raw = float(len(sides))
    return _squash(raw, 1.0, 3.0), raw

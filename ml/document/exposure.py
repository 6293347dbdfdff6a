"""Exposure judged as a photographer would, on the document region: is the page too dark to show its
lightest parts, washed out so that even its ink is light, or burnt by glare?

The mean grey of the page is not a measure of exposure: a well-lit passport page or a white card is
light on average (mean grey 210-230) and perfectly readable, so the 80-200 lighting rule of
docs/requirements/pipeline.md §3 is applied to what it is about, the light reaching the camera:

- too dark (``improve_lighting``): the lightest 5 % of the page stay below ``DARK_P95`` grey, i.e. even
  the paper comes out dark grey;
- washed out (``reduce_lighting``): the darkest 1 % of the page, its ink, is lighter than ``WASHED_P1``;
- glare (``reduce_glare``): blown-out pixels brighter than the page itself (§3's share rule), or a
  specular highlight: a solid blown-out spot (it survives a morphological opening ``SPOT_OPENING`` of
  the page wide, which thin white gaps between printed characters and sensor noise do not) covering
  ``MIN_SPOT`` of the page. The share rule alone misses a highlight on a white page (paper at 225-249
  grey is within ``GLARE_ABOVE_MEDIAN`` of blown out); the spot rule does not, because the paper
  around the spot is not itself blown out. On a page whose paper *is* blown out (median at
  ``CLIPPED``: a white scan, a light page in strong light, still readable) a spot cannot be told from
  paper by its pixels; it is then found by what it does, hiding print, which the read reports.
"""

from __future__ import annotations

import cv2
import numpy as np

from ml.document.images import Image

DARK_P95 = 100.0
WASHED_P1 = 100.0
CLIPPED = 250
GLARE_ABOVE_MEDIAN = 30
SPOT_OPENING = 0.015  # share of the page's shorter side: a square a blown-out spot still fills
MIN_SPOT = 0.02  # share of the page: a 17 mm wide spot on a passport page, several characters hidden


def too_dark(gray: Image) -> bool:
    return float(np.percentile(gray, 95)) < DARK_P95


def washed_out(gray: Image) -> bool:
    return float(np.percentile(gray, 1)) > WASHED_P1


def glare_share(gray: Image) -> float:
    """Share of the page that is blown out and brighter than the page around it."""
    if float(np.median(gray)) + GLARE_ABOVE_MEDIAN >= CLIPPED:
        return 0.0
    return float(np.count_nonzero(gray >= CLIPPED)) / gray.size


def blown_out_spots(gray: Image) -> Image:
    """The blown-out pixels that lie in solid spots: the clipped mask opened by a square
    ``SPOT_OPENING`` of the page's shorter side (as the capture page's quick check does)."""
    clipped = (gray >= CLIPPED).astype(np.uint8)
    side = max(3, round(SPOT_OPENING * min(gray.shape[:2])))
    square = cv2.getStructuringElement(cv2.MORPH_RECT, (side, side))
    return np.asarray(cv2.morphologyEx(clipped, cv2.MORPH_OPEN, square), dtype=np.uint8)


def specular_share(gray: Image) -> float:
    """Share of the page covered by solid blown-out spots, on a page whose paper is not itself blown
    out (0 otherwise: see the module's docstring)."""
    if float(np.median(gray)) >= CLIPPED:
        return 0.0
    return float(np.count_nonzero(blown_out_spots(gray))) / gray.size

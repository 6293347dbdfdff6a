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

Every measure but the spot rule is an order statistic or a count of grey levels, so the page's grey-level
histogram (:class:`GreyLevels`, one pass) gives them all, exactly as numpy's ``percentile`` and
``median`` give them on the pixels (docs/targets.md §2: the quality gate runs on every document).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from ml.document.images import Image

DARK_P95 = 100.0
WASHED_P1 = 100.0
CLIPPED = 250
GLARE_ABOVE_MEDIAN = 30
SPOT_OPENING = 0.015  # share of the page's shorter side: a square a blown-out spot still fills
MIN_SPOT = 0.02  # share of the page: a 17 mm wide spot on a passport page, several characters hidden


@dataclass(frozen=True, eq=False)
class GreyLevels:
    """How many pixels of a grey page have each of the 256 levels, and the order statistics they give."""

    cumulative: NDArray[np.int64]  # pixels at or below each level

    @classmethod
    def of(cls, gray: Image) -> GreyLevels:
        counts = cv2.calcHist([np.ascontiguousarray(gray)], [0], None, [256], [0, 256]).ravel()
        return cls(np.cumsum(counts.astype(np.int64)))

    @property
    def size(self) -> int:
        return int(self.cumulative[-1])

    def _kth(self, k: int) -> int:
        """The ``k``-th smallest pixel (from 0)."""
        return int(np.searchsorted(self.cumulative, k, side="right"))

    def percentile(self, q: float) -> float:
        """``numpy.percentile(gray, q)`` (its default, linear method), computed the way numpy does."""
        quantile = q / 100
        virtual = (self.size - 1) * quantile
        below = math.floor(virtual)
        gamma = virtual - below
        low = self._kth(min(max(below, 0), self.size - 1))
        high = self._kth(min(max(below + 1, 0), self.size - 1))
        diff = high - low
        return float(high - diff * (1 - gamma)) if gamma >= 0.5 else float(low + diff * gamma)

    def median(self) -> float:
        """``numpy.median(gray)``: the middle pixel, or the mean of the two middle ones."""
        middle = self.size // 2
        if self.size % 2:
            return float(self._kth(middle))
        return (self._kth(middle - 1) + self._kth(middle)) / 2

    def at_least(self, level: int) -> int:
        """Pixels at ``level`` or brighter."""
        return self.size - (int(self.cumulative[level - 1]) if level > 0 else 0)


def too_dark(gray: Image, levels: GreyLevels | None = None) -> bool:
    return (levels or GreyLevels.of(gray)).percentile(95) < DARK_P95


def washed_out(gray: Image, levels: GreyLevels | None = None) -> bool:
    return (levels or GreyLevels.of(gray)).percentile(1) > WASHED_P1


def glare_share(gray: Image, levels: GreyLevels | None = None) -> float:
    """Share of the page that is blown out and brighter than the page around it."""
    levels = levels or GreyLevels.of(gray)
    if levels.median() + GLARE_ABOVE_MEDIAN >= CLIPPED:
        return 0.0
    return levels.at_least(CLIPPED) / levels.size


def blown_out_spots(gray: Image) -> Image:
    """The blown-out pixels that lie in solid spots: the clipped mask opened by a square
    ``SPOT_OPENING`` of the page's shorter side (as the capture page's quick check does)."""
    clipped = (gray >= CLIPPED).astype(np.uint8)
    side = max(3, round(SPOT_OPENING * min(gray.shape[:2])))
    square = cv2.getStructuringElement(cv2.MORPH_RECT, (side, side))
    return np.asarray(cv2.morphologyEx(clipped, cv2.MORPH_OPEN, square), dtype=np.uint8)


def specular_share(gray: Image, levels: GreyLevels | None = None) -> float:
    """Share of the page covered by solid blown-out spots, on a page whose paper is not itself blown
    out (0 otherwise: see the module's docstring). A page without a blown-out pixel has no spot."""
    levels = levels or GreyLevels.of(gray)
    if levels.median() >= CLIPPED or levels.at_least(CLIPPED) == 0:
        return 0.0
    return float(np.count_nonzero(blown_out_spots(gray))) / gray.size

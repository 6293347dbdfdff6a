"""Exposure judged as a photographer would, on the document region: is the page too dark to show its
lightest parts, washed out so that even its ink is light, or burnt by glare?

The mean grey of the page is not a measure of exposure: a well-lit passport page or a white card is
light on average (mean grey 210-230) and perfectly readable, so the 80-200 lighting rule of
docs/requirements/pipeline.md §3 is applied to what it is about, the light reaching the camera:

- too dark (``improve_lighting``): the lightest 5 % of the page stay below ``DARK_P95`` grey, i.e. even
  the paper comes out dark grey;
- washed out (``reduce_lighting``): the darkest 1 % of the page, its ink, is lighter than ``WASHED_P1``;
- glare (``reduce_glare``): blown-out pixels brighter than the page itself (§3's share rule). On a page
  that is itself white (median above ``CLIPPED - GLARE_ABOVE_MEDIAN``), a blown-out spot cannot be told
  from paper by its pixels; it is then found by what it does, hiding print, which the read reports.
"""

from __future__ import annotations

import numpy as np

from ml.document.images import Image

DARK_P95 = 100.0
WASHED_P1 = 100.0
CLIPPED = 250
GLARE_ABOVE_MEDIAN = 30


def too_dark(gray: Image) -> bool:
    return float(np.percentile(gray, 95)) < DARK_P95


def washed_out(gray: Image) -> bool:
    return float(np.percentile(gray, 1)) > WASHED_P1


def glare_share(gray: Image) -> float:
    """Share of the page that is blown out and brighter than the page around it."""
    if float(np.median(gray)) + GLARE_ABOVE_MEDIAN >= CLIPPED:
        return 0.0
    return float(np.count_nonzero(gray >= CLIPPED)) / gray.size

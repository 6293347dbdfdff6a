"""The back of a licence straightened before its PDF417 symbol is decoded.

A card photographed tilted away from the camera comes out as a keystone: the far edge shorter than the
near one. zxing-cpp's PDF417 reader follows a symbol's rows along a moderate perspective, but once the
far rows are squeezed and the photo is also blurred and compressed, as phone photos are, it finds the
start and stop patterns and then fails its error-correction checksum. Warping the card's own outline
(or, for a symbol that fills the photo, the symbol's outline: the same contour search,
:func:`ml.document.geometry.find_document`) back to a rectangle gives every row the same width again.
Measured in ``tools.eval.document_cards`` (ml/EVALUATION.md, "Driver licences").
"""

from __future__ import annotations

import cv2
import numpy as np

from ml.document.geometry import find_document
from ml.document.images import Image, as_image

SQUARE_ENOUGH = 0.01  # corners within 1 % of the image's size of an upright rectangle: nothing to straighten
# Opposite edges of the outline differing by more than this share: the card is held visibly tilted away
# (the card eval's 15 % keystone, edges 0.78 apart). From there a slightly blurred card at the smallest
# size the capture gate accepts reads only deblurred, and beyond a 30 % keystone (0.54) the far rows'
# modules are under one pixel, which no straightening restores (ml/EVALUATION.md, "Driver licences").
TILTED_EDGE_RATIO = 0.8


def _upright(corners: np.ndarray, width: int, height: int) -> bool:
    tl, tr, br, bl = corners
    tolerance = SQUARE_ENOUGH * max(width, height)
    return bool(abs(tl[1] - tr[1]) <= tolerance and abs(bl[1] - br[1]) <= tolerance
                and abs(tl[0] - bl[0]) <= tolerance and abs(tr[0] - br[0]) <= tolerance)


def straightened(gray: Image, *, pixels: Image | None = None) -> Image | None:
    """The card (or symbol) outline of ``gray`` warped to an upright rectangle as wide as its longer
    edge; ``None`` when no outline is found or it is upright already. ``pixels`` (the same photo
    processed, e.g. deblurred) is warped instead of ``gray`` when given: the outline is found on the
    photo as taken."""
    corners = find_document(gray).corners
    h, w = gray.shape[:2]
    if corners is None or _upright(corners, w, h):
        return None
    tl, tr, br, bl = corners
    width = int(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = int(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    target = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(corners, target)
    return as_image(cv2.warpPerspective(gray if pixels is None else pixels, matrix, (width, height),
                                        flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE))


def edge_ratio(corners: np.ndarray) -> float:
    """The shorter over the longer edge of the outline ``corners`` (tl, tr, br, bl), of whichever pair
    of opposite edges differs more: 1 for a card held square to the camera."""
    tl, tr, br, bl = corners
    ratios = []
    for one, other in ((tr - tl, br - bl), (bl - tl, br - tr)):
        a, b = float(np.linalg.norm(one)), float(np.linalg.norm(other))
        ratios.append(min(a, b) / max(a, b, 1e-6))
    return min(ratios)


def tilted_away(gray: Image) -> bool:
    """Whether the card outline of ``gray`` shows the card held tilted away, one edge under
    ``TILTED_EDGE_RATIO`` of its opposite (``False`` when no outline is found)."""
    corners = find_document(gray).corners
    return corners is not None and edge_ratio(corners) < TILTED_EDGE_RATIO

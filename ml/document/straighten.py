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

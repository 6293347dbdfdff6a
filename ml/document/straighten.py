"""The back of a licence straightened before its PDF417 symbol is decoded.

A card photographed tilted away from the camera comes out as a keystone: the far edge shorter than the
near one. zxing-cpp's PDF417 reader follows a symbol's rows along a moderate perspective, but once the
far rows are squeezed and the photo is also blurred and compressed, as phone photos are, it finds the
start and stop patterns and then fails its error-correction checksum. Warping the card's own outline
(or, for a symbol that fills the photo, the symbol's outline: the same contour search,
:func:`ml.document.geometry.find_document`) back to a rectangle gives every row the same width again.

The contour search runs on a smoothed, dilated edge map of a copy at most 800 px wide, so its corners
are off by 1-2 px on a card at the capture size and by 5-10 px on a steep keystone; on the far rows
of a tilted card a module is 1-2 px wide, and a warp from corners that far off reads fewer blurred
cards. Each edge is therefore fitted again on the photo itself (:func:`refined_outline`). The warp goes
straight to the size the decoder reads (``scale``), in one interpolation: a straightened copy enlarged
afterwards is interpolated twice and loses the contrast of the narrowest bars. The interpolation is
Lanczos's (8x8 taps), which keeps more of a one-module bar's contrast than the cubic one: on the small
render's 25 % keystone with blur and JPEG it reads 46/46 where cubic read 43.
Measured in ``tools.eval.document_cards`` (ml/EVALUATION.md, "Driver licences").
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from ml.document.geometry import find_document
from ml.document.images import Image, as_image

SQUARE_ENOUGH = 0.01  # corners within 1 % of the image's size of an upright rectangle: nothing to straighten
EDGE_REACH = 12.0  # px on either side of a found edge searched for the photo's own edge
EDGE_SAMPLES = 48  # points along each edge where the edge is located
EDGE_STEP = 0.25  # px between the samples of a profile across an edge
MIN_EDGE_SLOPE = 4.0  # grey levels per px: a flatter step is no edge (a card's edge, blurred, is 50+)

Corners = NDArray[np.float32]


def _upright(corners: Corners, width: int, height: int) -> bool:
    tl, tr, br, bl = corners
    tolerance = SQUARE_ENOUGH * max(width, height)
    return bool(abs(tl[1] - tr[1]) <= tolerance and abs(bl[1] - br[1]) <= tolerance
                and abs(tl[0] - bl[0]) <= tolerance and abs(tr[0] - br[0]) <= tolerance)


def _edge_line(smooth: NDArray[np.float32], start: NDArray[np.float64],
               end: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]] | None:
    """(a point, a direction) of the line through the strongest grey step (of the edge's own sign) across
    the edge ``start``-``end`` at each of ``EDGE_SAMPLES`` places (its middle 80 %: corners are rounded), located
    to a fraction of a pixel by a parabola through the gradient's peak; ``None`` with too few steps."""
    along = end - start
    normal = np.array([-along[1], along[0]]) / float(np.linalg.norm(along))
    offsets = np.arange(-EDGE_REACH, EDGE_REACH + EDGE_STEP / 2, EDGE_STEP)
    base = start + np.linspace(0.1, 0.9, EDGE_SAMPLES)[:, None] * along
    points = base[:, None, :] + offsets[None, :, None] * normal
    profiles = cv2.remap(smooth, points[..., 0].astype(np.float32), points[..., 1].astype(np.float32),
                         cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    # The card's own step (light card to dark table, or the reverse) has one sign along the whole edge;
    # a printed bar near the edge steps both ways, so only steps of the card's sign are looked at.
    step = float(np.sign(profiles[:, -1].mean() - profiles[:, 0].mean())) or 1.0
    gradient = np.maximum(step * np.gradient(profiles, axis=1), 0.0)
    peak = np.argmax(gradient[:, 1:-1], axis=1) + 1
    rows = np.arange(EDGE_SAMPLES)
    before, at, after = gradient[rows, peak - 1], gradient[rows, peak], gradient[rows, peak + 1]
    curvature = before - 2 * at + after
    shift = np.divide(0.5 * (before - after), curvature, out=np.zeros_like(at), where=np.abs(curvature) > 1e-6)
    across = offsets[peak] + np.clip(shift, -1, 1) * EDGE_STEP
    strong = (at >= 0.5 * float(np.median(at))) & (at >= MIN_EDGE_SLOPE * EDGE_STEP)
    if int(strong.sum()) < EDGE_SAMPLES // 4:
        return None
    edge = (base + across[:, None] * normal)[strong].astype(np.float32)
    vx, vy, x0, y0 = cv2.fitLine(edge, cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
    return np.array([x0, y0], dtype=np.float64), np.array([vx, vy], dtype=np.float64)


def refined_outline(gray: Image, corners: Corners) -> Corners:
    """``corners`` (tl, tr, br, bl) moved to where the photo's edges between them meet: each edge is
    located across its length on the photo (lightly smoothed against JPEG noise) and fitted with a
    line. The found corners are kept when an edge shows no clear step or a corner would move further
    than ``EDGE_REACH``."""
    smooth = cv2.GaussianBlur(gray, (0, 0), 1.0).astype(np.float32)
    lines = [_edge_line(smooth, corners[i].astype(np.float64), corners[(i + 1) % 4].astype(np.float64))
             for i in range(4)]
    if any(line is None for line in lines):
        return corners
    refined = []
    for i in range(4):
        previous, line = lines[i - 1], lines[i]
        assert previous is not None and line is not None
        (p1, d1), (p2, d2) = previous, line
        if abs(float(d1[0] * d2[1] - d1[1] * d2[0])) < 0.1:  # near-parallel neighbours: no sound intersection
            return corners
        s = np.linalg.solve(np.array([d1, -d2]).T, p2 - p1)
        refined.append(p1 + s[0] * d1)
    out = np.array(refined, dtype=np.float32)
    return out if float(np.abs(out - corners).max()) <= EDGE_REACH else corners


def card_outline(gray: Image) -> Corners | None:
    """The card (or symbol) outline of ``gray``, refined on the photo; ``None`` when no outline is found
    or it is upright already (nothing to straighten)."""
    corners = find_document(gray).corners
    h, w = gray.shape[:2]
    if corners is None or _upright(corners, w, h):
        return None
    return refined_outline(gray, corners)


def warped(pixels: Image, corners: Corners, scale: float = 1.0) -> Image:
    """``pixels`` inside ``corners`` warped to an upright rectangle ``scale`` times as wide as the
    outline's longer edge, in one interpolation."""
    tl, tr, br, bl = corners
    width = int(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)) * scale)
    height = int(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)) * scale)
    target = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(corners, target)
    return as_image(cv2.warpPerspective(pixels, matrix, (width, height), flags=cv2.INTER_LANCZOS4,
                                        borderMode=cv2.BORDER_REPLICATE))


def straightened(gray: Image, *, pixels: Image | None = None, scale: float = 1.0) -> Image | None:
    """The card (or symbol) outline of ``gray`` warped to an upright rectangle ``scale`` times as wide
    as its longer edge; ``None`` when no outline is found or it is upright already. ``pixels`` (the same
    photo processed, e.g. deblurred) is warped instead of ``gray`` when given: the outline is found on
    the photo as taken."""
    corners = card_outline(gray)
    return None if corners is None else warped(gray if pixels is None else pixels, corners, scale)


def edge_lengths(corners: np.ndarray) -> tuple[float, float, float, float]:
    """The lengths of the outline's edges: top, bottom, left, right (``corners``: tl, tr, br, bl)."""
    tl, tr, br, bl = corners
    top, bottom, left, right = (float(np.linalg.norm(d)) for d in (tr - tl, br - bl, bl - tl, br - tr))
    return top, bottom, left, right


def edge_ratio(corners: np.ndarray) -> float:
    """The shorter over the longer edge of the outline ``corners`` (tl, tr, br, bl), of whichever pair
    of opposite edges differs more: 1 for a card held square to the camera."""
    top, bottom, left, right = edge_lengths(corners)
    return min(min(a, b) / max(a, b, 1e-6) for a, b in ((top, bottom), (left, right)))

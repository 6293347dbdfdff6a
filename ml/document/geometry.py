"""Document detection and rectification with OpenCV contours and a perspective warp.

The largest convex 4-corner contour covering a sensible share of the frame is taken as the document;
its corners are ordered, the skew angle is measured on the top edge, and the warp produces an upright
document image. When no quadrilateral is found the frame itself is used (a scan, or a tight crop).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from ml.document.images import Image, as_image, to_gray

MIN_AREA_SHARE = 0.2  # a quadrilateral smaller than this share of the frame is a photo or a field box
WORK_SIDE = 800  # contours are searched on a downscaled copy: faster and less noisy


@dataclass(frozen=True)
class DocumentRegion:
    corners: NDArray[np.float32] | None  # tl, tr, br, bl in frame coordinates; None = not found
    skew_degrees: float
    width_share: float  # document width / frame width


def _order(points: NDArray[np.float32]) -> NDArray[np.float32]:
    s, d = points.sum(axis=1), np.diff(points, axis=1).ravel()
    return np.array([points[np.argmin(s)], points[np.argmin(d)], points[np.argmax(s)], points[np.argmax(d)]],
                    dtype=np.float32)


def find_document(image: Image, *, min_area_share: float = MIN_AREA_SHARE) -> DocumentRegion:
    """The document quadrilateral (at least ``min_area_share`` of the frame), its skew and its width
    relative to the frame."""
    h, w = image.shape[:2]
    scale = WORK_SIDE / max(h, w) if max(h, w) > WORK_SIDE else 1.0
    small = to_gray(image)
    if scale != 1.0:
        small = as_image(cv2.resize(small, (round(w * scale), round(h * scale))))
    edges = cv2.dilate(cv2.Canny(cv2.GaussianBlur(small, (5, 5), 0), 40, 120), np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    frame_area = small.shape[0] * small.shape[1]
    for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:5]:
        approx = cv2.approxPolyDP(contour, 0.02 * cv2.arcLength(contour, True), True)
        big = cv2.contourArea(approx) >= min_area_share * frame_area
        if len(approx) == 4 and cv2.isContourConvex(approx) and big:
            corners = _order(approx.reshape(4, 2).astype(np.float32) / scale)
            (x0, y0), (x1, y1) = corners[0], corners[1]
            skew = math.degrees(math.atan2(float(y1 - y0), float(x1 - x0)))
            width = max(float(np.linalg.norm(corners[1] - corners[0])),
                        float(np.linalg.norm(corners[2] - corners[3])))
            return DocumentRegion(corners, skew, width / w)
    return DocumentRegion(None, 0.0, 1.0)


def rectify(image: Image, region: DocumentRegion) -> Image:
    """The document warped upright; the frame unchanged when no document quadrilateral was found."""
    if region.corners is None:
        return image
    tl, tr, br, bl = region.corners
    width = int(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = int(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    target = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(region.corners, target)
    return as_image(cv2.warpPerspective(image, matrix, (width, height)))

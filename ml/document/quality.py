"""Capture quality gate (seed 002 step 3, "Image Quality Assessment" table).

| measure | method | threshold (seed 002) | guidance |
| blur | variance of the Laplacian | > 100 | hold_steady |
| glare | blown-out pixels (>= 250) well above the document's median | < 5 % | reduce_glare |
| document | 4 corners from contours | found | move_document_into_frame |
| alignment | top-edge angle | < 15 degrees | align_document |
| lighting | mean grey level | 80-200 | improve_lighting / reduce_lighting |
| distance | document width / frame width | 50-90 % | move_closer / move_further |

The document and distance measures only apply to photos: a flat scan (no quadrilateral found, the
document fills the frame) is reported with ``document_found=False`` but no distance issue.
"""

from __future__ import annotations

import cv2
import numpy as np

from domain.ports.document import Guidance, QualityIssue, QualityReport
from ml.document.geometry import DocumentRegion
from ml.document.images import Image, to_gray

MIN_SHARPNESS = 100.0
MAX_GLARE = 0.05
MAX_SKEW = 15.0
BRIGHTNESS = (80.0, 200.0)
COVERAGE = (0.5, 0.9)
GLARE_LEVEL = 250
GLARE_ABOVE_MEDIAN = 30


def assess_quality(frame: Image, document: Image, region: DocumentRegion, *, photo: bool) -> QualityReport:
    """Measure the rectified ``document`` (and where it sits in ``frame``) against the seed thresholds."""
    gray = to_gray(document)
    sharpness = float(cv2.Laplacian(gray, cv2.CV_64F).var())
    brightness = float(gray.mean())
    # A highlight is saturated AND brighter than the card itself: white paper of a scan is not glare.
    glare_mask = (gray >= GLARE_LEVEL) & (float(np.median(gray)) + GLARE_ABOVE_MEDIAN < GLARE_LEVEL)
    glare = float(np.count_nonzero(glare_mask)) / gray.size
    issues: list[QualityIssue] = []
    if sharpness <= MIN_SHARPNESS:
        issues.append(QualityIssue("sharpness", sharpness, f"> {MIN_SHARPNESS:g}", Guidance.HOLD_STEADY))
    if glare >= MAX_GLARE:
        issues.append(QualityIssue("glare_ratio", glare, f"< {MAX_GLARE:g}", Guidance.REDUCE_GLARE))
    if brightness < BRIGHTNESS[0]:
        issues.append(QualityIssue("brightness", brightness, "80-200", Guidance.IMPROVE_LIGHTING))
    elif brightness > BRIGHTNESS[1]:
        issues.append(QualityIssue("brightness", brightness, "80-200", Guidance.REDUCE_LIGHTING))
    found = region.corners is not None
    if photo and not found:
        issues.append(QualityIssue("document_found", 0.0, "4 corners", Guidance.MOVE_DOCUMENT_INTO_FRAME))
    if found and abs(region.skew_degrees) >= MAX_SKEW:
        issues.append(QualityIssue("skew_degrees", region.skew_degrees, f"< {MAX_SKEW:g}",
                                   Guidance.ALIGN_DOCUMENT))
    if found and region.width_share < COVERAGE[0]:
        issues.append(QualityIssue("frame_coverage", region.width_share, "0.5-0.9", Guidance.MOVE_CLOSER))
    elif found and region.width_share > COVERAGE[1]:
        issues.append(QualityIssue("frame_coverage", region.width_share, "0.5-0.9", Guidance.MOVE_FURTHER))
    return QualityReport(sharpness=round(sharpness, 1), brightness=round(brightness, 1),
                         glare_ratio=round(glare, 4), document_found=found,
                         skew_degrees=round(region.skew_degrees, 2),
                         frame_coverage=round(region.width_share, 3), issues=tuple(issues))

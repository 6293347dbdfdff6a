"""Capture quality gate (requirements/pipeline §3, its quality table).

| measure | method | threshold (requirements/pipeline §3) | guidance |
| blur | variance of the Laplacian | > 100 | hold_steady |
| glare | blown-out pixels above the page / solid blown-out spots | < 5 % / < 2 % | reduce_glare |
| document | 4 corners from contours | found | move_document_into_frame |
| alignment | top-edge angle | < 15 degrees | align_document |
| lighting | page's lightest 5 % / darkest 1 % | p95 >= 100, p1 <= 100 | improve_lighting / reduce_lighting |
| distance | document width / frame width | 50-90 % | move_closer / move_further |
| print size | MRZ characters apart on the page as captured (added by the reader) | >= 4.75 px | move_closer |

The document and distance measures only apply to photos: a flat scan (no quadrilateral found, the
document fills the frame) is reported with ``document_found=False`` but no distance issue.
"""

from __future__ import annotations

import cv2

from domain.ports.document import Guidance, QualityIssue, QualityReport
from ml.document.exposure import (
    DARK_P95,
    MIN_SPOT,
    WASHED_P1,
    GreyLevels,
    glare_share,
    specular_share,
    too_dark,
    washed_out,
)
from ml.document.geometry import DocumentRegion
from ml.document.images import Image, to_gray

MIN_SHARPNESS = 100.0
MAX_GLARE = 0.05
MAX_SKEW = 15.0
COVERAGE = (0.5, 0.9)


def assess_quality(frame: Image, document: Image, region: DocumentRegion, *, photo: bool) -> QualityReport:
    """Measure the rectified ``document`` (and where it sits in ``frame``) against the thresholds of
    requirements/pipeline §3."""
    gray = to_gray(document)
    _, deviation = cv2.meanStdDev(cv2.Laplacian(gray, cv2.CV_64F))
    sharpness = float(deviation[0, 0]) ** 2  # the Laplacian's variance
    brightness = float(gray.mean())  # reported; exposure is judged by ml/document/exposure.py
    levels = GreyLevels.of(gray)
    glare, spots = glare_share(gray, levels), specular_share(gray, levels)
    issues: list[QualityIssue] = []
    if sharpness <= MIN_SHARPNESS:
        issues.append(QualityIssue("sharpness", sharpness, f"> {MIN_SHARPNESS:g}", Guidance.HOLD_STEADY))
    if glare >= MAX_GLARE:
        issues.append(QualityIssue("glare_ratio", glare, f"< {MAX_GLARE:g}", Guidance.REDUCE_GLARE))
    elif spots >= MIN_SPOT and sharpness > MIN_SHARPNESS:
        # (A blurred white page's blank paper is as solid as a highlight: blur is its issue, not glare.)
        issues.append(QualityIssue("glare_spot_ratio", spots, f"< {MIN_SPOT:g}", Guidance.REDUCE_GLARE))
    if too_dark(gray, levels):
        issues.append(QualityIssue("brightness", brightness, f"lightest 5% >= {DARK_P95:g}",
                                   Guidance.IMPROVE_LIGHTING))
    elif washed_out(gray, levels):
        issues.append(QualityIssue("brightness", brightness, f"darkest 1% <= {WASHED_P1:g}",
                                   Guidance.REDUCE_LIGHTING))
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
                         glare_ratio=round(max(glare, spots), 4), document_found=found,
                         skew_degrees=round(region.skew_degrees, 2),
                         frame_coverage=round(region.width_share, 3), issues=tuple(issues))

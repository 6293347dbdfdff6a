"""Measure face capture quality from a YuNet detection and the SFace-aligned crop.

Only measurements here; the rules that turn them into issues are pure domain code
(``domain.ports.face_quality.assess_face_quality``). Geometry-based values are estimates from 5 landmarks,
the occlusion flag is a weak colour/brightness heuristic: both are hints, documented as such.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from domain.ports.face_quality import FaceQualityMeasures
from ml.face.detection import DetectedFace
from ml.face.image import BgrImage

# Regions of SFace's 112x112 alignment template (OpenCV face_recognize.cpp puts the eyes at
# about (38, 52) and (73.5, 51.5), the nose tip at (56, 72), the mouth corners at y = 92).
_EYES = ((30, 46, 44, 58), (66, 46, 80, 58))  # x0, y0, x1, y1
_NOSE_BRIDGE = (50, 56, 62, 68)
_CHEEKS = ((24, 64, 36, 78), (76, 64, 88, 78))
_MOUTH = (44, 86, 68, 100)

# Occlusion hints. On the 75 unoccluded faces of ../shared/data/faces the eye/skin brightness ratio
# is >= 0.34 and the mouth/skin chroma ratio >= 0.57 (lipstick raises it, never lowers it); the
# thresholds sit below both. They are not validated on real masks or sunglasses: hint only.
_SUNGLASSES_EYE_TO_SKIN_RATIO = 0.25
_MASK_CHROMA_RATIO = 0.35
_NEUTRAL_AB = np.array([128.0, 128.0])


def _mean(image: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    x0, y0, x1, y1 = box
    return np.asarray(image[y0:y1, x0:x1].reshape(-1, image.shape[2] if image.ndim == 3 else 1).mean(axis=0))


def pose_from_landmarks(face: DetectedFace) -> tuple[float, float]:
    """(yaw, roll) in degrees, estimated from the eyes and nose tip.

    Roll is the tilt of the eye line. Yaw uses how far the nose tip sits from the eye midpoint
    along the eye line, relative to half the inter-eye distance (0 frontal, +-1 at the eye):
    ``asin`` of that ratio is a rough angle, good enough to flag "face the camera directly".
    Positive yaw means the nose is towards the image's left eye landmark side.
    """
    right_eye, left_eye, nose = (face.landmarks[i].astype(np.float64) for i in range(3))
    eye_vec = left_eye - right_eye
    inter_eye = float(np.linalg.norm(eye_vec))
    if inter_eye < 1e-6:
        return 0.0, 0.0
    roll = math.degrees(math.atan2(float(eye_vec[1]), float(eye_vec[0])))
    offset = float(np.dot(nose - (right_eye + left_eye) / 2.0, eye_vec / inter_eye)) / (inter_eye / 2.0)
    yaw = math.degrees(math.asin(max(-1.0, min(1.0, offset))))
    return yaw, roll


def occlusion_hint(aligned: BgrImage) -> bool:
    """True when the eyes look covered (much darker than skin) or the mouth region is grey-ish.

    Skin and lips have a clearly warm chroma in Lab; surgical and most cloth masks are close to
    neutral, so a mouth region with far less chroma than the cheeks suggests a mask.
    """
    gray = cv2.cvtColor(aligned, cv2.COLOR_BGR2GRAY)
    skin = float(np.mean([_mean(gray, c)[0] for c in _CHEEKS] + [_mean(gray, _NOSE_BRIDGE)[0]]))
    eyes = float(np.mean([_mean(gray, e)[0] for e in _EYES]))
    if skin > 1.0 and eyes / skin < _SUNGLASSES_EYE_TO_SKIN_RATIO:
        return True
    lab = cv2.cvtColor(aligned, cv2.COLOR_BGR2LAB).astype(np.float32)
    skin_ab = np.mean([_mean(lab, c)[1:] for c in _CHEEKS] + [_mean(lab, _NOSE_BRIDGE)[1:]], axis=0)
    mouth_ab = _mean(lab, _MOUTH)[1:]
    skin_chroma = float(np.linalg.norm(skin_ab - _NEUTRAL_AB))
    mouth_chroma = float(np.linalg.norm(mouth_ab - _NEUTRAL_AB))
    return skin_chroma > 1.0 and mouth_chroma / skin_chroma < _MASK_CHROMA_RATIO


def measure_quality(image: BgrImage, face: DetectedFace, aligned: BgrImage, face_count: int,
                    eye_openness: float | None = None) -> FaceQualityMeasures:
    """Quality numbers for the main face of ``image``."""
    height, width = image.shape[:2]
    x, y = max(0, int(face.row[0])), max(0, int(face.row[1]))
    x1, y1 = min(width, int(face.row[0] + face.width)), min(height, int(face.row[1] + face.height))
    region = cv2.cvtColor(image[y:y1, x:x1], cv2.COLOR_BGR2GRAY) if x1 > x and y1 > y else None
    brightness = float(region.mean()) if region is not None and region.size else 0.0
    aligned_gray = cv2.cvtColor(aligned, cv2.COLOR_BGR2GRAY)
    blur = float(cv2.Laplacian(aligned_gray, cv2.CV_64F).var())
    yaw, roll = pose_from_landmarks(face)
    return FaceQualityMeasures(
        face_count=face_count,
        face_width_px=face.width,
        face_width_ratio=face.width / float(width),
        detection_score=face.score,
        yaw_deg=yaw,
        roll_deg=roll,
        blur_variance=blur,
        brightness=brightness,
        eye_openness=eye_openness,
        occlusion_hint=occlusion_hint(aligned),
    )

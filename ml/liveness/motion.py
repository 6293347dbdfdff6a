"""How the face changes between consecutive frames (``domain.liveness_verdict.FrameStep``).

The face patch is the grey frame warped so that the 5 landmarks (iris centres, nose tip, mouth
corners) land on SFace's alignment template at 64x64, then normalised to zero mean and unit
contrast: moving the head or the camera, or the exposure drifting, changes it little, while a cut
to another photo (other light, hair, expression, background at the face's edge) changes it a lot.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np
from numpy.typing import NDArray

from domain.liveness_verdict import FrameStep
from ml.face.image import BgrImage
from ml.liveness.landmarker import FrameSignals

PATCH_SIDE = 64
# SFace's 112x112 alignment template (OpenCV FaceRecognizerSF.alignCrop), scaled to the patch.
_TEMPLATE = (np.array([[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366], [41.5493, 92.3655],
                       [70.7299, 92.2041]], dtype=np.float32) * (PATCH_SIDE / 112.0))

Patch = NDArray[np.float32]


def face_patch(frame: BgrImage, points: NDArray[np.float32]) -> Patch | None:
    """The landmark-aligned, contrast-normalised grey face patch; None if it cannot be aligned."""
    matrix, _ = cv2.estimateAffinePartial2D(points.astype(np.float32), _TEMPLATE)
    if matrix is None:
        return None
    grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    patch = cv2.warpAffine(grey, matrix, (PATCH_SIDE, PATCH_SIDE), flags=cv2.INTER_LINEAR).astype(np.float32)
    return (patch - float(patch.mean())) / (float(patch.std()) + 1e-6)


def _angle_change(a: float, b: float) -> float:
    change = abs(b - a) % 360.0
    return min(change, 360.0 - change)


def _geometry(signals: FrameSignals) -> tuple[NDArray[np.float32], float]:
    assert signals.points is not None
    eyes = float(np.linalg.norm(signals.points[1] - signals.points[0]))
    return signals.points[2], max(eyes, 1e-3)  # nose tip, inter-ocular distance


def frame_steps(frames: Sequence[BgrImage], signals: Sequence[FrameSignals],
                offsets_ms: Sequence[int]) -> tuple[FrameStep, ...]:
    """One step per pair of consecutive frames that both show an alignable face."""
    patches = [face_patch(f, s.points) if s.points is not None else None for f, s in zip(frames, signals, strict=True)]
    steps: list[FrameStep] = []
    for i in range(1, len(frames)):
        before, after = patches[i - 1], patches[i]
        if before is None or after is None:
            continue
        a, b = signals[i - 1], signals[i]
        (centre_a, eyes_a), (centre_b, eyes_b) = _geometry(a), _geometry(b)
        steps.append(FrameStep(
            dt_ms=offsets_ms[i] - offsets_ms[i - 1],
            appearance=float(np.mean(np.abs(after - before))),
            shift_iod=float(np.linalg.norm(centre_b - centre_a)) / eyes_a,
            scale_log=abs(math.log(eyes_b / eyes_a)),
            rotation_deg=max(_angle_change(a.yaw_deg, b.yaw_deg), _angle_change(a.pitch_deg, b.pitch_deg),
                             _angle_change(a.roll_deg, b.roll_deg))))
    return tuple(steps)

"""The landmarker reads its signals straight from MediaPipe's C result: the numbers must be exactly those
of the public ``FaceLandmarker.detect`` result (what it read before), on live frames and attack frames."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from ml.face import YuNetSFaceAnalyzer
from ml.face.image import BgrImage, decode_image
from ml.liveness.active import MediaPipeActiveLivenessChecker
from ml.liveness.landmarker import (
    ALIGNMENT_POINTS,
    FrameSignals,
    MediaPipeFaceLandmarker,
    pitch_roll_from_matrix,
    yaw_from_matrix,
)
from tools.eval.liveness_sets import clip_frames, people_with_several_photos, selfie_framed

pytestmark = pytest.mark.integration

DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data"


def through_public_result(landmarker: MediaPipeFaceLandmarker, image: BgrImage) -> FrameSignals:
    """The signals as read from ``FaceLandmarker.detect``'s Python result objects."""
    height, width = image.shape[:2]
    rgb = np.ascontiguousarray(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
    with landmarker.landmarkers.borrowed() as model:
        result = model.detect(landmarker._mp.Image(image_format=landmarker._mp.ImageFormat.SRGB, data=rgb))
    if not result.face_landmarks:
        return FrameSignals(face_count=0, blink=0.0, smile=0.0, yaw_deg=0.0, points=None)
    shapes = {c.category_name: float(c.score) for c in result.face_blendshapes[0]}
    marks = result.face_landmarks[0]
    points = np.array([[marks[i].x * width, marks[i].y * height] for i in ALIGNMENT_POINTS], dtype=np.float32)
    matrix = np.asarray(result.facial_transformation_matrixes[0], dtype=np.float64)
    pitch, roll = pitch_roll_from_matrix(matrix)
    return FrameSignals(face_count=len(result.face_landmarks),
                        blink=(shapes["eyeBlinkLeft"] + shapes["eyeBlinkRight"]) / 2.0,
                        smile=(shapes["mouthSmileLeft"] + shapes["mouthSmileRight"]) / 2.0,
                        yaw_deg=yaw_from_matrix(matrix), points=points, pitch_deg=pitch, roll_deg=roll)


def frames_to_compare(analyzer: YuNetSFaceAnalyzer) -> list[BgrImage]:
    """Live frames of both clips (one a second, blinks and turns among them), slideshow-framed photos
    of the attack sets, and an empty frame (no face)."""
    frames = [decode_image(f) for clip in ("cap12_edit", "cap13_edit2")
              for f in clip_frames(DATA / "liveness-video" / f"{clip}.mp4", every_ms=1000)]
    frames += [decode_image(f) for f in clip_frames(DATA / "liveness-video" / "cap13_edit2.mp4", 3_700, 4_100)]
    for photos in list(people_with_several_photos(DATA).values())[:3]:
        frames += [selfie_framed(analyzer, decode_image(p.read_bytes())) for p in photos[:2]]
    return [*frames, np.full((300, 400, 3), 128, dtype=np.uint8)]


def test_signals_read_from_the_c_result_equal_the_public_results(active_checker: MediaPipeActiveLivenessChecker,
                                                                   face_analyzer: YuNetSFaceAnalyzer) -> None:
    landmarker = active_checker.landmarker
    frames = frames_to_compare(face_analyzer)
    with_face = 0
    for image in frames:
        fast, public = landmarker.measure(image), through_public_result(landmarker, image)
        assert (fast.face_count, fast.blink, fast.smile, fast.yaw_deg, fast.pitch_deg, fast.roll_deg) == (
            public.face_count, public.blink, public.smile, public.yaw_deg, public.pitch_deg, public.roll_deg)
        assert (fast.points is None) == (public.points is None)
        if fast.points is not None and public.points is not None:
            with_face += 1
            assert np.array_equal(fast.points, public.points)
    assert with_face >= len(frames) - 1
    assert landmarker.measure(frames[-1]).face_count == 0

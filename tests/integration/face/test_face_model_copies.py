"""The face and landmark models come in copies (``ml.face.pool``): while one call holds a copy, another
call runs on another copy instead of waiting, and answers exactly as a lone call does."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from ml.face.detection import SFaceEmbedder, YuNetFaceDetector
from ml.liveness.landmarker import MediaPipeFaceLandmarker

pytestmark = pytest.mark.integration

FACES = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "faces" / "face_recognition"


def photo(name: str) -> Any:
    image = cv2.imread(str(FACES / name))
    assert image is not None
    return image


def while_one_copy_is_held(copies: Any, call: Callable[[], Any]) -> Any:
    """``call`` run on another thread while this one holds a copy; its answer (it must not wait)."""
    answers: list[Any] = []
    with copies.borrowed():
        worker = threading.Thread(target=lambda: answers.append(call()))
        worker.start()
        worker.join(timeout=60)
        assert answers, "the call waited for the held copy"
    return answers[0]


def test_detection_and_embedding_run_beside_a_held_copy_with_the_same_answers() -> None:
    detector, embedder = YuNetFaceDetector(copies=2), SFaceEmbedder(copies=2)
    image = photo("obama.jpg")
    alone = detector.detect(image)
    beside = while_one_copy_is_held(detector.nets, lambda: detector.detect(image))
    assert [f.row.tolist() for f in beside] == [f.row.tolist() for f in alone] and alone
    aligned = embedder.align(image, alone[0])
    assert np.array_equal(while_one_copy_is_held(embedder.nets, lambda: embedder.align(image, alone[0])), aligned)
    assert np.array_equal(while_one_copy_is_held(embedder.nets, lambda: embedder.embed(aligned)),
                          embedder.embed(aligned))


def test_landmarks_run_beside_a_held_copy_with_the_same_answers() -> None:
    landmarker = MediaPipeFaceLandmarker(copies=2)
    try:
        image = photo("obama.jpg")
        alone = landmarker.measure(image)
        beside = while_one_copy_is_held(landmarker.landmarkers, lambda: landmarker.measure(image))
        assert alone.points is not None and beside.points is not None
        assert (beside.blink, beside.smile, beside.yaw_deg) == (alone.blink, alone.smile, alone.yaw_deg)
        assert np.array_equal(beside.points, alone.points)
    finally:
        landmarker.close()

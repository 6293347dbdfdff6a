"""rapidocr 3.x text reading for a 2-core CPU: detection and recognition as separate steps, loaded once.

The document reader needs the text *lines* of the whole page (to find the MRZ band and the printed lines)
but recognises only a few of them (the latency target of docs/targets.md §2), so detection and recognition are exposed
separately instead of rapidocr's all-in-one call, which recognises every line.

Settings (docs/architecture.md §7, measured against docs/targets.md §2 with ``tools.bench.document``): the detector
input is limited by its longest side (``Det.limit_type=max``) to 640 px, enough for the MRZ and the printed lines
of a page (MRZ glyphs are still ~15 px tall there) at about half the cost of 960 px; crops for
recognition are cut from the full-resolution page. Two onnxruntime intra-op threads that do not spin
(see :func:`_onnx_session`), one inter-op; the angle classifier off (pages are rectified upright
first). Model paths are explicit so rapidocr never looks for (or downloads) others. Both models run
once at load so the first read is not a cold start.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np
from numpy.typing import NDArray

from domain.checks import ModelProvenance
from ml.document import models
from ml.document.errors import ModelMissingError
from ml.document.images import Image, as_image

DET_LIMIT_SIDE = 640
MIN_TEXT_SCORE = 0.5  # rapidocr's own default (Global.text_score): lower-scored lines are noise
OCR_THREADS = max(1, min(2, os.cpu_count() or 1))
OCR_ENGINES = int(os.environ.get("KYC_OCR_ENGINES") or max(1, min(4, os.cpu_count() or 1)))


@dataclass(frozen=True, eq=False)  # compared by identity: the quad is an array
class TextBox:
    """One detected text line: its quadrilateral (tl, tr, br, bl) and bounding box (x, y, width, height)."""

    quad: NDArray[np.float32]
    box: tuple[int, int, int, int]

    @property
    def length(self) -> float:
        """Along the line (top edge), whatever its slant: the bounding box grows taller when tilted."""
        return float(np.linalg.norm(self.quad[1] - self.quad[0]))

    @property
    def thickness(self) -> float:
        """Across the line (left edge)."""
        return float(np.linalg.norm(self.quad[3] - self.quad[0]))

    @property
    def reading_key(self) -> tuple[int, int]:
        """Top to bottom (by the line's centre), then left to right."""
        return self.box[1] + self.box[3] // 2, self.box[0]


@dataclass(frozen=True)
class OcrLine:
    """One recognised text line: text, recognition score, and its box (x, y, width, height)."""

    text: str
    score: float
    box: tuple[int, int, int, int]


class TextLineOcr(Protocol):
    """Text lines of an image in two steps: find them all, then read the ones that matter."""

    def detect(self, image: Image) -> list[TextBox]:
        """Every text line's box, top to bottom then left to right."""
        ...

    def recognise(self, image: Image, boxes: Sequence[TextBox], *,
                  max_aspect: float | None = None) -> list[OcrLine]:
        """The text of each box, in the order given; empty and low-score readings are left out.
        ``max_aspect`` squeezes long lines to at most that width / height before recognition."""
        ...

    def side_by_side(self) -> int:
        """How many lines one ``recognise`` call can read at the same time now (at least 1)."""
        ...


def _text_box(quad: NDArray[np.float32]) -> TextBox:
    xs, ys = quad[:, 0], quad[:, 1]
    x, y = int(xs.min()), int(ys.min())
    return TextBox(quad, (x, y, int(xs.max()) - x, int(ys.max()) - y))


def _crop(image: Image, quad: NDArray[np.float32], max_aspect: float | None) -> Image:
    """The line warped to an upright rectangle (rotated when it is taller than wide: vertical text),
    squeezed horizontally to ``max_aspect`` (width / height) at most: recognition time grows with width."""
    width = max(1, int(max(np.linalg.norm(quad[0] - quad[1]), np.linalg.norm(quad[2] - quad[3]))))
    height = max(1, int(max(np.linalg.norm(quad[0] - quad[3]), np.linalg.norm(quad[1] - quad[2]))))
    out_width = min(width, round(max_aspect * height)) if max_aspect else width
    target = np.array([[0, 0], [out_width, 0], [out_width, height], [0, height]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(quad, target)
    crop = as_image(cv2.warpPerspective(image, matrix, (out_width, height), borderMode=cv2.BORDER_REPLICATE,
                                        flags=cv2.INTER_CUBIC))
    return np.ascontiguousarray(np.rot90(crop)) if height >= 1.5 * width else crop


def _onnx_session(path: Path, threads: int) -> Any:
    """An onnxruntime CPU session whose idle threads sleep instead of spinning.

    onnxruntime's intra-op threads spin-wait between operators by default. On a 2-core machine shared
    with other work that burns the core the other process needs: measured under load (``tools.bench.document``)
    2 spinning threads used 864 ms CPU per read against 526 ms for 1 thread, and were slower in wall time
    too; 2 non-spinning threads used 552-589 ms CPU and were the fastest, and still use both cores when
    they are free.
    """
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.enable_cpu_mem_arena = False  # rapidocr's setting: input sizes vary per page and per line
    options.log_severity_level = 3
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])


def _warm_up_page() -> Image:
    page = np.full((420, 640, 3), 255, dtype=np.uint8)
    cv2.putText(page, "P<UTOWARM<<UP<<<<<<<<<<", (20, 200), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (0, 0, 0), 3)
    return page


class RapidOcrEngine:
    """Loaded rapidocr models; use :func:`shared_engine` to get the process-wide instance."""

    def __init__(self, *, threads: int = OCR_THREADS) -> None:
        try:
            from rapidocr import RapidOCR
            from rapidocr.ch_ppocr_rec import TextRecInput
        except ImportError as exc:  # pragma: no cover - depends on the installation
            raise ModelMissingError("rapidocr is not installed; run: pip install 'rapidocr>=3,<4'") from exc
        det, rec, cls = models.ocr_detector(), models.ocr_recognizer(), models.ocr_classifier()
        self.provenance: tuple[ModelProvenance, ...] = (det.provenance, rec.provenance)
        params: dict[str, Any] = {
            "Global.log_level": "warning", "Global.use_cls": False, "Global.text_score": MIN_TEXT_SCORE,
            "Det.model_path": str(det.path), "Rec.model_path": str(rec.path), "Cls.model_path": str(cls.path),
            "Det.limit_type": "max", "Det.limit_side_len": DET_LIMIT_SIDE,
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
        engine = RapidOCR(params=params)
        # rapidocr loads its models on first use: run both once, then keep the loaded detector and
        # recogniser (with their pre/post-processing) to call them separately.
        page, line = _warm_up_page(), (slice(170, 215), slice(10, 560))
        engine(page, use_det=True, use_cls=False, use_rec=False)
        engine(page[line], use_det=False, use_cls=False, use_rec=True)
        if engine.text_det is None or engine.text_rec is None:  # pragma: no cover - rapidocr API change
            raise ModelMissingError("rapidocr did not load its detector/recogniser; check rapidocr>=3,<4")
        self._detector: Any = engine.text_det
        self._recogniser: Any = engine.text_rec
        self._rec_input: Any = TextRecInput
        # rapidocr cannot pass onnxruntime's spinning option: give both its session wrappers our own.
        self._detector.session.session = _onnx_session(det.path, threads)
        self._recogniser.session.session = _onnx_session(rec.path, threads)
        self._lock: threading.Lock = threading.Lock()  # onnxruntime sessions are shared; one image at a time per engine
        self.detect(page)  # onnxruntime's first run of a session is slow: not on a user's read
        self._recogniser(self._rec_input(img=[page[line]]))

    def detect(self, image: Image) -> list[TextBox]:
        """Every text line's box, top to bottom then left to right."""
        with self._lock:
            out = self._detector(image)
        if out.boxes is None:
            return []
        return sorted((_text_box(np.asarray(q, dtype=np.float32)) for q in out.boxes),
                      key=lambda b: b.reading_key)

    def recognise(self, image: Image, boxes: Sequence[TextBox], *,
                  max_aspect: float | None = None) -> list[OcrLine]:
        """The text of each box, in the order given; empty and low-score readings are left out.
        ``max_aspect`` squeezes long lines to at most that width / height before recognition."""
        return [line for line in self.recognise_each(image, boxes, max_aspect=max_aspect) if line is not None]

    def recognise_each(self, image: Image, boxes: Sequence[TextBox], *,
                       max_aspect: float | None = None) -> list[OcrLine | None]:
        """Each box's reading (``None`` when empty or scored below ``MIN_TEXT_SCORE``), one box at a time.

        A line is recognised by itself, not in a batch: rapidocr pads every line of a batch to the
        widest one's width, so a batch costs more (on the specimen pages 22 % more CPU for the same
        texts) and a line's reading would depend on the lines read with it."""
        crops = [_crop(image, b.quad, max_aspect) for b in boxes]
        readings: list[OcrLine | None] = []
        with self._lock:
            outs = [self._recogniser(self._rec_input(img=[crop])) for crop in crops]
        for b, out in zip(boxes, outs, strict=True):
            text, score = str((out.txts or ("",))[0]), float(out.scores[0]) if out.scores else 0.0
            readings.append(OcrLine(text, score, b.box) if text.strip() and score >= MIN_TEXT_SCORE else None)
        return readings

    def side_by_side(self) -> int:
        """One engine reads one line at a time."""
        return 1

    def read_lines(self, image: Image) -> list[OcrLine]:
        """All text lines, top to bottom then left to right."""
        return self.recognise(image, self.detect(image))

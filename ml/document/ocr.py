"""rapidocr 3.x text reading, configured for a 2-core CPU and loaded once per process.

Settings (ARCHITECTURE.md §7): detector input limited by its longest side (``Det.limit_type=max``,
960 px), one or two onnxruntime intra-op threads, the angle classifier off (images are rectified
upright first). Model paths are given explicitly so rapidocr never looks for (or downloads) others.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from functools import cache
from typing import Any

from domain.checks import ModelProvenance
from ml.document import models
from ml.document.errors import ModelMissingError
from ml.document.images import Image

DET_LIMIT_SIDE = 960
_THREADS = max(1, min(2, os.cpu_count() or 1))


@dataclass(frozen=True)
class OcrLine:
    """One recognised text line: text, recognition score, and its box (x, y, width, height)."""

    text: str
    score: float
    box: tuple[int, int, int, int]


class RapidOcrEngine:
    """A loaded rapidocr pipeline; use :func:`shared_engine` to get the process-wide instance."""

    def __init__(self) -> None:
        try:
            from rapidocr import RapidOCR
        except ImportError as exc:  # pragma: no cover - depends on the installation
            raise ModelMissingError("rapidocr is not installed; run: pip install 'rapidocr>=3,<4'") from exc
        det, rec, cls = models.ocr_detector(), models.ocr_recognizer(), models.ocr_classifier()
        self.provenance: tuple[ModelProvenance, ...] = (det.provenance, rec.provenance)
        params: dict[str, Any] = {
            "Global.log_level": "warning", "Global.use_cls": False,
            "Det.model_path": str(det.path), "Rec.model_path": str(rec.path), "Cls.model_path": str(cls.path),
            "Det.limit_type": "max", "Det.limit_side_len": DET_LIMIT_SIDE,
            "EngineConfig.onnxruntime.intra_op_num_threads": _THREADS,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
        self._engine = RapidOCR(params=params)
        self._lock = threading.Lock()  # onnxruntime sessions are shared; one image at a time per engine

    def read_lines(self, image: Image) -> list[OcrLine]:
        """All text lines, top to bottom then left to right."""
        with self._lock:
            out = self._engine(image, use_det=True, use_cls=False, use_rec=True)
        if out.boxes is None or out.txts is None:
            return []
        lines = []
        for box, text, score in zip(out.boxes, out.txts, out.scores, strict=True):
            xs, ys = [float(p[0]) for p in box], [float(p[1]) for p in box]
            x, y = int(min(xs)), int(min(ys))
            lines.append(OcrLine(str(text), float(score), (x, y, int(max(xs)) - x, int(max(ys)) - y)))
        return sorted(lines, key=lambda ln: (ln.box[1] + ln.box[3] // 2, ln.box[0]))


@cache
def shared_engine() -> RapidOcrEngine:
    """The process-wide OCR engine (models load once)."""
    return RapidOcrEngine()

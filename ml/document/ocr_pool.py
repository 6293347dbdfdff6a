"""The process's OCR engines: one read per engine at a time, and a read's lines spread over idle engines.

One engine's sessions are shared state (its lock lets one image through at a time): with one engine,
concurrent verifications queued behind it (docs/targets.md §2). onnxruntime would run one session from
several threads, but rapidocr's pre- and post-processing wrappers keep state per call, so each
concurrent read gets an engine of its own instead. Measured with ``tools.bench.document_concurrency`` on
2 cores: engines with one intra-op thread each read more documents a second under concurrent load than
one engine with two threads.

One thread per engine leaves the other cores idle while a lone verification reads its page, so the
lines a read recognises are shared with the engines that are idle at that moment (never waited for:
under load every engine is busy with a read of its own and a read keeps its lines). Each line is
recognised by itself (:meth:`RapidOcrEngine.recognise_each`), so the texts do not depend on which
engine read which line.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from functools import cache

from ml.document.images import Image
from ml.document.ocr import OCR_ENGINES, OCR_THREADS, OcrLine, RapidOcrEngine, TextBox
from ml.face.pool import ModelCopies


def _width(box: TextBox, max_aspect: float | None) -> float:
    """What recognising the box costs, in line heights: the recogniser's input grows with the width."""
    aspect = box.length / max(1.0, box.thickness)
    return min(aspect, max_aspect) if max_aspect else aspect


def shares(boxes: Sequence[TextBox], parts: int, max_aspect: float | None = None) -> list[list[TextBox]]:
    """``boxes`` split into at most ``parts`` shares of about equal cost, widest first to the lightest
    share; no share is empty."""
    loads: list[tuple[float, list[TextBox]]] = [(0.0, []) for _ in range(min(parts, len(boxes)))]
    for box in sorted(boxes, key=lambda b: -_width(b, max_aspect)):
        lightest = min(range(len(loads)), key=lambda i: loads[i][0])
        cost, share = loads[lightest]
        loads[lightest] = (cost + _width(box, max_aspect), [*share, box])
    return [share for _, share in loads]


class RapidOcrEnginePool:
    """Several engines, each serving one call at a time, so reads run side by side."""

    def __init__(self, engines: int = OCR_ENGINES, threads: int | None = None) -> None:
        per_engine = threads if threads is not None else (1 if engines > 1 else OCR_THREADS)
        self.engines = ModelCopies(lambda: RapidOcrEngine(threads=per_engine), engines)
        # A worker per engine but the reader's own: every idle engine lent to a read has a thread.
        self._lent = ThreadPoolExecutor(max_workers=max(1, self.engines.size - 1), thread_name_prefix="ocr")
        self.provenance = self.engines.copies[0].provenance

    @property
    def size(self) -> int:
        return self.engines.size

    def detect(self, image: Image) -> list[TextBox]:
        with self.engines.borrowed() as engine:
            return engine.detect(image)

    def recognise(self, image: Image, boxes: Sequence[TextBox], *,
                  max_aspect: float | None = None) -> list[OcrLine]:
        """The text of each box, in the order given; empty and low-score readings are left out."""
        if not boxes:
            return []
        with self.engines.borrowed() as engine:
            lent = self.engines.idle_now(len(boxes) - 1)
            futures: list[Future[list[OcrLine | None]]] = []
            try:
                own, *others = shares(boxes, 1 + len(lent), max_aspect)
                futures += [self._lent.submit(helper.recognise_each, image, share, max_aspect=max_aspect)
                            for helper, share in zip(lent, others, strict=True)]
                readings = dict(zip(own, engine.recognise_each(image, own, max_aspect=max_aspect), strict=True))
                for share, future in zip(others, futures, strict=True):
                    readings.update(zip(share, future.result(), strict=True))
            finally:
                wait(futures)
                for helper in lent:
                    self.engines.give_back(helper)
        return [line for b in boxes if (line := readings[b]) is not None]

    def side_by_side(self) -> int:
        """The engines idle now: a read holds one and is lent the others."""
        return max(1, self.engines.idle)

    def read_lines(self, image: Image) -> list[OcrLine]:
        return self.recognise(image, self.detect(image))


@cache
def shared_engine() -> RapidOcrEnginePool:
    """The process-wide OCR engines (models load once per engine; ``KYC_OCR_ENGINES``, default one
    per core up to 4)."""
    return RapidOcrEnginePool()

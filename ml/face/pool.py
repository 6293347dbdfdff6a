"""A fixed set of copies of one model, each serving one call at a time.

OpenCV's ``FaceDetectorYN`` (``setInputSize`` then ``detect``), ``FaceRecognizerSF`` and MediaPipe's
``FaceLandmarker`` keep per-call state, so one instance admits one call at a time. With a single
instance behind a lock, concurrent verifications took turns on every selfie and liveness frame;
with a copy per core (``KYC_FACE_MODEL_COPIES``, default one per core up to 4, as the OCR engines:
docs/targets.md §5) their face work runs side by side. A call borrows an idle copy and gives it back;
the copy given back last is lent first, so calls one after the other keep to the copy the warm-up
ran (``ops/warmup.py``) and the others come in only under concurrency.
"""

from __future__ import annotations

import os
import queue
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

T = TypeVar("T")

FACE_MODEL_COPIES = int(os.environ.get("KYC_FACE_MODEL_COPIES") or max(1, min(4, os.cpu_count() or 1)))


class ModelCopies(Generic[T]):
    """``size`` copies made by ``make`` up front; ``borrowed()`` hands the idle one given back last
    (waiting if none is idle)."""

    def __init__(self, make: Callable[[], T], size: int = FACE_MODEL_COPIES) -> None:
        self.copies = [make() for _ in range(max(1, size))]
        self._idle: queue.LifoQueue[T] = queue.LifoQueue()
        for copy in self.copies:
            self._idle.put(copy)

    @property
    def size(self) -> int:
        return len(self.copies)

    @property
    def idle(self) -> int:
        """How many copies nobody holds right now."""
        return self._idle.qsize()

    @contextmanager
    def borrowed(self) -> Iterator[T]:
        copy = self._idle.get()
        try:
            yield copy
        finally:
            self._idle.put(copy)

    def idle_now(self, most: int) -> list[T]:
        """Up to ``most`` copies that nobody holds, without waiting for one; each goes back with
        ``give_back``."""
        idle: list[T] = []
        while len(idle) < most:
            try:
                idle.append(self._idle.get_nowait())
            except queue.Empty:
                break
        return idle

    def give_back(self, copy: T) -> None:
        self._idle.put(copy)

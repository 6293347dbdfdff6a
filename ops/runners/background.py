"""A stoppable background loop for the embedded stack's followers (decision worker, etc.)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger("kycledger.background")


class BackgroundLoop:
    """Calls ``step()`` until stopped, sleeping ``idle_seconds`` whenever it did no work.

    ``step`` returns how much work it did. An exception is logged (without event contents) and the
    loop carries on after a pause: followers re-read from their saved position, so nothing is lost.
    """

    def __init__(self, name: str, step: Callable[[], int], idle_seconds: float = 0.5) -> None:
        self.name = name
        self._step = step
        self._idle = idle_seconds
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.failures = 0

    def start(self) -> BackgroundLoop:
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                worked = self._step()
            except Exception as error:  # keep following; the position was not advanced
                self.failures += 1
                log.error("%s step failed: %s", self.name, type(error).__name__)
                worked = 0
            if not worked:
                self._stopping.wait(self._idle)

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

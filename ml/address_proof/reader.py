"""``AddressProofReader`` adapter: every text line of an address document, read by rapidocr.

It reuses the process-wide engine of ``ml.document.ocr_pool`` (``shared_engine``): the same PP-OCRv6 models
from the rapidocr wheel, loaded once, with the same thread and detector settings, so a second family of
OCR sessions never competes for the 2 cores. A bill or statement is read whole (detection, then every
line recognised): there is no band to pick first as on an ID page. The engine serialises its own calls,
so no extra lock is needed here. Nothing is decided: ``domain.address_proof.rules`` judges the lines.
"""

from __future__ import annotations

import time

from domain.ports.address_proof import AddressDocumentReading, PrintedLine
from ml.document.images import decode_image
from ml.document.ocr import RapidOcrEngine
from ml.document.ocr_pool import shared_engine


class RapidOcrAddressProofReader:
    """Reads utility bills, bank statements and tax letters (JPEG, PNG or WebP bytes)."""

    def __init__(self, ocr: RapidOcrEngine | None = None) -> None:
        self._ocr = ocr or shared_engine()

    def read(self, image: bytes) -> AddressDocumentReading:
        """Every readable line with its box, top to bottom; ``ImageUnreadableError`` for non-images."""
        started = time.perf_counter()
        page = decode_image(image)
        decoded = time.perf_counter()
        lines = self._ocr.read_lines(page)
        done = time.perf_counter()
        return AddressDocumentReading(
            lines=tuple(PrintedLine(line.text, line.box) for line in lines), models=self._ocr.provenance,
            timings_ms={"decode_ms": round((decoded - started) * 1000, 1),
                        "ocr_ms": round((done - decoded) * 1000, 1)})

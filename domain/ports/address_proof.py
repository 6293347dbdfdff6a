"""Address-proof port: read the printed text of an address document (requirements/pipeline §1
``require_address_proof``).

The adapter only reads: it turns an image of a utility bill, bank statement or tax letter into text
lines with their positions. Whether the document proves the holder's address is decided by the pure
rules in ``domain.address_proof.rules`` (docs/architecture.md §2: an adapter never decides). The
lines are personal data: they live in memory for one check and are never put in a ``CheckResult``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from domain.checks import ModelProvenance


@dataclass(frozen=True)
class PrintedLine:
    """One line of printed text and its box on the page: (x, y, width, height) in pixels."""

    text: str
    box: tuple[int, int, int, int]

    @property
    def left(self) -> int:
        return self.box[0]

    @property
    def top(self) -> int:
        return self.box[1]

    @property
    def height(self) -> int:
        return max(1, self.box[3])

    def __repr__(self) -> str:  # the text is personal: never in logs or tracebacks
        return f"PrintedLine(box={self.box}, chars={len(self.text)})"


@dataclass(frozen=True)
class AddressDocumentReading:
    """The text lines read from an address document, top to bottom, and the models that read them.

    ``timings_ms`` splits the read (e.g. ``decode_ms``, ``ocr_ms``) for benchmarks, never for a verdict.
    """

    lines: tuple[PrintedLine, ...]
    models: tuple[ModelProvenance, ...]
    timings_ms: Mapping[str, float] = field(default_factory=dict)


class AddressProofReader(Protocol):
    """Reads the printed text of an address document image (JPEG, PNG or WebP bytes)."""

    def read(self, image: bytes) -> AddressDocumentReading:
        """Every readable text line of the page with its box; no lines for a blank or unreadable image.

        Raises a ``DomainError`` with a stable code when the bytes are not a decodable image.
        """
        ...

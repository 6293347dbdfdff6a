"""Find the MRZ lines in free OCR text (a whole page, or lines read from an image).

OCR splits and pads lines with spaces, reads '<' runs loosely and adds noise lines around the
zone. We keep lines made almost only of MRZ characters, take the last group that fits a layout
(3 x 30, or 2 x 36 / 2 x 44) and bring each line to the exact layout width.
"""

from __future__ import annotations

from collections.abc import Iterable

from domain.documents.errors import MrzFormatError
from domain.documents.mrz_chars import MRZ_ALPHABET

_MIN_LINE = 25  # shorter runs are labels or noise, never an MRZ line (30 is the shortest layout)
_MAX_EXTRA = 12  # trailing junk tolerated on a line before it stops looking like an MRZ line


def _clean(line: str) -> str:
    return "".join(line.split()).upper().replace("«", "<")


def _is_mrz_like(line: str) -> bool:
    """Almost only MRZ characters, and a filler '<' unless every character is in the alphabet (a TD1
    second line can be full): printed labels ('DATEOFBIRTH/DATEDENAISSANCE') are not MRZ lines."""
    if len(line) < _MIN_LINE:
        return False
    inside = sum(1 for c in line if c in MRZ_ALPHABET)
    return inside == len(line) or ("<" in line and inside / len(line) >= 0.9)


def _fit(line: str, width: int) -> str:
    return line[:width] if len(line) >= width else line + "<" * (width - len(line))


def _width_for(lines: list[str]) -> int | None:
    shortest = min(len(line) for line in lines)
    if len(lines) == 3:
        return 30 if 28 <= shortest <= 30 + _MAX_EXTRA else None
    if 34 <= shortest <= 36 + 2:
        return 36
    if 42 <= shortest <= 44 + _MAX_EXTRA:
        return 44
    return None


def find_mrz_lines(text_lines: Iterable[str]) -> list[str]:
    """The MRZ lines found in ``text_lines`` at their layout width; raises if none fit a layout."""
    candidates = [c for c in (_clean(line) for line in text_lines) if _is_mrz_like(c)]
    # The MRZ is the bottom of the page: the lowest group that fits a layout wins.
    for end in range(len(candidates), 1, -1):
        for size in (3, 2):
            if end < size:
                continue
            group = candidates[end - size:end]
            width = _width_for(group)
            if width is None or (size == 3 and any(len(g) > 30 + 2 for g in group)):
                continue
            return [_fit(g, width) for g in group]
    raise MrzFormatError("no machine readable zone found in the text", candidate_lines=len(candidates))

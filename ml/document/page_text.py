"""The text a document read needs, recognising as few lines as possible (docs/targets.md §2: p95 <= 700 ms).

Recognition is the cost (~10-120 ms per line on one core, a data page has ~30 lines), so:

1. detect every line once (cheap at 640 px, see :mod:`ml.document.ocr`);
2. recognise only the MRZ band (:func:`ml.document.mrz_band.mrz_band`), squeezed, and parse it (again
   unsqueezed when its check digits fail);
3. recognise other lines only until the visual zone shows what the domain's MRZ-vs-printed check needs
   (the MRZ's document number and surname: ``domain/documents/validation.py``, requirements/platform §3.3 "coherence").
   Lines are tried most-likely first: a line about as long as the surname or number printed alone.
   Each look reads as many lines as the OCR can read side by side at that moment (one line when
   every other engine is busy with another read: then a line is never read beyond the need).
   A value counts as shown when the domain's own check passes for it on one line by itself; then it also
   passes on the lines kept (in reading order), and on all the lines of the page, so the verdict is the
   one a full read gives. When a value is not on any one line, every line is read and the domain decides
   on all of them, exactly as a full read.

Without an MRZ in the band (no band, a split line, a licence front, an unknown document) every line is
recognised, as before, and the MRZ is looked for among all of them.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from domain.documents.errors import MrzFormatError
from domain.documents.mrz import MrzRecord, parse_mrz
from domain.documents.mrz_text import find_mrz_lines
from domain.documents.validation import CheckStatus, validate_document
from ml.document.images import Image
from ml.document.mrz_band import MRZ_MAX_ASPECT, mrz_band
from ml.document.ocr import OcrLine, TextBox, TextLineOcr

CHAR_ASPECT = 0.5  # detected box width / height per printed character (0.46-0.55 on the ICAO specimens)
_AGREEMENT = "mrz_vs_printed"
_NEEDED = frozenset({"document_number", "surname"})  # what the domain's agreement check looks for


@dataclass(frozen=True)
class PageText:
    """What was read from the page: the MRZ (if any) and the printed lines outside it, top to bottom."""

    mrz: MrzRecord | None
    printed: tuple[str, ...]
    lines_detected: int
    lines_recognised: int
    mrz_from_band: bool  # the fast path found the MRZ; False = every line was read
    timings_ms: dict[str, float]  # ocr_detect_ms, ocr_band_ms, then ocr_printed_ms or ocr_all_lines_ms
    boxes: tuple[TextBox, ...] = ()  # every detected line (their geometry tells which way up the page is)


def read_mrz(lines: list[OcrLine]) -> MrzRecord | None:
    """The MRZ among OCR lines, parsed with OCR repair; ``None`` when there is none."""
    try:
        return parse_mrz(find_mrz_lines(line.text for line in lines))
    except MrzFormatError:
        return None


def _printed(lines: list[OcrLine], mrz: MrzRecord | None) -> tuple[str, ...]:
    mrz_text = set(mrz.lines) if mrz else set()
    return tuple(ln.text for ln in lines if "".join(ln.text.split()).upper() not in mrz_text)


def _shown_on(line: str, mrz: MrzRecord, today: date) -> frozenset[str]:
    """Which MRZ values the domain's agreement check finds on this printed line alone."""
    check = next(c for c in validate_document(mrz, None, (line,), today=today, min_age=0).checks
                 if c.name == _AGREEMENT)
    if check.status is CheckStatus.PASS:
        return _NEEDED
    if check.status is CheckStatus.FAIL and check.reason.startswith("not_found:"):
        return _NEEDED - frozenset(check.reason.removeprefix("not_found:").split(","))
    return frozenset()


def _likelihood_order(boxes: list[TextBox], mrz: MrzRecord) -> list[TextBox]:
    """Lines whose shape fits the surname or document number printed alone come first."""
    wanted = [CHAR_ASPECT * len(v.replace(" ", "")) for v in (mrz.surname, mrz.document_number) if v]

    def misfit(box: TextBox) -> float:
        aspect = box.length / max(1.0, box.thickness)
        return min((abs(math.log(aspect / w)) for w in wanted), default=0.0)

    return sorted(boxes, key=misfit)


def _printed_until_shown(ocr: TextLineOcr, page: Image, rest: list[TextBox], mrz: MrzRecord,
                         today: date) -> tuple[list[OcrLine], int]:
    lines: list[OcrLine] = []
    shown: frozenset[str] = frozenset()
    ordered = _likelihood_order(rest, mrz)
    start = 0
    while start < len(ordered):
        look = ordered[start:start + ocr.side_by_side()]
        start += len(look)
        batch = ocr.recognise(page, look)
        lines += batch
        for line in batch:
            shown |= _shown_on(line.text, mrz, today)
        if shown == _NEEDED:
            return lines, start
    return lines, len(ordered)


def read_page_text(ocr: TextLineOcr, page: Image, today: Callable[[], date],
                   boxes: list[TextBox] | None = None, *, full_read: bool = True) -> PageText:
    """Detect (unless ``boxes`` were detected on this page already), read the MRZ band, then printed
    lines until the MRZ-vs-printed agreement is visible. Without an MRZ in the band, every line is read,
    unless ``full_read`` is False (the caller first tries the page another way up)."""
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round((now - clock) * 1000, 1)
        clock = now

    boxes = ocr.detect(page) if boxes is None else boxes
    lap("ocr_detect_ms")
    band = mrz_band(boxes)
    mrz = read_mrz(ocr.recognise(page, band, max_aspect=MRZ_MAX_ASPECT)) if band else None
    if mrz is not None and not mrz.check_digits_valid:
        # The squeeze costs nothing on a clean line; on a poor one it may cost a character, so a read
        # whose check digits fail gets a second, unsqueezed look before it is accepted as it is.
        second = read_mrz(ocr.recognise(page, band))
        mrz = second if second is not None and second.check_digits_valid else mrz
    lap("ocr_band_ms")
    if mrz is None and not full_read:
        return PageText(None, (), len(boxes), len(band), False, timings, tuple(boxes))
    if mrz is None:
        lines = ocr.recognise(page, boxes)
        mrz = read_mrz(lines)
        lap("ocr_all_lines_ms")
        return PageText(mrz, _printed(lines, mrz), len(boxes), len(boxes) + len(band), False, timings,
                        tuple(boxes))
    rest = [b for b in boxes if b not in band]
    lines, read = _printed_until_shown(ocr, page, rest, mrz, today())
    lines.sort(key=lambda ln: (ln.box[1] + ln.box[3] // 2, ln.box[0]))  # reading order, as a full read
    lap("ocr_printed_ms")
    return PageText(mrz, _printed(lines, mrz), len(boxes), len(band) + min(read, len(rest)), True, timings,
                    tuple(boxes))

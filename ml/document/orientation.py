"""Finding which way up a document page was photographed, before its MRZ is parsed.

A passport photographed 90 or 180 degrees turned, with no EXIF orientation tag, gives the recogniser
sideways or upside-down lines: it reads nothing, or garbage that fails the MRZ check digits and looks
like a forgery. The detector still finds the lines, and their geometry tells sideways from upright: text
lines are much longer than tall, so on a page turned by 90 degrees most detected lines stand upright.
When no MRZ with valid check digits was read, the page is turned by the quarter turns that geometry
allows (both sideways turns, or a half turn for a page whose lines lie flat) and only the MRZ band of
each is read; the first turn whose MRZ passes its check digits is the upright page. A read is never
switched to a turn whose MRZ fails its check digits, so a genuine check-digit failure on an upright
page stays what it is (docs/requirements/pipeline.md, document processing: MRZ check digits).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ml.document.images import Image
from ml.document.mrz_band import MRZ_MAX_ASPECT, mrz_band
from ml.document.ocr import TextBox, TextLineOcr
from ml.document.page_text import read_mrz

LINE_SHAPE = 2.0  # a text line's box is at least this many times longer than tall
# np.rot90 turns counter-clockwise: 1 = 90, 2 = 180, 3 = 270 degrees.
SIDEWAYS = (1, 3)
UPSIDE_DOWN = (2,)


def standing_lines(boxes: Sequence[TextBox]) -> tuple[int, int]:
    """(lines standing upright, lines lying flat) among the detected boxes."""
    standing = sum(1 for b in boxes if b.box[3] > LINE_SHAPE * b.box[2])
    lying = sum(1 for b in boxes if b.box[2] > LINE_SHAPE * b.box[3])
    return standing, lying


def turns_to_try(boxes: Sequence[TextBox]) -> tuple[int, ...]:
    """The quarter turns worth trying: sideways when most lines stand upright, else a half turn."""
    standing, lying = standing_lines(boxes)
    return SIDEWAYS if standing > lying else UPSIDE_DOWN


def turned(page: Image, quarter_turns: int) -> Image:
    return np.ascontiguousarray(np.rot90(page, quarter_turns))


def upright_turn(ocr: TextLineOcr, page: Image, turns: Sequence[int]) -> int | None:
    """The first of ``turns`` whose MRZ band reads with valid check digits; None when none does."""
    for quarter_turns in turns:
        candidate = turned(page, quarter_turns)
        band = mrz_band(ocr.detect(candidate))
        if not band:
            continue
        mrz = read_mrz(ocr.recognise(candidate, band, max_aspect=MRZ_MAX_ASPECT))
        if mrz is None or not mrz.check_digits_valid:
            mrz = read_mrz(ocr.recognise(candidate, band))
        if mrz is not None and mrz.check_digits_valid:
            return quarter_turns
    return None

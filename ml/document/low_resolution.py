"""A second look at a low-resolution page whose MRZ was not read: upscaled, and trusted only when safe.

A passport photographed from afar, or sent as a small image, gives MRZ lines a few pixels tall. The
detector then misses the band (a page smaller than its 640 px input is not enlarged) and the
recogniser, fed a crop a dozen pixels high, confuses characters. Upscaling the page (``INTER_CUBIC``,
so that the MRZ line reaches ``TARGET_LINE_PX``, the height at which full-size specimens read) and
reading again finds and reads such bands.

Upscaling adds no information, though: below a few pixels per character OCR-B's look-alikes (0/D/O,
8/B, 5/S) are guesses, and a guess passes a mod-10 check digit one time in ten. Measured on the ICAO
specimens downscaled to 1/7 (about 4.5 px per character), the upscaled band read a *wrong* document
number whose check digits passed. So an upscaled read is kept only when all of this holds
(docs/requirements/pipeline.md, document processing: the MRZ check digits decide a read):

- its check digits pass;
- the characters of the captured page were at least ``MIN_PITCH_PX`` apart (below that the specimens
  read wrong values);
- a second, differently sharpened upscale reads exactly the same MRZ lines.

Anything else leaves the page unread, and the read hint asks the person to come closer. The upscaled
look is also the second look at a small page whose own-size read failed its check digits: a failure
that look does not read again, character for character, is a misread, not a fraud signal (the TD2
specimen at 1/6, about 5 px per character, read its document number's "D" as "0" at its own size and
right upscaled; ml/EVALUATION.md, "Documents: degraded captures of the specimens"). The pitch rule
holds for a read at the page's own size too (:func:`too_small_to_read`, applied by
``ml/document/reader.py``): at 3.4-4.2 px per character the specimens, read without upscaling, gave
wrong names with valid check digits (ml/EVALUATION.md, "Documents: the guards on upscaled MRZ reads").
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import cv2

from ml.document.images import Image, as_image
from ml.document.mrz_band import mrz_band
from ml.document.ocr import TextBox, TextLineOcr
from ml.document.page_text import PageText, read_mrz, read_page_text

TARGET_LINE_PX = 40.0  # detected MRZ line height of the full-size specimens (38-48 px), where they read
LOW_RES_SIDE = 640  # a page smaller than the detector's input (ml/document/ocr.py) is read at its own size
UPSCALED_SIDE = 1200  # without a band to measure, a small page is enlarged to about a full-size specimen
MIN_FACTOR = 1.5  # a smaller enlargement changes nothing the recogniser's own resize does not
MAX_FACTOR = 6.0
# Pixels per MRZ character on the captured page (detected line length / characters). On the specimens
# downscaled from 1/2 to 1/8, upscaled reads were right at 4.9 px and above and wrong (a document number
# whose check digits pass) at 4.2 px; from 4.5 px down they failed their check digits or disagreed.
MIN_PITCH_PX = 4.75
UNSHARP_SIGMA, UNSHARP_AMOUNT = 1.0, 0.6  # the second look: a mild unsharp mask after the upscale


def upscale_factor(page: Image, boxes: list[TextBox]) -> float | None:
    """How much to enlarge ``page`` so its MRZ lines are ``TARGET_LINE_PX`` high (measured on the band
    when one was detected, else from the page's size); ``None`` when the page is not small."""
    band = mrz_band(boxes)
    if band:
        factor = TARGET_LINE_PX / max(1.0, statistics.median(b.thickness for b in band))
    elif max(page.shape[:2]) < LOW_RES_SIDE:
        factor = UPSCALED_SIDE / max(page.shape[:2])
    else:
        return None
    return min(MAX_FACTOR, factor) if factor >= MIN_FACTOR else None


def upscaled(page: Image, factor: float, *, sharpen: bool = False) -> Image:
    """``page`` enlarged by ``factor`` with bicubic interpolation, then optionally an unsharp mask."""
    big = cv2.resize(page, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    if sharpen:
        blurred = cv2.GaussianBlur(big, (0, 0), UNSHARP_SIGMA)
        big = cv2.addWeighted(big, 1 + UNSHARP_AMOUNT, blurred, -UNSHARP_AMOUNT, 0)
    return as_image(big)


def character_pitch(boxes: tuple[TextBox, ...], characters: int, factor: float) -> float:
    """Pixels per MRZ character on the captured page, from the band detected on the enlarged one."""
    band = mrz_band(boxes)
    if not band or characters <= 0:
        return 0.0
    return statistics.median(b.length for b in band) / factor / characters


def captured_pitch(band: list[TextBox], characters: int | None = None) -> float:
    """Pixels per character of the MRZ ``band`` as detected on the captured page, each line taken as
    ``characters`` long (when the MRZ was parsed, its own line length) or else as its layout's full
    length: a 3-line band is TD1's 30 characters, a 2-line one TD3's 44, the longer of TD2/TD3 (the
    pitch is then underestimated, never overestimated). 0 without a band."""
    if not band:
        return 0.0
    return statistics.median(b.length for b in band) / (characters or (30 if len(band) == 3 else 44))


def too_small_to_read(band: list[TextBox], characters: int | None = None) -> bool:
    """Whether the MRZ ``band``'s characters are closer than ``MIN_PITCH_PX`` on the captured page (see
    :func:`captured_pitch`). At that size no upscaled read is kept, a check-digit failure is as likely
    a misread as a forgery, and the detector's box padding, a few pixels, is the width of a character:
    a line one character from the page's edge and one cut by it look alike."""
    return bool(band) and captured_pitch(band, characters) < MIN_PITCH_PX


@dataclass(frozen=True)
class UpscaledLook:
    """What an upscaled look at a small page gave: the text to keep (``None`` unless every guard
    holds) and the MRZ lines each upscaled read saw (empty when the page is not small)."""

    kept: PageText | None
    mrz_lines_seen: tuple[tuple[str, ...], ...] = ()


def look_upscaled(ocr: TextLineOcr, page: Image, boxes: list[TextBox], today: Callable[[], date]) -> UpscaledLook:
    """The page's text read from an upscaled copy when ``page`` is small; kept only when that read is
    safe to keep (see the module's docstring)."""
    factor = upscale_factor(page, boxes)
    if factor is None:
        return UpscaledLook(None)
    text = read_page_text(ocr, upscaled(page, factor), today)
    mrz = text.mrz
    seen: tuple[tuple[str, ...], ...] = (tuple(mrz.lines) if mrz is not None else (),)
    if mrz is None or not mrz.check_digits_valid:
        return UpscaledLook(None, seen)
    if character_pitch(text.boxes, len(mrz.lines[0]), factor) < MIN_PITCH_PX:
        return UpscaledLook(None, seen)
    sharper = upscaled(page, factor, sharpen=True)
    band = mrz_band(ocr.detect(sharper))
    again = read_mrz(ocr.recognise(sharper, band)) if band else None
    seen += (tuple(again.lines) if again is not None else (),)
    if again is None or again.lines != mrz.lines:
        return UpscaledLook(None, seen)
    return UpscaledLook(text, seen)


def read_upscaled(ocr: TextLineOcr, page: Image, boxes: list[TextBox],
                  today: Callable[[], date]) -> PageText | None:
    """The page's text read from an upscaled copy, when ``page`` is small and that read is safe to
    keep (see the module's docstring); ``None`` otherwise."""
    return look_upscaled(ocr, page, boxes, today).kept


def confirmed_by(look: UpscaledLook, lines: tuple[str, ...]) -> bool:
    """Whether an own-size read of the MRZ ``lines`` stands after the upscaled ``look``: always when
    the page was not small enough to look again, else only when every upscaled read saw those very lines."""
    return all(seen == tuple(lines) for seen in look.mrz_lines_seen)

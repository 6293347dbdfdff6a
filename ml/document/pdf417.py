"""PDF417 decoding with zxing-cpp (``text_mode=Plain``: bytes transcoded by their ECI, no HRI
formatting), retried on a deskewed and an enlarged image when the first pass finds nothing, then on the
card straightened from its outline (:mod:`ml.document.straighten`), then on the photo deblurred
(:mod:`ml.document.deblur`) and straightened, enlarged in the same warp, and last on a clean symbol
drawn from the codewords matched slot by slot on the photo (:mod:`ml.document.pdf417_codewords`).

Structured append (Macro PDF417) messages are spread over several symbols; the Python binding does
not merge them, so :func:`merge_structured_append` joins the parts' ECI-escaped streams in reading
order and decodes each ECI segment with its own charset.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

import cv2
import numpy as np
import zxingcpp

from ml.document.deblur import PSF_SPREADS, deblurred
from ml.document.images import Image, as_image, to_gray
from ml.document.pdf417_codewords import codeword_redraws
from ml.document.straighten import Corners, card_outline, edge_lengths, warped

_ECI_CODECS = {1: "latin-1", 3: "latin-1", 4: "iso8859-2", 5: "iso8859-3", 6: "iso8859-4", 7: "iso8859-5",
               8: "iso8859-6", 9: "iso8859-7", 10: "iso8859-8", 11: "iso8859-9", 12: "iso8859-10",
               13: "iso8859-11", 15: "iso8859-13", 16: "iso8859-14", 17: "iso8859-15", 18: "iso8859-16",
               20: "shift_jis", 21: "cp1250", 22: "cp1251", 23: "cp1252", 24: "cp1256", 25: "utf-16-be",
               26: "utf-8", 27: "ascii", 28: "big5", 29: "gb2312", 30: "euc-kr", 32: "gb18030"}
_ECI_ESCAPE = re.compile(rb"\\(\d{6})")


@dataclass(frozen=True)
class Pdf417Symbol:
    """One decoded symbol: raw bytes, text by its ECI, reading-order position, ECI-escaped stream."""

    raw: bytes
    text: str
    top: int
    left: int
    eci_stream: bytes


def _read(gray: Image, mode: zxingcpp.TextMode) -> tuple[list[zxingcpp.Barcode], bool]:
    """(the symbols decoded, whether a symbol was found that did not decode: its error correction or
    format failed)."""
    formats = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.PDF417)
    results = zxingcpp.read_barcodes(gray, formats=formats, text_mode=mode, try_rotate=True,
                                     try_downscale=True, try_invert=True, return_errors=True)
    return _one_per_place([r for r in results if not r.error]), any(r.error for r in results)


def _inside(point: zxingcpp.Point, result: zxingcpp.Barcode) -> bool:
    p = result.position
    corners = np.array([[c.x, c.y] for c in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)],
                       dtype=np.float32)
    return cv2.pointPolygonTest(corners, (float(point.x), float(point.y)), False) >= 0


def _one_per_place(found: list[zxingcpp.Barcode]) -> list[zxingcpp.Barcode]:
    """The results, less any whose corner lies inside an earlier one: the same symbol read again.
    zxing-cpp also scans downscaled copies of the image and lists what they add after the full-size
    results; on one of zxing-cpp's own test images laid on a dark table, a downscaled copy gave a
    second, garbled message where the full-size read was right (ml/EVALUATION.md, "Driver licences").
    The full-size read is kept."""
    kept: list[zxingcpp.Barcode] = []
    for result in found:
        if not any(_inside(result.position.top_left, earlier) or _inside(earlier.position.top_left, result)
                   for earlier in kept):
            kept.append(result)
    return kept


def _deskew(gray: Image) -> Image:
    """Rotate so that the dominant text/bar direction is horizontal (barcode photographed at an angle)."""
    edges = cv2.Canny(gray, 50, 150)
    points = cv2.findNonZero(edges)
    if points is None:
        return gray
    angle = cv2.minAreaRect(points)[2]
    angle = angle - 90 if angle > 45 else angle
    if abs(angle) < 1:
        return gray
    h, w = gray.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return as_image(cv2.warpAffine(gray, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=255))


ENLARGE_BELOW = 1200  # px: an image smaller than this on its longer side is also read twice as large
DEBLURRED_LARGER = 3.0  # a deblurred card straightened this many times as large is read as well


def _enlarged(gray: Image) -> Image | None:
    h, w = gray.shape[:2]
    if max(h, w) >= ENLARGE_BELOW:
        return None
    return as_image(cv2.resize(gray, (w * 2, h * 2), interpolation=cv2.INTER_CUBIC))


def _enlarged_straight(pixels: Image, outline: Corners, scale: float = 2.0) -> Image | None:
    """``pixels`` straightened ``scale`` times as large in one warp (``None`` when the card is large
    already): the straightened copy enlarged afterwards would be interpolated twice
    (ml/document/straighten.py)."""
    return warped(pixels, outline, scale) if max(edge_lengths(outline)) < ENLARGE_BELOW else None


class _Outline:
    """The card's outline on the photo, searched the first time it is asked for (a flat card read on
    the first attempt never pays for the search); ``None`` when not straightening."""

    def __init__(self, gray: Image, straighten: bool) -> None:
        self._gray, self._straighten = gray, straighten

    @cached_property
    def corners(self) -> Corners | None:
        return card_outline(self._gray) if self._straighten else None


def _attempts(gray: Image, card: _Outline) -> Iterator[Image]:
    """The image as it is, then (each made only when the previous ones found nothing) deskewed,
    enlarged, straightened by the card's outline and straightened twice as large."""
    yield gray
    yield _deskew(gray)
    if (enlarged := _enlarged(gray)) is not None:
        yield enlarged
    if (outline := card.corners) is not None:
        yield np.ascontiguousarray(warped(gray, outline))
        if (large := _enlarged_straight(gray, outline)) is not None:
            yield large


def _deblurred_attempts(gray: Image, card: _Outline) -> Iterator[Image]:
    """The photo deblurred by each of the deconvolution's spreads, then straightened by the card's
    outline (found on the photo as taken) and enlarged in one warp, twice and three times: the far
    rows of a tilted, blurred card are read at the edge of what their pixels carry, where the
    resampling's phase decides, and each scale reads cards the other misses (ml/EVALUATION.md,
    "Driver licences")."""
    outline = card.corners
    for sigma, noise_to_signal in PSF_SPREADS:
        sharp = deblurred(gray, sigma, noise_to_signal=noise_to_signal)
        if outline is None:
            yield sharp if (enlarged := _enlarged(sharp)) is None else enlarged
        elif (large := _enlarged_straight(sharp, outline)) is None:
            yield np.ascontiguousarray(warped(sharp, outline))
        else:
            yield np.ascontiguousarray(large)
            yield np.ascontiguousarray(warped(sharp, outline, DEBLURRED_LARGER))


def _codeword_attempts(gray: Image, card: _Outline) -> Iterator[Image]:
    """Symbols drawn from the codewords matched on the photo of the card (only where its outline is
    found: the symbol's grid is located on the straightened card)."""
    if (outline := card.corners) is not None:
        yield from codeword_redraws(gray, outline)


def pdf417_reads(image: Image, *, straighten: bool = True, deblur: bool = True, symbol_expected: bool = True,
                 codewords: bool = True) -> Iterator[list[Pdf417Symbol]]:
    """The symbols of each attempt that decodes any, in the order :func:`decode_pdf417` tries them:
    a caller that finds a read is not what it expects (zxing-cpp's error correction, asked to settle
    a badly blurred symbol, rarely returns a different valid message: ml/EVALUATION.md, "Driver
    licences") asks for the next attempt's."""
    gray = np.ascontiguousarray(to_gray(image))
    card, seen = _Outline(gray, straighten), symbol_expected
    for attempt in _attempts(gray, card):
        found, unread = _read(attempt, zxingcpp.TextMode.Plain)
        if found:
            yield _symbols(attempt, found)
        seen = seen or unread
    for attempt in _deblurred_attempts(gray, card) if deblur and seen else ():
        if found := _read(attempt, zxingcpp.TextMode.Plain)[0]:
            yield _symbols(attempt, found)
    for attempt in _codeword_attempts(gray, card) if codewords and straighten and seen else ():
        if found := _read(attempt, zxingcpp.TextMode.Plain)[0]:
            yield _symbols(attempt, found)


def decode_pdf417(image: Image, *, straighten: bool = True, deblur: bool = True, symbol_expected: bool = True,
                  codewords: bool = True) -> list[Pdf417Symbol]:
    """Every PDF417 symbol in the image, in reading order (top to bottom, then left to right), from
    the first attempt that decodes any. The card's outline is searched once, and only when the image
    as it is, deskewed and enlarged does not decode. The deblurred attempts are made only when every
    earlier one failed, and then, for an image that is meant to carry a symbol (``symbol_expected``:
    a licence's back), always: a card tilted and blurred can leave zxing-cpp no symbol to see at all, only its deblurred
    copy shows one (ml/EVALUATION.md, "Driver licences"). For an image that may have none
    (``symbol_expected=False``: a passport's data page looked at for a barcode) they are made only
    when an earlier attempt found a symbol that did not decode, so such a page costs nothing more.
    Last, under the same rule as the deblurred ones, the symbol is read codeword by codeword on the
    photo of the straightened card (:mod:`ml.document.pdf417_codewords`): where its far rows have about
    a pixel per module, which no threshold separates. ``straighten=False``, ``deblur=False`` and
    ``codewords=False`` leave out those attempts (the evaluation's "before")."""
    return next(pdf417_reads(image, straighten=straighten, deblur=deblur, symbol_expected=symbol_expected,
                             codewords=codewords), [])


def _symbols(attempt: Image, found: list[zxingcpp.Barcode]) -> list[Pdf417Symbol]:
    escaped = {(r.position.top_left.x, r.position.top_left.y): r for r in
               _read(attempt, zxingcpp.TextMode.HexECI)[0]}
    symbols = [Pdf417Symbol(r.bytes, r.text, r.position.top_left.y, r.position.top_left.x,
                            _eci_bytes(escaped.get((r.position.top_left.x, r.position.top_left.y))))
               for r in found]
    # Rows of symbols: tops within a quarter symbol height count as one row.
    band = max(8, min(abs(r.position.bottom_left.y - r.position.top_left.y) for r in found) // 4)
    return sorted(symbols, key=lambda s: (s.top // band, s.left))


def _eci_bytes(result: zxingcpp.Barcode | None) -> bytes:
    if result is None:
        return b""
    # HexECI text is the ECI-escaped byte stream in hex, after the symbology identifier (']L1'/']L2').
    data = bytes.fromhex(result.text.replace(" ", ""))
    return data[3:] if data[:2] == b"]L" else data


def merge_structured_append(parts: list[Pdf417Symbol]) -> str:
    """Text of a message split over ``parts`` (in order). Each symbol restarts in the default ECI
    (ECI 3) even when the message continues in another charset, so a continuation part's leading
    default ECI is dropped and the previous part's charset carries over."""
    segments: list[tuple[int, bytes]] = []
    eci = 3
    for index, part in enumerate(parts):
        stream = part.eci_stream
        if index > 0 and stream.startswith(b"\\000003"):
            stream = stream[7:]
        pieces = _ECI_ESCAPE.split(stream)
        segments.append((eci, pieces[0]))
        for number, chunk in zip(pieces[1::2], pieces[2::2], strict=True):
            eci = int(number)
            segments.append((eci, chunk))
    return "".join(chunk.replace(b"\\\\", b"\\").decode(_ECI_CODECS.get(e, "latin-1"), errors="replace")
                   for e, chunk in segments)

"""Metadata removed from JPEG and PNG byte streams without decoding or re-encoding the picture.

requirements/platform §6 (EXIF stripping) with the pixels untouched (docs/targets.md §5: an upload is
decoded once): the stored bytes are the upload's own compressed picture, so the pixels the intake
decodes are exactly what a check decodes from storage, inline or on a worker.

- JPEG: every segment is walked by its length; kept are the tables and frame/scan headers a decoder
  needs (DQT, DHT, DAC, DRI, SOF0-2, SOS with its entropy-coded data) and, rewritten to their fixed
  fields only, the JFIF header (no thumbnail) and the Adobe colour-transform marker. Dropped: every
  other APPn (EXIF with GPS and thumbnails, XMP, ICC, MPF, maker notes), comments, and anything after
  the end-of-image marker (appended pictures, trailers). The EXIF orientation is read on the way.
- PNG: every chunk is walked by its length and its CRC checked; kept are IHDR, PLTE, tRNS, IDAT and
  IEND, dropped every other ancillary chunk (text, XMP, EXIF, ICC, time, APNG frames) and anything
  after IEND. The eXIf chunk's orientation is read on the way.

A stream that lies about a length, ends early, repeats a start marker or puts a marker where none may
be is ``MalformedImageError`` (refused). A valid stream this walker does not rewrite (arithmetic or
lossless JPEG coding, 12-bit samples, unknown markers, an unknown critical PNG chunk) is
``NotStrippableError``: the caller re-encodes its pixels instead, which drops metadata as surely.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass

_SOI, _EOI, _SOS = 0xD8, 0xD9, 0xDA
_TABLES = frozenset({0xC4, 0xCC, 0xDB, 0xDD})  # DHT, DAC, DQT, DRI
_FRAMES = frozenset({0xC0, 0xC1, 0xC2})  # baseline, extended and progressive Huffman, 8-bit
_OTHER_FRAMES = frozenset({0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
_APP0, _APP1, _APP14, _COM = 0xE0, 0xE1, 0xEE, 0xFE
_MARKER_IN_SCAN = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_KEPT = frozenset({b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"})
UPRIGHT = 1  # EXIF orientation "top-left": the stored pixels are shown as they are


class MalformedImageError(ValueError):
    """The byte stream is not a well-formed JPEG or PNG (truncated, lying lengths, misplaced markers)."""


class NotStrippableError(ValueError):
    """A well-formed stream that this module does not rewrite; re-encode it instead."""


@dataclass(frozen=True)
class StrippedImage:
    """The upload's picture without metadata, with what its header says."""

    content: bytes
    width: int
    height: int
    components: int  # colour channels as coded: 1 gray, 3 colour (JPEG), or the PNG colour type's
    orientation: int = UPRIGHT  # the EXIF orientation the upload asked for (1-8), applied by the caller


def strip_jpeg(data: bytes) -> StrippedImage:
    """``data`` (starting with SOI) rebuilt from its decoding segments only; see the module docstring."""
    if data[:2] != b"\xff\xd8":
        raise MalformedImageError("no JPEG start marker")
    out = [b"\xff\xd8"]
    orientation: int | None = None  # from the first EXIF block, as image viewers read it
    frame, scans, pos, end, jfif = None, 0, 2, len(data), False
    while True:
        marker, pos = _next_marker(data, pos)
        if marker == _EOI:
            if frame is None or scans == 0:
                raise MalformedImageError("JPEG ends before its picture")
            out.append(b"\xff\xd9")
            break
        if marker == _SOI or 0xD0 <= marker <= 0xD7 or marker == 0x01:
            raise MalformedImageError(f"misplaced JPEG marker 0x{marker:02x}")
        if pos + 2 > end:
            raise MalformedImageError("JPEG truncated in a segment header")
        length = struct.unpack_from(">H", data, pos)[0]
        if length < 2 or pos + length > end:
            raise MalformedImageError(f"JPEG segment 0x{marker:02x} length runs past the data")
        body = data[pos + 2:pos + length]
        segment_end = pos + length
        if marker in _FRAMES:
            if frame is not None:
                raise MalformedImageError("JPEG has two frame headers")
            frame = _frame_header(body)
            out.append(data[pos - 2:segment_end])
        elif marker == _SOS:
            if frame is None:
                raise MalformedImageError("JPEG scan before its frame header")
            scan_end = _entropy_coded_end(data, segment_end)
            out.append(data[pos - 2:scan_end])
            scans += 1
            segment_end = scan_end
        elif marker in _TABLES:
            out.append(data[pos - 2:segment_end])
        elif marker == _APP0:
            if body.startswith(b"JFIF\x00") and len(body) >= 14 and frame is None and not jfif:
                jfif = True
                # version, density units and densities; thumbnail size 0 x 0 (its pixels dropped)
                out.append(b"\xff\xe0\x00\x10JFIF\x00" + body[5:12] + b"\x00\x00")
        elif marker == _APP1:
            if body.startswith(b"Exif\x00\x00") and scans == 0 and orientation is None:
                orientation = _exif_orientation(body[6:])
        elif marker == _APP14:
            if body.startswith(b"Adobe") and len(body) >= 12:
                # DCTEncode version, no flags, the colour transform (which decides YCbCr vs RGB/CMYK)
                out.append(b"\xff\xee\x00\x0eAdobe" + body[5:7] + b"\x00\x00\x00\x00" + body[11:12])
        elif 0xE0 <= marker <= 0xEF or marker == _COM:
            pass  # other application data and comments: metadata, never needed to decode
        elif marker in _OTHER_FRAMES:
            raise NotStrippableError(f"JPEG coding 0x{marker:02x} this module does not rewrite")
        else:
            raise NotStrippableError(f"JPEG marker 0x{marker:02x} this module does not rewrite")
        pos = segment_end
    assert frame is not None
    width, height, components = frame
    return StrippedImage(b"".join(out), width, height, components, orientation or UPRIGHT)


def _next_marker(data: bytes, pos: int) -> tuple[int, int]:
    """The marker code at ``pos`` (fill bytes skipped) and the position after it."""
    if pos >= len(data) or data[pos] != 0xFF:
        raise MalformedImageError(f"JPEG data where a marker must be (offset {pos})")
    while pos < len(data) and data[pos] == 0xFF:
        pos += 1
    if pos >= len(data):
        raise MalformedImageError("JPEG truncated at a marker")
    if data[pos] == 0x00:
        raise MalformedImageError(f"JPEG stuffed byte where a marker must be (offset {pos})")
    return data[pos], pos + 1


def _entropy_coded_end(data: bytes, pos: int) -> int:
    """Where the scan's entropy-coded data starting at ``pos`` ends: at the first 0xFF followed by
    neither a stuffed zero, a restart marker nor a fill byte. Truncated data (no marker follows) is
    malformed."""
    found = _MARKER_IN_SCAN.search(data, pos)
    if found is None:
        raise MalformedImageError("JPEG truncated inside a scan")
    return found.start()


def _frame_header(body: bytes) -> tuple[int, int, int]:
    if len(body) < 6:
        raise MalformedImageError("JPEG frame header too short")
    precision, height, width, components = struct.unpack_from(">BHHB", body)
    if len(body) != 6 + 3 * components or components == 0:
        raise MalformedImageError("JPEG frame header length does not match its components")
    if precision != 8:
        raise NotStrippableError(f"JPEG with {precision}-bit samples")
    if width == 0 or height == 0:  # a height given later by a DNL marker: not for uploads
        raise NotStrippableError("JPEG frame without its size")
    return width, height, components


def _exif_orientation(tiff: bytes) -> int:
    """Tag 0x0112 of the first IFD of a TIFF-structured EXIF block, or upright when absent or unreadable
    (the block itself is dropped either way)."""
    order = {b"II": "<", b"MM": ">"}.get(tiff[:2])
    if order is None or len(tiff) < 8:
        return UPRIGHT
    offset = struct.unpack_from(order + "I", tiff, 4)[0]
    if offset + 2 > len(tiff):
        return UPRIGHT
    count = struct.unpack_from(order + "H", tiff, offset)[0]
    for index in range(count):
        entry = offset + 2 + 12 * index
        if entry + 12 > len(tiff):
            break
        tag, kind = struct.unpack_from(order + "HH", tiff, entry)
        if tag == 0x0112 and kind == 3:  # SHORT
            value = struct.unpack_from(order + "H", tiff, entry + 8)[0]
            return value if 1 <= value <= 8 else UPRIGHT
    return UPRIGHT


def strip_png(data: bytes) -> StrippedImage:
    """``data`` (starting with the PNG signature) rebuilt from its picture chunks only."""
    if not data.startswith(_PNG_SIGNATURE):
        raise MalformedImageError("no PNG signature")
    out, pos, end = [_PNG_SIGNATURE], len(_PNG_SIGNATURE), len(data)
    header: tuple[int, int, int, int] | None = None
    kind, pictures = b"", "before"  # the IDAT run: before, inside, after (one run only)
    orientation: int | None = None
    while kind != b"IEND":
        if pos + 12 > end:
            raise MalformedImageError("PNG truncated before IEND")
        length, kind = struct.unpack_from(">I4s", data, pos)
        chunk_end = pos + 12 + length
        if length > 0x7FFFFFFF or chunk_end > end:
            raise MalformedImageError("PNG chunk length runs past the data")
        if not kind.isalpha():
            raise MalformedImageError("PNG chunk type is not letters")
        if header is None and kind != b"IHDR":
            raise MalformedImageError("PNG does not start with IHDR")
        if kind in _PNG_KEPT:
            if zlib.crc32(data[pos + 4:chunk_end - 4]) != struct.unpack_from(">I", data, chunk_end - 4)[0]:
                raise MalformedImageError("PNG chunk CRC mismatch")
            if kind == b"IHDR":
                if header is not None or length != 13:
                    raise MalformedImageError("PNG IHDR repeated or of the wrong size")
                header = struct.unpack_from(">IIBB", data, pos + 8)
            if kind == b"IDAT":
                if pictures == "after":
                    raise MalformedImageError("PNG IDAT chunks not consecutive")
                pictures = "inside"
            elif pictures == "inside":
                pictures = "after"
            out.append(data[pos:chunk_end])
        elif kind == b"eXIf" and orientation is None:
            orientation = _exif_orientation(data[pos + 8:chunk_end - 4])
        elif kind[0:1].isupper():
            raise NotStrippableError(f"PNG critical chunk {kind!r} this module does not know")
        pos = chunk_end
    if header is None or pictures == "before":
        raise MalformedImageError("PNG without IHDR or IDAT")
    width, height, _depth, colour_type = header
    return StrippedImage(b"".join(out), width, height, colour_type, orientation or UPRIGHT)

"""Uploads kept as uploaded: metadata stripped from the byte stream, the picture's own bytes stored,
decoded once (``adapters.media.lossless_strip``, ``kept_as_uploaded``; docs/targets.md §5).

Each attack (EXIF with GPS and a thumbnail carrying its own EXIF, XMP, ICC chunks between scans,
comments, JFIF/JFXX thumbnails, trailers, lying lengths, truncation, markers where data must be) is
tried next to the genuine upload it hides in.
"""

from __future__ import annotations

import io
import random
import struct

import cv2
import numpy as np
import pytest
from PIL import Image

from adapters.media import PillowImageSanitizer
from domain.errors import DomainError
from domain.ports.media import InvalidImageDataError
from ml.document.images import decode_image as document_decode
from ml.face.image import decode_image as face_decode
from tests.unit.media.jpeg_builders import photo, png_chunk, png_with_metadata, segment, with_metadata

pytestmark = pytest.mark.unit

SANITIZER = PillowImageSanitizer()


def decoded(data: bytes) -> np.ndarray:
    """What OpenCV decodes from ``data`` as coded (no EXIF turn)."""
    flags = cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION
    return np.asarray(cv2.imdecode(np.frombuffer(data, dtype=np.uint8), flags))


def jpeg_markers(data: bytes) -> list[int]:
    """The markers of a JPEG's segments up to its first scan, walked by their lengths."""
    markers, pos = [], 2
    while data[pos + 1] != 0xDA:
        markers.append(data[pos + 1])
        pos += 2 + struct.unpack_from(">H", data, pos + 2)[0]
    return markers


def png_chunks(data: bytes) -> list[bytes]:
    kinds, pos = [], 8
    while pos < len(data):
        length, kind = struct.unpack_from(">I4s", data, pos)
        kinds.append(kind)
        pos += 12 + length
    return kinds


def restart_coded(width: int = 96, height: int = 72) -> bytes:
    picture = np.asarray(Image.effect_mandelbrot((width, height), (-2, -1.5, 1, 1.5), 60).convert("RGB"))
    ok, data = cv2.imencode(".jpg", picture, [cv2.IMWRITE_JPEG_RST_INTERVAL, 2])
    assert ok
    return data.tobytes()


CODINGS = {"baseline": lambda: photo(), "progressive": lambda: photo(progressive=True),
           "restart markers": restart_coded}


@pytest.mark.parametrize("coding", ["baseline", "progressive", "restart markers"])
def test_every_metadata_segment_and_the_trailer_are_gone_and_the_picture_is_kept(coding: str) -> None:
    genuine = CODINGS[coding]()
    upload = with_metadata(genuine)
    assert upload.count(b"Secret") >= 10  # the upload really carries every kind
    clean = SANITIZER.sanitize(upload, "selfie")
    assert b"Secret" not in clean.content
    assert set(jpeg_markers(clean.content)) <= {0xE0, 0xDB, 0xC4, 0xC0, 0xC2, 0xDD}  # JFIF and tables only
    assert clean.content.count(b"\xff\xe0") == 1 and clean.content.endswith(b"\xff\xd9")
    first_scan = genuine.index(b"\xff\xda")
    assert genuine[first_scan:] == clean.content[clean.content.index(b"\xff\xda"):] or coding == "progressive"
    assert np.array_equal(decoded(clean.content), decoded(genuine))  # not one pixel re-encoded
    with Image.open(io.BytesIO(clean.content)) as reread:
        assert not reread.getexif() and not {"icc_profile", "comment", "xmp", "exif"} & set(reread.info)


def test_a_progressive_picture_keeps_every_scan_and_drops_what_sits_between_them() -> None:
    genuine = photo(progressive=True)
    clean = SANITIZER.sanitize(with_metadata(genuine), "document_front")
    assert clean.content.count(b"\xff\xda") == genuine.count(b"\xff\xda") > 1
    assert b"ICC_PROFILE" not in clean.content and b"\xff\xfe" not in clean.content
    assert np.array_equal(decoded(clean.content), decoded(genuine))


def test_a_gray_jpeg_and_an_adobe_rgb_one_decode_as_uploaded() -> None:
    gray = io.BytesIO()
    Image.effect_mandelbrot((64, 48), (-2, -1.5, 1, 1.5), 60).save(gray, format="JPEG")
    kept = SANITIZER.sanitize(gray.getvalue(), "selfie")
    assert kept.pixels is not None and np.array_equal(decoded(kept.content), decoded(gray.getvalue()))
    rgb = io.BytesIO()  # components coded as R, G, B: the Adobe marker's transform 0 says so
    Image.effect_mandelbrot((64, 48), (-2, -1.5, 1, 1.5), 60).convert("RGB").save(rgb, format="JPEG",
                                                                                    keep_rgb=True)
    assert b"Adobe" in rgb.getvalue()
    kept = SANITIZER.sanitize(rgb.getvalue(), "selfie")
    assert b"Adobe" in kept.content and np.array_equal(decoded(kept.content), decoded(rgb.getvalue()))


def test_the_handed_over_pixels_are_what_the_checks_decode_from_storage() -> None:
    clean = SANITIZER.sanitize(with_metadata(photo(120, 90)), "selfie")
    assert isinstance(clean.pixels, np.ndarray) and not clean.pixels.flags.writeable
    assert np.array_equal(clean.pixels, face_decode(clean.content))
    assert np.array_equal(clean.pixels, document_decode(clean.content))
    with pytest.raises(ValueError, match="read-only"):  # one check cannot change another's picture
        clean.pixels[0, 0, 0] = 1


def test_a_turned_upload_is_reencoded_upright_and_keeps_no_metadata() -> None:
    clean = SANITIZER.sanitize(with_metadata(photo(96, 72), orientation=6), "selfie")
    assert (clean.width, clean.height) == (72, 96) and clean.pixels is None
    assert b"Secret" not in clean.content


def test_a_comment_holding_marker_bytes_is_skipped_by_its_length() -> None:
    genuine = photo()
    decoy = segment(0xFE, b"\xff\xd9\xff\xe1\x00\x10Exif\x00\x00SecretCam\xff\xda")
    clean = SANITIZER.sanitize(genuine[:2] + decoy + genuine[2:], "selfie")
    assert b"Secret" not in clean.content and np.array_equal(decoded(clean.content), decoded(genuine))


def test_png_keeps_its_picture_chunks_only() -> None:
    upload = png_with_metadata()
    assert upload.count(b"Secret") >= 5
    clean = SANITIZER.sanitize(upload, "selfie")
    assert b"Secret" not in clean.content and clean.pixels is not None
    assert set(png_chunks(clean.content)) == {b"IHDR", b"IDAT", b"IEND"}
    assert np.array_equal(decoded(clean.content), decoded(upload))


def test_a_png_turned_by_its_exif_chunk_is_reencoded_upright() -> None:
    clean = SANITIZER.sanitize(png_with_metadata(orientation=8), "selfie")
    assert (clean.width, clean.height) == (48, 64) and clean.pixels is None and b"Secret" not in clean.content


def _malformed_jpegs() -> dict[str, bytes]:
    genuine = photo()
    scan = genuine.index(b"\xff\xda")
    return {
        "truncated in a scan": genuine[:len(genuine) // 2],
        "no end marker": genuine[:-2],
        "truncated in a segment header": genuine[:2] + b"\xff\xe1\x00",
        "length past the end": genuine[:2] + b"\xff\xe1\xff\xf0Exif\x00\x00SecretCam",
        "length shorter than the segment": genuine[:2] + b"\xff\xfe\x00\x04SecretComment" + genuine[2:],
        "length below two": genuine[:2] + b"\xff\xfe\x00\x01" + genuine[2:],
        "second start marker": genuine[:2] + b"\xff\xd8" + genuine[2:],
        "restart marker outside a scan": genuine[:2] + b"\xff\xd0" + genuine[2:],
        "scan before the frame header": genuine[:2] + genuine[scan:],
        "end before any picture": b"\xff\xd8\xff\xd9",
        "only the start": b"\xff\xd8\xff",
        "marker inside scan data": genuine[:scan + 40] + b"\xff\xe1\x00\x08SECRET" + genuine[scan + 40:],
        "stuffed zero where a marker must be": genuine[:2] + b"\xff\x00" + genuine[2:],
    }


@pytest.mark.parametrize("case", sorted(_malformed_jpegs()))
def test_malformed_jpeg_streams_are_refused_with_the_stable_code(case: str) -> None:
    with pytest.raises(InvalidImageDataError) as refused:
        SANITIZER.sanitize(_malformed_jpegs()[case], "document_front")
    assert refused.value.code == "invalid_image_data" and refused.value.details["field"] == "document_front"


def _malformed_pngs() -> dict[str, bytes]:
    genuine = png_with_metadata()
    idat = genuine.index(b"IDAT") - 4
    return {
        "crc mismatch": genuine[:idat + 10] + bytes([genuine[idat + 10] ^ 1]) + genuine[idat + 11:],
        "length past the end": genuine[:idat] + b"\x7f\x00\x00\x00" + genuine[idat + 4:],
        "truncated before IEND": genuine[:idat + 20],
        "no picture": genuine[:33] + png_chunk(b"IEND", b""),
        "IHDR not first": genuine[:8] + png_chunk(b"tEXt", b"a\x00b") + genuine[8:],
        "picture chunks split": genuine[:33] + png_chunk(b"IDAT", b"x") + png_chunk(b"PLTE", b"\x00" * 3)
        + genuine[33:],
    }


@pytest.mark.parametrize("case", sorted(_malformed_pngs()))
def test_malformed_png_streams_are_refused_with_the_stable_code(case: str) -> None:
    with pytest.raises(InvalidImageDataError):
        SANITIZER.sanitize(_malformed_pngs()[case], "selfie")


@pytest.mark.parametrize("kind", ["JPEG", "PNG"])
def test_no_damage_ever_stores_metadata(kind: str) -> None:
    """Truncations, flipped bytes and lying lengths at random: each upload is refused with a stable
    code or stored without a byte of its metadata."""
    upload = with_metadata(photo(48, 32), orientation=1) if kind == "JPEG" else png_with_metadata()
    rng = random.Random(17)
    refused = stored = 0
    for _ in range(150):
        damaged = bytearray(upload)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(8, len(damaged))  # past the magic bytes
            damaged[at] = rng.choice((0x00, 0xFF, 0xD9, 0xDA, 0xE1, rng.randrange(256)))
        if rng.random() < 0.3:
            del damaged[rng.randrange(8, len(damaged)):]
        try:
            clean = SANITIZER.sanitize(bytes(damaged), "selfie")
        except DomainError as error:
            assert error.code in ("invalid_image_data", "image_dimensions_invalid")
            refused += 1
            continue
        assert b"Secret" not in clean.content
        stored += 1
    assert refused and stored  # both ways really happened

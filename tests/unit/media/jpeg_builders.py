"""JPEG and PNG streams carrying every kind of metadata an upload may bring, built segment by segment."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

SECRETS = (b"SecretCam", b"SecretDatum", b"SecretXMP", b"SecretICC", b"SecretComment", b"SecretThumb",
           b"SecretTrailer", b"SecretJFXX", b"SecretText")


def segment(marker: int, body: bytes) -> bytes:
    return bytes((0xFF, marker)) + struct.pack(">H", len(body) + 2) + body


def photo(width: int = 96, height: int = 72, **options: object) -> bytes:
    """A JPEG of a textured picture (a fractal: pixel values worth comparing)."""
    picture = Image.effect_mandelbrot((width, height), (-2, -1.5, 1, 1.5), 60).convert("RGB")
    out = io.BytesIO()
    picture.save(out, format="JPEG", **options)
    return out.getvalue()


def exif_block(orientation: int = 1, thumbnail: bytes | None = None) -> bytes:
    """An APP1 EXIF body (little-endian TIFF): Make, orientation, a GPS IFD with a map datum, and in
    IFD1 a JPEG thumbnail (which may carry its own EXIF)."""
    entries = [(0x010F, 2, b"SecretCam\x00"), (0x0112, 3, struct.pack("<HH", orientation, 0)),
               (0x8825, 4, None)]
    ifd0_at = 8
    ifd0_size = 2 + 12 * len(entries) + 4
    make_at = ifd0_at + ifd0_size
    gps_at = make_at + 10
    gps_size = 2 + 12 + 4
    datum_at = gps_at + gps_size
    ifd1_at = datum_at + 12
    ifd1_size = 2 + 24 + 4
    thumb_at = ifd1_at + ifd1_size
    ifd0 = struct.pack("<H", len(entries))
    ifd0 += struct.pack("<HHI", 0x010F, 2, 10) + struct.pack("<I", make_at)
    ifd0 += struct.pack("<HHI", 0x0112, 3, 1) + struct.pack("<HH", orientation, 0)
    ifd0 += struct.pack("<HHI", 0x8825, 4, 1) + struct.pack("<I", gps_at)
    ifd0 += struct.pack("<I", ifd1_at if thumbnail else 0)
    gps = struct.pack("<H", 1) + struct.pack("<HHII", 0x0012, 2, 12, datum_at) + struct.pack("<I", 0)
    ifd1 = b""
    if thumbnail:
        ifd1 = (struct.pack("<H", 2) + struct.pack("<HHII", 0x0201, 4, 1, thumb_at)
                + struct.pack("<HHII", 0x0202, 4, 1, len(thumbnail)) + struct.pack("<I", 0))
    tiff = b"II*\x00" + struct.pack("<I", ifd0_at) + ifd0 + b"SecretCam\x00" + gps + b"SecretDatum\x00" + ifd1
    return b"Exif\x00\x00" + tiff + (thumbnail or b"")


def thumbnail_with_its_own_exif() -> bytes:
    small = photo(16, 12)
    return small[:2] + segment(0xE1, b"Exif\x00\x00II*\x00\x08\x00\x00\x00SecretThumb") + small[2:]


def metadata_segments(orientation: int = 1) -> bytes:
    """Everything a phone, an editor or an attacker puts in APPn and COM segments."""
    jfif_thumbnail = b"JFIF\x00\x01\x02\x01\x00\x48\x00\x48\x02\x01" + b"Sec" + b"ret"  # 2 x 1 RGB pixels
    jfxx = b"JFXX\x00\x10" + thumbnail_with_its_own_exif().replace(b"SecretThumb", b"SecretJFXX")
    xmp = b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>SecretXMP</x:xmpmeta>"
    icc = [b"ICC_PROFILE\x00" + bytes((n, 2)) + b"SecretICC" * 20 for n in (1, 2)]
    return (segment(0xE0, jfif_thumbnail) + segment(0xE0, jfxx)
            + segment(0xE1, exif_block(orientation, thumbnail_with_its_own_exif())) + segment(0xE1, xmp)
            + segment(0xE2, icc[0]) + segment(0xE2, icc[1]) + segment(0xED, b"Photoshop 3.0\x00SecretCam")
            + segment(0xFE, b"SecretComment"))


def with_metadata(jpeg: bytes, orientation: int = 1) -> bytes:
    """``jpeg`` with ``metadata_segments`` after SOI, an ICC chunk and a comment before every scan,
    and a trailer (an appended picture with EXIF) after EOI."""
    body = jpeg[2:]
    before_scan = segment(0xE2, b"ICC_PROFILE\x00\x02\x02SecretICC") + segment(0xFE, b"SecretComment")
    body = body.replace(b"\xff\xda", before_scan + b"\xff\xda")  # scan headers (0xFFDA never occurs stuffed)
    trailer = thumbnail_with_its_own_exif() + b"SecretTrailer"
    return b"\xff\xd8" + metadata_segments(orientation) + body + trailer


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_with_metadata(orientation: int = 1) -> bytes:
    """A PNG with text, XMP, EXIF, ICC and time chunks around its picture, and a trailer."""
    out = io.BytesIO()
    Image.effect_mandelbrot((64, 48), (-2, -1.5, 1, 1.5), 60).convert("RGB").save(out, format="PNG")
    png = out.getvalue()
    header_end = 8 + 25
    extra = (png_chunk(b"tEXt", b"Author\x00SecretText") + png_chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x00\x00\x00\x00"
                                                                       b"<x:xmpmeta>SecretXMP</x:xmpmeta>")
             + png_chunk(b"eXIf", exif_block(orientation)[6:]) + png_chunk(b"iCCP", b"SecretICC\x00\x00"
                                                                           + zlib.compress(b"icc"))
             + png_chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"x")) + png_chunk(b"tIME", b"Secret\x07"))
    return png[:header_end] + extra + png[header_end:-12] + png_chunk(b"tEXt", b"Late\x00SecretText") \
        + png[-12:] + b"SecretTrailer"

"""``PillowImageSanitizer``: decompression bombs refused before any pixel is decoded; metadata never kept."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator

import pytest
from PIL import Image, ImageFile, ImageOps, PngImagePlugin

from adapters.media import PillowImageSanitizer, sniff_image
from domain.ports.media import (
    MAX_IMAGE_PIXELS,
    MAX_IMAGE_SIDE,
    ImageDimensionsError,
    InvalidImageDataError,
    UnsupportedMediaTypeError,
)

pytestmark = pytest.mark.unit

SANITIZER = PillowImageSanitizer()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bilevel_png(width: int, height: int) -> bytes:
    """A complete, valid 1-bit PNG of ``width`` x ``height`` white-less pixels: a few KB for millions of pixels."""
    row = b"\x00" + b"\x00" * ((width + 7) // 8)  # filter byte "none", then the packed bits
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(row * height, 9)) \
        + _chunk(b"IEND", b"")


@pytest.fixture
def decoding_is_a_failure(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any pixel decode fails the test: a refusal must come from the header alone."""
    def load(self: ImageFile.ImageFile) -> None:
        raise AssertionError(f"{self.size} image was decoded before being refused")
    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    yield


def test_the_bomb_generator_makes_images_that_decode() -> None:
    clean = SANITIZER.sanitize(bilevel_png(64, 48), "selfie")
    assert (clean.media_type, clean.width, clean.height) == ("image/png", 64, 48)


@pytest.mark.parametrize("side", [7_000, 9_500])  # 49 M pixels (Pillow warns), 90 M (Pillow refuses)
def test_decompression_bomb_is_refused_before_decoding(side: int, decoding_is_a_failure: None) -> None:
    bomb = bilevel_png(side, side)
    assert len(bomb) < 20_000 and side * side > MAX_IMAGE_PIXELS
    with pytest.raises(ImageDimensionsError) as refused:
        SANITIZER.sanitize(bomb, "document_front")
    assert refused.value.code == "image_dimensions_invalid"
    assert refused.value.details["field"] == "document_front"
    assert refused.value.details["limit_pixels"] == MAX_IMAGE_PIXELS


def test_side_and_minimum_limits_come_from_the_header(decoding_is_a_failure: None) -> None:
    with pytest.raises(ImageDimensionsError) as long_side:
        SANITIZER.sanitize(bilevel_png(MAX_IMAGE_SIDE + 1, 16), "selfie")
    assert long_side.value.details["width"] == MAX_IMAGE_SIDE + 1
    assert long_side.value.details["limit_side"] == MAX_IMAGE_SIDE
    with pytest.raises(ImageDimensionsError) as tiny:
        SANITIZER.sanitize(bilevel_png(15, 200), "selfie")
    assert tiny.value.message == "image is too small" and tiny.value.details["min_side"] == 16


def _exif(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0131] = "GPS-leaking-software"  # Software
    if orientation is not None:
        exif[0x0112] = orientation
    return exif


def _encoded(image: Image.Image, kind: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=kind, **options)
    return out.getvalue()


METADATA_KEYS = ("exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment", "Comment", "Author")


def _metadata(content: bytes) -> dict[str, object]:
    with Image.open(io.BytesIO(content)) as image:
        found: dict[str, object] = {key: image.info[key] for key in METADATA_KEYS if image.info.get(key)}
        if image.getexif():
            found["exif_tags"] = dict(image.getexif())
        return found


def _with_metadata(kind: str) -> bytes:
    """A small image carrying EXIF, an ICC profile and the format's text metadata (XMP, comment, text)."""
    options: dict[str, object] = {"exif": _exif().tobytes(), "icc_profile": b"SecretICCProfile" * 8}
    if kind == "PNG":
        text = PngImagePlugin.PngInfo()
        text.add_text("Author", "Secret Person")
        text.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>SecretXMP</x:xmpmeta>")
        options["pnginfo"] = text
    if kind == "WEBP":
        options["xmp"] = b"<x:xmpmeta>SecretXMP</x:xmpmeta>"
    if kind == "JPEG":
        options["comment"] = b"SecretComment"
        options["xmp"] = b"<x:xmpmeta>SecretXMP</x:xmpmeta>"
    return _encoded(Image.new("RGB", (40, 30), (10, 200, 30)), kind, **options)


@pytest.mark.parametrize(("kind", "media_type"), [("PNG", "image/png"), ("WEBP", "image/webp"),
                                                  ("JPEG", "image/jpeg")])
def test_exif_icc_xmp_and_text_metadata_are_stripped(kind: str, media_type: str) -> None:
    original = _with_metadata(kind)
    carried = _metadata(original)
    assert {"exif_tags", "icc_profile"} <= set(carried) and len(carried) >= 3  # the input really carries them
    assert b"SecretCam" in original
    clean = SANITIZER.sanitize(original, "selfie")
    assert clean.media_type == media_type and sniff_image(clean.content) == kind
    assert _metadata(clean.content) == {}
    assert not [secret for secret in (b"SecretCam", b"SecretXMP", b"SecretComment", b"Secret Person")
                if secret in clean.content]
    with Image.open(io.BytesIO(clean.content)) as reread:
        assert reread.size == (40, 30)


def test_orientation_is_applied_to_the_pixels_then_dropped() -> None:
    sideways = _encoded(Image.new("RGB", (64, 48), (200, 30, 30)), "JPEG", exif=_exif(orientation=6).tobytes())
    clean = SANITIZER.sanitize(sideways, "selfie")
    assert (clean.width, clean.height) == (48, 64)  # rotated upright
    with Image.open(io.BytesIO(clean.content)) as reread:
        assert reread.size == (48, 64) and 0x0112 not in reread.getexif()


def test_a_cmyk_jpeg_is_reencoded_as_rgb_and_png_modes_are_kept() -> None:
    cmyk = SANITIZER.sanitize(_encoded(Image.new("CMYK", (32, 32)), "JPEG"), "selfie")
    assert cmyk.pixels is None  # re-encoded: no pixels of the upload's own picture to hand over
    with Image.open(io.BytesIO(cmyk.content)) as reread:
        assert reread.mode == "RGB"
    rgba = SANITIZER.sanitize(_encoded(Image.new("RGBA", (32, 32), (1, 2, 3, 128)), "PNG"), "selfie")
    with Image.open(io.BytesIO(rgba.content)) as reread:
        assert reread.mode == "RGBA"  # PNG keeps transparency
    palette_png = _encoded(Image.new("P", (32, 32)), "PNG")
    palette = SANITIZER.sanitize(palette_png, "selfie")
    assert palette.content == palette_png and palette.pixels is not None  # kept as uploaded
    with Image.open(io.BytesIO(palette.content)) as reread:
        assert reread.mode == "P"


def test_type_is_the_content_s_not_a_claimed_one() -> None:
    png = _encoded(Image.new("RGB", (32, 32)), "PNG")
    with pytest.raises(UnsupportedMediaTypeError) as gif:
        SANITIZER.sanitize(b"GIF89a" + png, "selfie")
    assert gif.value.details["accepted"] == ["image/jpeg", "image/png", "image/webp"]
    with pytest.raises(InvalidImageDataError):  # JPEG magic bytes in front of PNG data
        SANITIZER.sanitize(b"\xff\xd8\xff" + png[3:], "selfie")


def test_repr_shows_no_bytes() -> None:
    clean = SANITIZER.sanitize(bilevel_png(64, 48), "selfie")
    assert repr(clean) == f"SanitizedImage(image/png, 64x48, {len(clean.content)} bytes)"


def _copying_sanitize(data: bytes, kind: str) -> bytes:
    """The re-encoding as it was with a copying ``exif_transpose``: the bytes the in-place one must give."""
    options = {"JPEG": {"quality": 95, "subsampling": 0, "comment": b""},
               "PNG": {"optimize": False, "icc_profile": None}}[kind]
    with Image.open(io.BytesIO(data), formats=[kind]) as image:
        image.load()
        upright = ImageOps.exif_transpose(image)
        pixels = upright.convert("RGB") if upright.mode not in ("RGB", "L", "RGBA") else upright
        return _encoded(pixels, kind, **options)


@pytest.mark.parametrize("case", ["sideways JPEG", "sideways PNG", "mirrored photo"])
def test_turning_in_place_gives_the_bytes_a_copying_turn_gave(case: str) -> None:
    photo = Image.effect_mandelbrot((96, 72), (-2, -1.5, 1, 1.5), 60).convert("RGB")
    data, kind = {
        "sideways JPEG": (_encoded(Image.new("RGB", (64, 48), (200, 30, 30)), "JPEG",
                                   exif=_exif(orientation=6).tobytes()), "JPEG"),
        "sideways PNG": (_encoded(photo, "PNG", exif=_exif(orientation=8).tobytes()), "PNG"),
        "mirrored photo": (_encoded(photo, "JPEG", quality=80, exif=_exif(orientation=2).tobytes()), "JPEG"),
    }[case]
    clean = SANITIZER.sanitize(data, "selfie")
    assert clean.content == _copying_sanitize(data, kind) and clean.pixels is None

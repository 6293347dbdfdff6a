"""``ImageSanitizer``: JPEG/PNG/WebP by magic bytes, header-checked, stripped or re-encoded without metadata.

An upright JPEG or PNG within its size cap keeps its own picture with the metadata stripped from the
byte stream (``adapters.media.kept_as_uploaded``); every other upload is decoded with Pillow (the
orientation applied) and re-encoded in the same format.

The rules and limits are the port's (``domain.ports.media``, requirements/platform §6 and §11). Pillow's
own ``MAX_IMAGE_PIXELS`` guard is set to the same pixel budget as a second line behind the header
check: Pillow applies it while opening, before any pixel is decoded.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps

from adapters.media.kept_as_uploaded import kept_as_uploaded
from domain.ports.media import (
    MAX_IMAGE_BYTES,
    MAX_IMAGE_PIXELS,
    ImageDimensionsError,
    InvalidImageDataError,
    MediaTooLargeError,
    SanitizedImage,
    UnsupportedMediaTypeError,
    image_dimensions_error,
)

# Process-wide on purpose: every Pillow decode in this process gets the same bomb guard (Pillow
# warns above this and refuses above twice this; the warning is turned into an error below).
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS

_MEDIA_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
# High quality: OCR and face models read these pixels. Pillow carries a source JPEG's comment and a
# source PNG's ICC profile into a re-encoding unless told otherwise, hence the explicit empty values.
_SAVE_OPTIONS: dict[str, dict[str, object]] = {
    "JPEG": {"quality": 95, "subsampling": 0, "comment": b""},
    "PNG": {"optimize": False, "icc_profile": None},
    "WEBP": {"quality": 95},
}


def sniff_image(data: bytes) -> str | None:
    """The image format named by the magic bytes: ``JPEG``, ``PNG``, ``WEBP`` or None."""
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def reduce_while_decoding(image: Image.Image, max_side: int) -> None:
    """Ask a JPEG's decoder for the smallest DCT scale (1/2, 1/4 or 1/8) that still leaves the longer
    side at least ``max_side`` (Pillow's ``draft``): a 12-megapixel photo capped to 1280 pixels is
    decoded at a quarter of its pixels. Other formats decode in full."""
    width, height = image.size
    ratio = max_side / max(width, height)
    if ratio < 1 and image.format == "JPEG":
        image.draft(image.mode, (max(1, round(width * ratio)), max(1, round(height * ratio))))


class PillowImageSanitizer:
    """Keeps an upright JPEG or PNG as uploaded (metadata stripped); else decodes with Pillow
    (orientation applied) and re-encodes the pixels in the same format."""

    def sanitize(self, data: bytes, field: str, max_side: int | None = None) -> SanitizedImage:
        if len(data) > MAX_IMAGE_BYTES:
            raise MediaTooLargeError("image larger than 10 MB", field=field, limit_bytes=MAX_IMAGE_BYTES)
        kind = sniff_image(data)
        if kind is None:
            raise UnsupportedMediaTypeError("image must be JPEG, PNG or WebP", field=field,
                                            accepted=sorted(_MEDIA_TYPES.values()))
        if kind in ("JPEG", "PNG"):
            kept = kept_as_uploaded(data, kind, _MEDIA_TYPES[kind], field, max_side)
            if kept is not None:
                return kept
        return self._reencoded(data, kind, field, max_side)

    def rewritten(self, data: bytes, field: str) -> SanitizedImage:
        kind = sniff_image(data)
        if kind is None:
            raise UnsupportedMediaTypeError("image must be JPEG, PNG or WebP", field=field,
                                            accepted=sorted(_MEDIA_TYPES.values()))
        return self._reencoded(data, kind, field, None)

    @staticmethod
    def _reencoded(data: bytes, kind: str, field: str, max_side: int | None) -> SanitizedImage:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(io.BytesIO(data), formats=[kind]) as image:
                    refused = image_dimensions_error(*image.size, field)  # from the header: nothing decoded yet
                    if refused is not None:
                        raise refused
                    if max_side is not None:
                        reduce_while_decoding(image, max_side)
                    image.load()
                    # In place: no copy of the pixels when nothing turns (2 ms per 3-megapixel upload,
                    # on every upload of every verification: docs/targets.md §5); same bytes out.
                    ImageOps.exif_transpose(image, in_place=True)
                    pixels = image.convert("RGB") if image.mode not in ("RGB", "L", "RGBA") else image
                    if kind == "JPEG" and pixels.mode == "RGBA":
                        pixels = pixels.convert("RGB")
                    if max_side is not None and max(pixels.size) > max_side:
                        # area averaging, as the models shrink (cv2.INTER_AREA); the cheapest filter here too
                        pixels.thumbnail((max_side, max_side), Image.Resampling.BOX)
                    out = io.BytesIO()
                    pixels.save(out, format=kind, **_SAVE_OPTIONS[kind])  # no exif/icc/xmp passed on
                    width, height = pixels.size
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageDimensionsError("image has too many pixels", field=field,
                                       limit_pixels=MAX_IMAGE_PIXELS) from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise InvalidImageDataError("image data is corrupt or truncated", field=field) from None
        return SanitizedImage(content=out.getvalue(), media_type=_MEDIA_TYPES[kind], width=width, height=height)

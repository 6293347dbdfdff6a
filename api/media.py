"""Image input: base64 or multipart bytes in, a safe re-encoded image out (or a 4xx with a stable code).

Seed 001 section 6 (upload policy: MIME-type and size checks, EXIF stripping) and section 11 (max
10 MB per image, JPG/PNG/WebP). The type is recognised by the content's magic bytes, never by a file
name or a declared content type. Before any pixel is decoded, the header's dimensions are checked
against a pixel budget, so a small file that inflates to gigabytes (a decompression bomb) is refused
cheaply; Pillow's own ``MAX_IMAGE_PIXELS`` guard is set to the same budget as a second line. The
stored image is a re-encoding of the decoded pixels (orientation applied), so EXIF, GPS, XMP, ICC
and comments never reach storage.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import warnings
from dataclasses import dataclass

import msgspec
from PIL import Image, ImageOps

from domain.errors import DomainError

MAX_IMAGE_BYTES = 10 * 1024 * 1024  # seed 001 section 11
MAX_IMAGE_PIXELS = 40_000_000  # ~ an 8K x 5K photo; a 10 MB phone JPEG is far below
MAX_IMAGE_SIDE = 12_000
MIN_IMAGE_SIDE = 16
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS  # Pillow warns above this and refuses above twice this

_MEDIA_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
_SAVE_OPTIONS: dict[str, dict[str, object]] = {
    "JPEG": {"quality": 95, "subsampling": 0},  # high quality: OCR and face models read these pixels
    "PNG": {"optimize": False},
    "WEBP": {"quality": 95},
}


class MediaTooLargeError(DomainError):
    """The image is larger than 10 MB (seed 001 section 11). HTTP 413."""

    code = "media_too_large"


class UnsupportedMediaTypeError(DomainError):
    """The bytes are not a JPEG, PNG or WebP image (by content). HTTP 415."""

    code = "unsupported_media_type"


class InvalidImageDataError(DomainError):
    """Not valid base64, truncated or corrupt image data. HTTP 422."""

    code = "invalid_image_data"


class ImageDimensionsError(DomainError):
    """Too many pixels (decompression-bomb guard), a side too long, or an image too small. HTTP 422."""

    code = "image_dimensions_invalid"


MEDIA_ERROR_STATUS: dict[str, int] = {
    MediaTooLargeError.code: 413,
    UnsupportedMediaTypeError.code: 415,
    InvalidImageDataError.code: 422,
    ImageDimensionsError.code: 422,
}
"""HTTP status per media error code, for the error mapper."""


@dataclass(frozen=True)
class SanitizedImage:
    """A decoded and re-encoded image, free of metadata: what is stored and given to the models."""

    content: bytes
    media_type: str
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    def metadata(self) -> dict[str, object]:
        """Non-personal facts recorded with the capture."""
        return {"media_type": self.media_type, "width": self.width, "height": self.height,
                "bytes": len(self.content)}

    def __repr__(self) -> str:  # biometric bytes never go to logs
        return f"SanitizedImage({self.media_type}, {self.width}x{self.height}, {len(self.content)} bytes)"


def sniff_format(data: bytes) -> str | None:
    """The image format named by the magic bytes: ``JPEG``, ``PNG``, ``WEBP`` or None."""
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def decode_base64_media(text: str, field: str, *, kind: str, max_bytes: int,
                        invalid: type[DomainError]) -> bytes:
    """Base64 (standard or URL-safe, optional ``data:`` prefix) to bytes, size-checked first.

    ``kind`` names the media in messages ("image", "video"); ``invalid`` is the error for bad input.
    """
    if not isinstance(text, str) or not text:
        raise invalid(f"{kind} must be a non-empty base64 string", field=field)
    if text.startswith("data:"):
        text = text.partition(",")[2]
    # Refuse before decoding: base64 is 4 characters per 3 bytes.
    if len(text) > (max_bytes * 4) // 3 + 8:
        raise MediaTooLargeError(f"{kind} larger than {max_bytes // 1_000_000} MB", field=field,
                                 limit_bytes=max_bytes)
    compact = "".join(text.split())
    try:
        if "-" in compact or "_" in compact:
            return base64.urlsafe_b64decode(compact + "=" * (-len(compact) % 4))
        return base64.b64decode(compact + "=" * (-len(compact) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise invalid(f"{kind} is not valid base64", field=field) from None


def decode_base64_image(text: str, field: str) -> bytes:
    """An image's bytes from base64, at most 10 MB."""
    return decode_base64_media(text, field, kind="image", max_bytes=MAX_IMAGE_BYTES, invalid=InvalidImageDataError)


def sanitize_image(data: bytes, field: str) -> SanitizedImage:
    """Check size, type (by content) and dimensions, decode, and re-encode without metadata."""
    if len(data) > MAX_IMAGE_BYTES:
        raise MediaTooLargeError("image larger than 10 MB", field=field, limit_bytes=MAX_IMAGE_BYTES)
    kind = sniff_format(data)
    if kind is None:
        raise UnsupportedMediaTypeError("image must be JPEG, PNG or WebP", field=field,
                                        accepted=sorted(_MEDIA_TYPES.values()))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[kind]) as image:
                width, height = image.size  # from the header: nothing decoded yet
                _check_dimensions(width, height, field)
                image.load()
                upright = ImageOps.exif_transpose(image)
                pixels = upright.convert("RGB") if upright.mode not in ("RGB", "L", "RGBA") else upright
                if kind == "JPEG" and pixels.mode == "RGBA":
                    pixels = pixels.convert("RGB")
                out = io.BytesIO()
                pixels.save(out, format=kind, **_SAVE_OPTIONS[kind])  # no exif/icc/xmp passed on
                final_width, final_height = pixels.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageDimensionsError("image has too many pixels", field=field,
                                   limit_pixels=MAX_IMAGE_PIXELS) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise InvalidImageDataError("image data is corrupt or truncated", field=field) from None
    return SanitizedImage(content=out.getvalue(), media_type=_MEDIA_TYPES[kind],
                          width=final_width, height=final_height)


def _check_dimensions(width: int, height: int, field: str) -> None:
    if width * height > MAX_IMAGE_PIXELS or max(width, height) > MAX_IMAGE_SIDE:
        raise ImageDimensionsError("image has too many pixels", field=field, width=width, height=height,
                                   limit_pixels=MAX_IMAGE_PIXELS, limit_side=MAX_IMAGE_SIDE)
    if min(width, height) < MIN_IMAGE_SIDE:
        raise ImageDimensionsError("image is too small", field=field, width=width, height=height,
                                   min_side=MIN_IMAGE_SIDE)


def image_from_base64(text: str, field: str) -> SanitizedImage:
    """``decode_base64_image`` then ``sanitize_image``."""
    return sanitize_image(decode_base64_image(text, field), field)


FRAMES_MEDIA_TYPE = "application/x-kycledger-frames+msgpack"
MAX_LIVENESS_FRAMES = 64


class LivenessFrames(msgspec.Struct, frozen=True, kw_only=True):
    """An active-liveness response as stored: the challenge nonce, frame times and sanitized frames."""

    nonce: str
    offsets_ms: list[int]
    frames: list[bytes]

    def __repr__(self) -> str:
        return f"LivenessFrames({len(self.frames)} frames)"


def pack_frames(frames: LivenessFrames) -> bytes:
    """One blob for one response: its frames are judged together and erased together."""
    return msgspec.msgpack.encode(frames)


def unpack_frames(blob: bytes) -> LivenessFrames:
    return msgspec.msgpack.decode(blob, type=LivenessFrames)

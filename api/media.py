"""Media at the HTTP edge: base64 text to bytes, the media services the routes use, error statuses.

The rules and the decoding are not here: ``domain.ports.media`` holds the limits, value types and
errors (requirements/platform §6 and §11), and the composition root (``ops.api_wiring``) hands in the
adapters (``adapters/media``: Pillow, OpenCV) as ``ApiServices.media``. This module only turns
base64 into bytes (refusing oversized text before decoding it) and media errors into HTTP answers.
"""

from __future__ import annotations

import base64
import binascii

from api.deps import ApiDependencies, not_wired
from api.errors import ApiProblem
from api.ports import MediaServices
from domain.errors import DomainError
from domain.ports.media import (
    MAX_IMAGE_BYTES,
    MAX_VIDEO_BYTES,
    ImageDimensionsError,
    ImageSanitizer,
    InvalidImageDataError,
    InvalidVideoDataError,
    MediaTooLargeError,
    SanitizedImage,
    UnsupportedMediaTypeError,
    UnsupportedVideoTypeError,
    VideoTooLongError,
)

MEDIA_ERROR_STATUS: dict[str, int] = {
    MediaTooLargeError.code: 413,
    UnsupportedMediaTypeError.code: 415,
    InvalidImageDataError.code: 422,
    ImageDimensionsError.code: 422,
}
"""HTTP status per image error code, for the error mapper."""

VIDEO_ERROR_STATUS: dict[str, int] = {MediaTooLargeError.code: 413, UnsupportedVideoTypeError.code: 415,
                                      InvalidVideoDataError.code: 422, VideoTooLongError.code: 422}
"""HTTP status per video error code, for the error mapper."""


def media(deps: ApiDependencies) -> MediaServices:
    """The media services the composition root wired."""
    services = deps.services.media
    if services is None:
        raise not_wired("media")
    return services


def media_problem(exc: DomainError, statuses: dict[str, int]) -> ApiProblem:
    """A media error as the HTTP answer with its stable code (422 for codes not in ``statuses``)."""
    return ApiProblem(statuses.get(exc.code, 422), exc.code, exc.message, None, **exc.details)


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


def decode_base64_video(text: str, field: str) -> bytes:
    """A video's bytes from base64, at most 10 MB."""
    return decode_base64_media(text, field, kind="video", max_bytes=MAX_VIDEO_BYTES, invalid=InvalidVideoDataError)


def image_from_base64(images: ImageSanitizer, text: str, field: str, max_side: int | None = None) -> SanitizedImage:
    """``decode_base64_image`` then ``images.sanitize`` (shrunk to ``max_side`` when larger)."""
    return images.sanitize(decode_base64_image(text, field), field, max_side)

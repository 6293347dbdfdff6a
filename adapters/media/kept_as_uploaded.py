"""An upload kept as uploaded: its own compressed picture, metadata stripped, decoded once.

``domain.ports.media`` (requirements/platform §6 and §11): an upright JPEG or PNG within its size cap
is stored as its stripped byte stream (``adapters.media.lossless_strip``), no re-encoding, and decoded
here with the very call the checks decode stored images with (OpenCV, 3-channel BGR), so the pixels
returned along are the checks' pixels (``domain.ports.decoded_uploads``, docs/targets.md §5).
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from adapters.media.lossless_strip import (
    UPRIGHT,
    MalformedImageError,
    NotStrippableError,
    StrippedImage,
    strip_jpeg,
    strip_png,
)
from domain.ports.media import InvalidImageDataError, SanitizedImage, image_dimensions_error

_JPEG_COMPONENTS_KEPT = (1, 3)  # gray and YCbCr/RGB; CMYK and YCCK are re-encoded as RGB


def decode_like_the_checks(content: bytes) -> NDArray[np.uint8] | None:
    """The BGR pixels the checks decode from ``content`` (``ml.face.image`` and ``ml.document.images``
    decode with this call), or None when OpenCV cannot decode it."""
    pixels = cv2.imdecode(np.frombuffer(content, dtype=np.uint8), cv2.IMREAD_COLOR)
    return None if pixels is None else np.ascontiguousarray(pixels, dtype=np.uint8)


def strip(data: bytes, kind: str, field: str) -> StrippedImage | None:
    """The stripped stream of a JPEG or PNG; None when it is valid but not one this module rewrites.
    A malformed stream is refused (``InvalidImageDataError``) before anything else looks at it."""
    try:
        return strip_jpeg(data) if kind == "JPEG" else strip_png(data)
    except MalformedImageError:
        raise InvalidImageDataError("image data is corrupt or truncated", field=field) from None
    except NotStrippableError:
        return None


def kept_as_uploaded(data: bytes, kind: str, media_type: str, field: str,
                     max_side: int | None) -> SanitizedImage | None:
    """The upload stripped and decoded, or None when it must be re-encoded instead: a picture to turn
    upright (EXIF orientation), one larger than ``max_side``, a CMYK JPEG or a coding not stripped here.
    Raises the port's errors for malformed data and for dimensions outside the limits (header only)."""
    stripped = strip(data, kind, field)
    if stripped is None:
        return None
    refused = image_dimensions_error(stripped.width, stripped.height, field)  # nothing decoded yet
    if refused is not None:
        raise refused
    if stripped.orientation != UPRIGHT or (max_side is not None and max(stripped.width, stripped.height) > max_side):
        return None
    if kind == "JPEG" and stripped.components not in _JPEG_COMPONENTS_KEPT:
        return None
    pixels = decode_like_the_checks(stripped.content)
    if pixels is None or pixels.shape[:2] != (stripped.height, stripped.width):
        raise InvalidImageDataError("image data is corrupt or truncated", field=field)
    pixels.flags.writeable = False  # shared by every check of the request
    return SanitizedImage(content=stripped.content, media_type=media_type, width=stripped.width,
                          height=stripped.height, pixels=pixels)

"""Image decoding: bytes in, BGR array out, with a domain error instead of a crash."""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from domain.ports.decoded_uploads import handed_over
from ml.document.errors import ImageUnreadableError

Image = NDArray[np.uint8]
MAX_BYTES = 10 * 1024 * 1024  # requirements/platform §11: max upload 10 MB per image


def decode_image(data: bytes) -> Image:
    """Decode JPEG/PNG/WebP bytes to a 3-channel BGR image; the intake's read-only pixels of these very
    bytes when it handed them over in this request (``domain.ports.decoded_uploads``)."""
    if not data or len(data) > MAX_BYTES:
        raise ImageUnreadableError("image is empty or larger than 10 MB", size=len(data))
    handed = handed_over(data)
    image = handed if isinstance(handed, np.ndarray) else cv2.imdecode(np.frombuffer(data, dtype=np.uint8),
                                                                       cv2.IMREAD_COLOR)
    if image is None or image.size == 0:
        raise ImageUnreadableError("bytes are not a decodable image", size=len(data))
    return as_image(image)


def as_image(array: object) -> Image:
    """An OpenCV result typed as our 8-bit image (no copy when it already is one; OpenCV's stubs type
    every result as a generic array)."""
    return np.asarray(array, dtype=np.uint8)


def to_gray(image: Image) -> Image:
    return image if image.ndim == 2 else as_image(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY))

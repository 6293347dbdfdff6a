"""Decode uploaded image bytes into OpenCV arrays, refusing what is not an image."""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from domain.ports.decoded_uploads import handed_over
from domain.ports.face import InvalidImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # requirements/platform §11: max upload 10 MB per image
MIN_SIDE_PX = 32

BgrImage = NDArray[np.uint8]


def decode_image(data: bytes) -> BgrImage:
    """BGR pixels of an encoded image; ``InvalidImageError`` for empty, huge or undecodable bytes.

    Pixels the intake decoded from these very bytes in this request come as they were handed over
    (read-only; ``domain.ports.decoded_uploads``): the same array this call would decode."""
    if not data:
        raise InvalidImageError("empty image")
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidImageError("image larger than 10 MB", size=len(data))
    handed = handed_over(data)
    image = handed if isinstance(handed, np.ndarray) else cv2.imdecode(np.frombuffer(data, dtype=np.uint8),
                                                                       cv2.IMREAD_COLOR)
    if image is None:
        raise InvalidImageError("bytes are not a decodable image", size=len(data))
    if min(image.shape[:2]) < MIN_SIDE_PX:
        raise InvalidImageError("image too small", height=image.shape[0], width=image.shape[1])
    return np.ascontiguousarray(image, dtype=np.uint8)


def downscale(image: BgrImage, max_side: int) -> tuple[BgrImage, float]:
    """The image shrunk so its longer side is at most ``max_side``, and the factor applied."""
    height, width = image.shape[:2]
    scale = min(1.0, max_side / max(height, width))
    if scale >= 1.0:
        return image, 1.0
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return np.ascontiguousarray(cv2.resize(image, size, interpolation=cv2.INTER_AREA)), scale

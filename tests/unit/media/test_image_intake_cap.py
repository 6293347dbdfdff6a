"""``PillowImageSanitizer.sanitize(max_side=...)``: what liveness frames are capped to at intake
(domain.ports.media ``LIVENESS_FRAME_MAX_SIDE``, docs/targets.md §5).

A larger image is stored with its longer side at the cap (aspect kept), a JPEG decoded at a reduced
DCT scale first; an image within the cap comes out byte for byte as without one.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageFile

from adapters.media import PillowImageSanitizer
from domain.ports.media import LIVENESS_FRAME_MAX_SIDE

pytestmark = pytest.mark.unit

SANITIZER = PillowImageSanitizer()


def photo(width: int, height: int, kind: str = "JPEG") -> bytes:
    """A noisy picture (so a resize changes pixels and a re-encode is not trivial)."""
    rng = np.random.default_rng(7)
    pixels = rng.integers(0, 255, (height, width, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format=kind)
    return out.getvalue()


def stored_size(content: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(content)) as image:
        return image.size


def test_the_frame_cap_keeps_twice_the_liveness_work_size() -> None:
    from ml.liveness.active import WORK_MAX_SIDE

    assert LIVENESS_FRAME_MAX_SIDE == 2 * WORK_MAX_SIDE


def test_a_large_jpeg_is_stored_capped_and_decoded_at_a_reduced_scale(monkeypatch: pytest.MonkeyPatch) -> None:
    decoded: list[tuple[int, int]] = []
    load = ImageFile.ImageFile.load

    def recording_load(self: ImageFile.ImageFile):  # type: ignore[no-untyped-def]
        decoded.append(self.size)
        return load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", recording_load)
    clean = SANITIZER.sanitize(photo(3000, 2000), "frames_base64[0]", max_side=1280)
    assert (clean.width, clean.height) == (1280, 853) == stored_size(clean.content)
    assert decoded[0] == (1500, 1000)  # half the DCT scale: a quarter of the pixels decoded


def test_a_portrait_photo_is_capped_on_its_longer_side() -> None:
    clean = SANITIZER.sanitize(photo(900, 2400), "frames_base64[0]", max_side=1280)
    assert (clean.width, clean.height) == (480, 1280) == stored_size(clean.content)


def test_a_large_png_is_capped_too() -> None:
    clean = SANITIZER.sanitize(photo(1600, 1200, "PNG"), "frames_base64[0]", max_side=1280)
    assert (clean.media_type, clean.width, clean.height) == ("image/png", 1280, 960)


@pytest.mark.parametrize("size", [(400, 300), (1280, 720)], ids=["webcam", "at-the-cap"])
def test_an_image_within_the_cap_is_stored_as_without_one(size: tuple[int, int]) -> None:
    data = photo(*size)
    assert SANITIZER.sanitize(data, "f", max_side=1280).content == SANITIZER.sanitize(data, "f").content


def test_without_a_cap_a_large_image_keeps_its_size() -> None:
    clean = SANITIZER.sanitize(photo(3000, 2000), "selfie")
    assert (clean.width, clean.height) == (3000, 2000)

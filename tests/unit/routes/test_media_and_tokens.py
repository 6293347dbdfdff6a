"""Image input guards (type by content, size, pixel bombs, EXIF) and session-scoped client tokens."""

from __future__ import annotations

import base64
import io
import struct
import zlib
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from PIL import Image

from adapters.media import PillowImageSanitizer
from api.client_token import ClientTokens, InvalidClientTokenError
from api.media import image_from_base64 as image_from_base64_with
from domain.ports.media import (
    MAX_IMAGE_BYTES,
    ImageDimensionsError,
    InvalidImageDataError,
    MediaTooLargeError,
    SanitizedImage,
    UnsupportedMediaTypeError,
)
from domain.sessions.challenges import SessionChallenges

pytestmark = pytest.mark.unit

KEY = b"k" * 32
SANITIZER = PillowImageSanitizer()


def sanitize_image(data: bytes, field: str) -> SanitizedImage:
    return SANITIZER.sanitize(data, field)


def image_from_base64(text: str, field: str) -> SanitizedImage:
    return image_from_base64_with(SANITIZER, text, field)


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0131] = "GPS-leaking-software"  # Software
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height``: tiny on the wire, huge when decoded."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) \
        + chunk(b"IEND", b"")


def test_exif_is_stripped_and_pixels_kept() -> None:
    original = jpeg_with_exif()
    assert b"SecretCam" in original
    clean = sanitize_image(original, "selfie")
    assert clean.media_type == "image/jpeg" and (clean.width, clean.height) == (64, 48)
    assert b"SecretCam" not in clean.content and b"Exif" not in clean.content
    with Image.open(io.BytesIO(clean.content)) as reread:
        assert not reread.getexif()


def test_type_is_recognised_by_content_not_name() -> None:
    with pytest.raises(UnsupportedMediaTypeError):
        sanitize_image(b"GIF89a" + b"\x00" * 100, "selfie")
    with pytest.raises(UnsupportedMediaTypeError):
        sanitize_image(b"%PDF-1.7 not an image", "selfie")
    png = io.BytesIO()
    Image.new("RGB", (32, 32)).save(png, format="PNG")
    assert sanitize_image(png.getvalue(), "selfie").media_type == "image/png"
    webp = io.BytesIO()
    Image.new("RGB", (32, 32)).save(webp, format="WEBP")
    assert sanitize_image(webp.getvalue(), "selfie").media_type == "image/webp"


def test_too_big_truncated_and_bad_base64() -> None:
    with pytest.raises(MediaTooLargeError):
        sanitize_image(b"\xff\xd8\xff" + b"\x00" * MAX_IMAGE_BYTES, "selfie")
    with pytest.raises(MediaTooLargeError):
        image_from_base64("A" * (MAX_IMAGE_BYTES * 2), "selfie")
    with pytest.raises(InvalidImageDataError):
        image_from_base64("not base64 !!!", "selfie")
    with pytest.raises(InvalidImageDataError):
        sanitize_image(jpeg_with_exif()[:40], "selfie")


def test_pixel_bomb_is_refused_from_the_header() -> None:
    with pytest.raises(ImageDimensionsError):
        sanitize_image(png_header_only(60_000, 60_000), "selfie")
    with pytest.raises(ImageDimensionsError):
        sanitize_image(png_header_only(20_000, 100), "selfie")  # one side too long


def test_base64_and_data_url_forms() -> None:
    data = jpeg_with_exif()
    plain = base64.b64encode(data).decode()
    assert image_from_base64(plain, "f").width == 64
    assert image_from_base64("data:image/jpeg;base64," + plain, "f").width == 64
    assert image_from_base64(base64.urlsafe_b64encode(data).decode().rstrip("="), "f").width == 64


def test_client_token_round_trip_expiry_and_forgery() -> None:
    tokens = ClientTokens(KEY)
    session = uuid4()
    now = datetime(2026, 1, 1, tzinfo=UTC)
    token = tokens.issue("ten_a", session, now + timedelta(minutes=30))
    assert tokens.verify(token, now) == ("ten_a", session)
    with pytest.raises(InvalidClientTokenError):
        tokens.verify(token, now + timedelta(minutes=31))
    with pytest.raises(InvalidClientTokenError):
        ClientTokens(b"x" * 32).verify(token, now)
    _body, sig = token.removeprefix("kct1.").split(".")
    forged_body = base64.urlsafe_b64encode(f"ten_b|{session}|9999999999".encode()).decode().rstrip("=")
    with pytest.raises(InvalidClientTokenError):
        tokens.verify(f"kct1.{forged_body}.{sig}", now)
    with pytest.raises(InvalidClientTokenError):
        tokens.verify("garbage", now)


def test_session_challenge_is_rederivable_and_differs_per_attempt() -> None:
    challenges = SessionChallenges(KEY)
    session, issued = uuid4(), datetime(2026, 1, 1, tzinfo=UTC)
    first = challenges.challenge(session, 1, issued, timedelta(minutes=30))
    assert first == challenges.challenge(session, 1, issued, timedelta(minutes=30))
    assert 2 <= len(first.actions) <= 4
    assert first.expires_at == issued + timedelta(minutes=30)
    assert challenges.challenge(session, 2, issued, timedelta(minutes=30)).nonce != first.nonce
    assert SessionChallenges(b"z" * 32).challenge(session, 1, issued, timedelta(minutes=30)).nonce != first.nonce


def test_every_session_challenge_has_a_blink_and_a_movement() -> None:
    from domain.liveness_challenge import is_complete_challenge

    challenges = SessionChallenges(KEY)
    issued = datetime(2026, 1, 1, tzinfo=UTC)
    drawn = [challenges.challenge(uuid4(), attempt, issued, timedelta(minutes=30)).actions
             for attempt in (1, 2) for _ in range(300)]
    assert all(is_complete_challenge(actions) and 2 <= len(actions) <= 3 for actions in drawn)
    assert len(set(drawn)) > 20

"""Media intake ports: uploaded images and liveness videos in, safe metadata-free pixels out.

requirements/platform §6 (upload policy: MIME-type and size checks, EXIF stripping) and §11 (max
10 MB per upload, JPG/PNG/WebP). The rules live here; the decoding lives in ``adapters/media``:

- ``ImageSanitizer``: the type is recognised by the content's magic bytes, never by a file name or a
  declared content type; the dimensions are checked from the header before any pixel is decoded (a
  decompression bomb is refused cheaply); EXIF, GPS, XMP, ICC, comments, thumbnails and trailing data
  never reach storage. An upright JPEG or PNG within its size cap keeps its own compressed picture,
  metadata stripped from the byte stream (no re-encoding: the stored picture is the upload's, and the
  pixels decoded at intake are those every check decodes, handed over in the same request by
  ``domain.ports.decoded_uploads``); any other upload (a turned or oversized picture, WebP, CMYK, an
  unusual JPEG coding) is re-encoded from its decoded pixels.
- Liveness frames are capped at intake to ``LIVENESS_FRAME_MAX_SIDE`` pixels on their longer side
  (docs/targets.md §5): the active-liveness models shrink every frame to 640 pixels anyway
  (``ml.liveness.active.WORK_MAX_SIDE``), so a larger frame only costs decoding; the cap keeps twice
  that for the reviewer's view. A JPEG is decoded at a reduced DCT scale, then resized to the cap. The
  stored (capped) frame is what the models judge, inline or on a worker alike.
- ``VideoSampler``: an MP4 or WebM liveness answer, at most 15 s and 600
  decoded frames, sampled at 12.5 frames per second into JPEG frames. Only the sampled frames are kept:
  they are what the active-liveness check judges (data minimisation; the evidence is exactly the model's input).
- ``LivenessFramesCodec``: one stored blob per active-liveness answer (its frames are judged together
  and erased together), written by the API and read by the verification pipeline.

Bad input raises a ``DomainError`` below with a stable ``code``; the API maps codes to HTTP statuses.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Protocol

from domain.errors import DomainError
from domain.liveness_challenge import MAX_FRAMES

MAX_IMAGE_BYTES = 10 * 1024 * 1024  # requirements/platform §11
MAX_IMAGE_PIXELS = 40_000_000  # ~ an 8K x 5K photo; a 10 MB phone JPEG is far below
MAX_IMAGE_SIDE = 12_000
MIN_IMAGE_SIDE = 16

MAX_VIDEO_BYTES = MAX_IMAGE_BYTES  # requirements/platform §11: the image limit applies to every upload
MAX_VIDEO_MS = 15_000
MAX_VIDEO_FRAMES = 600
# A liveness video is sampled like the capture page records: a frame every 80 ms (12.5 frames per
# second, dense enough for a blink; domain.liveness_verdict), at most as many as an answer may hold.
SAMPLE_EVERY_MS = 80
SAMPLED_FRAMES = MAX_FRAMES

FRAMES_MEDIA_TYPE = "application/x-kycledger-frames+msgpack"
MAX_LIVENESS_FRAMES = MAX_FRAMES  # what the active-liveness rules accept in one answer
LIVENESS_FRAME_MAX_SIDE = 1280  # 2 x the liveness models' 640-pixel work size (see the module docstring)


class MediaTooLargeError(DomainError):
    """The upload is larger than 10 MB (requirements/platform §11). HTTP 413."""

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


class UnsupportedVideoTypeError(DomainError):
    """The bytes are not an MP4 or WebM video (by content). HTTP 415."""

    code = "unsupported_video_type"


class InvalidVideoDataError(DomainError):
    """Not valid base64, or a video that cannot be decoded, has too few frames or bad dimensions. HTTP 422."""

    code = "invalid_video_data"


class VideoTooLongError(DomainError):
    """Longer than 15 s or more than 600 frames. HTTP 422."""

    code = "video_too_long"


def image_dimensions_error(width: int, height: int, field: str) -> ImageDimensionsError | None:
    """The error for a frame of ``width`` x ``height``, or None when it is within the limits."""
    if width * height > MAX_IMAGE_PIXELS or max(width, height) > MAX_IMAGE_SIDE:
        return ImageDimensionsError("image has too many pixels", field=field, width=width, height=height,
                                    limit_pixels=MAX_IMAGE_PIXELS, limit_side=MAX_IMAGE_SIDE)
    if min(width, height) < MIN_IMAGE_SIDE:
        return ImageDimensionsError("image is too small", field=field, width=width, height=height,
                                    min_side=MIN_IMAGE_SIDE)
    return None


@dataclass(frozen=True)
class SanitizedImage:
    """An image free of metadata: what is stored and given to the models.

    ``pixels``: when ``content`` is the upload's own picture (stripped, not re-encoded), the array the
    checks' decoder makes of ``content``, read-only, for ``decoded_uploads.hand_over``; else None."""

    content: bytes
    media_type: str
    width: int
    height: int
    pixels: object | None = dataclass_field(default=None, compare=False)

    @property
    def sha256(self) -> str:
        """Hex sha256 of the stored content."""
        return hashlib.sha256(self.content).hexdigest()

    def metadata(self) -> dict[str, object]:
        """Non-personal facts recorded with the capture."""
        return {"media_type": self.media_type, "width": self.width, "height": self.height,
                "bytes": len(self.content)}

    def __repr__(self) -> str:  # biometric bytes never go to logs
        return f"SanitizedImage({self.media_type}, {self.width}x{self.height}, {len(self.content)} bytes)"


@dataclass(frozen=True)
class SampledVideo:
    """Frames (JPEG, no metadata) sampled evenly from a video, with their times in the video."""

    container: str
    frames: list[bytes]
    offsets_ms: list[int]
    decoded_frames: int
    duration_ms: int
    width: int
    height: int

    def metadata(self) -> dict[str, object]:
        """Non-personal facts recorded with the capture."""
        return {"source": "video", "container": self.container, "decoded_frames": self.decoded_frames,
                "duration_ms": self.duration_ms, "width": self.width, "height": self.height}

    def __repr__(self) -> str:  # biometric bytes never go to logs
        return f"SampledVideo({self.container}, {len(self.frames)} of {self.decoded_frames} frames)"


@dataclass(frozen=True)
class LivenessFrames:
    """An active-liveness answer as stored: the challenge nonce, frame times and sanitized frames."""

    nonce: str
    offsets_ms: list[int]
    frames: list[bytes]

    def __repr__(self) -> str:  # biometric bytes never go to logs
        return f"LivenessFrames({len(self.frames)} frames)"


class ImageSanitizer(Protocol):
    """Turns uploaded image bytes into a safe, metadata-free image (stripped or re-encoded)."""

    def sanitize(self, data: bytes, field: str, max_side: int | None = None) -> SanitizedImage:
        """Check size, type (by content) and header dimensions, strip metadata, decode (and re-encode
        when the picture cannot be kept as uploaded).

        ``field`` names the request field in errors. With ``max_side``, an image whose longer side
        is larger is shrunk (aspect kept) so that side is ``max_side``; a smaller one is unchanged.
        Raises ``MediaTooLargeError``, ``UnsupportedMediaTypeError``, ``ImageDimensionsError`` or
        ``InvalidImageDataError``.
        """
        ...


    def rewritten(self, data: bytes, field: str) -> SanitizedImage:
        """A stored image decoded and re-encoded in its format, always (nothing of its byte stream passes
        through): what a browser is shown, so images are never served as uploaded (requirements/platform §6).
        Raises the errors of ``sanitize``."""
        ...


class VideoSampler(Protocol):
    """Turns an uploaded liveness video into evenly sampled, metadata-free JPEG frames."""

    def sample(self, data: bytes, field: str) -> SampledVideo:
        """Check size and type (by content), decode, guard the decoded length, sample frames.

        No copy of the video outlives the call. Raises ``MediaTooLargeError``,
        ``UnsupportedVideoTypeError``, ``VideoTooLongError`` or ``InvalidVideoDataError``.
        """
        ...


class LivenessFramesCodec(Protocol):
    """The stored byte format of one active-liveness answer (media type ``FRAMES_MEDIA_TYPE``)."""

    def pack(self, frames: LivenessFrames) -> bytes:
        """One blob for one answer."""
        ...

    def unpack(self, blob: bytes) -> LivenessFrames:
        """The answer a blob of ``pack`` holds."""
        ...

"""Short liveness videos in, evenly sampled metadata-free JPEG frames out (issue 5 "video capture").

Seed 001 section 6 (upload policy: type by content, size checks) and section 11 (10 MB per upload).
A video is recognised by its magic bytes only: MP4 (ISO BMFF, ``ftyp`` box at offset 4) or WebM
(EBML header with the ``webm`` DocType). It is decoded by OpenCV's FFmpeg backend from a private
temporary file (``cv2.VideoCapture`` cannot read memory), deleted before this module returns,
whatever happens. Length is guarded by what is actually decoded (frame count and frame times),
never by the container's claims, which browsers' WebM often leave empty.

Only the sampled frames leave this module: they are what the active-liveness check judges, so
they are stored (as a ``liveness_frames`` capture) instead of the whole video. Keeping fewer
biometric images is data minimisation, and the evidence is exactly the input the model saw.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from api.media import (
    MAX_IMAGE_BYTES,
    MAX_IMAGE_PIXELS,
    MAX_IMAGE_SIDE,
    MIN_IMAGE_SIDE,
    MediaTooLargeError,
    decode_base64_media,
)
from domain.errors import DomainError

MAX_VIDEO_BYTES = MAX_IMAGE_BYTES  # seed 001 section 11: the image limit applies to every upload
MAX_VIDEO_MS = 15_000
MAX_VIDEO_FRAMES = 600
SAMPLED_FRAMES = 15
_JPEG_QUALITY = 95  # the face models read these pixels


class UnsupportedVideoTypeError(DomainError):
    """The bytes are not an MP4 or WebM video (by content). HTTP 415."""

    code = "unsupported_video_type"


class InvalidVideoDataError(DomainError):
    """Not valid base64, or a video that cannot be decoded, has too few frames or bad dimensions. HTTP 422."""

    code = "invalid_video_data"


class VideoTooLongError(DomainError):
    """Longer than 15 s or more than 600 frames. HTTP 422."""

    code = "video_too_long"


VIDEO_ERROR_STATUS: dict[str, int] = {MediaTooLargeError.code: 413, UnsupportedVideoTypeError.code: 415,
                                      InvalidVideoDataError.code: 422, VideoTooLongError.code: 422}
"""HTTP status per video error code, for the error mapper."""


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


def sniff_video(data: bytes) -> str | None:
    """The container named by the magic bytes: ``mp4``, ``webm`` or None."""
    if len(data) >= 12 and data[4:8] == b"ftyp":
        return "mp4"
    if data[:4] == b"\x1a\x45\xdf\xa3" and b"webm" in data[:64]:  # EBML header, DocType "webm"
        return "webm"
    return None


def decode_base64_video(text: str, field: str) -> bytes:
    """A video's bytes from base64, at most 10 MB."""
    return decode_base64_media(text, field, kind="video", max_bytes=MAX_VIDEO_BYTES, invalid=InvalidVideoDataError)


def sample_video(data: bytes, field: str, samples: int = SAMPLED_FRAMES,
                 temp_root: Path | None = None) -> SampledVideo:
    """Check size and type, decode, guard the length and sample ``samples`` frames evenly."""
    if len(data) > MAX_VIDEO_BYTES:
        raise MediaTooLargeError("video larger than 10 MB", field=field, limit_bytes=MAX_VIDEO_BYTES)
    container = sniff_video(data)
    if container is None:
        raise UnsupportedVideoTypeError("video must be MP4 or WebM", field=field,
                                        accepted=["video/mp4", "video/webm"])
    # mkdtemp makes a 0700 directory: the biometric video is readable by this process's user only.
    with tempfile.TemporaryDirectory(prefix="kyc-video-", dir=temp_root) as folder:
        path = Path(folder) / f"capture.{container}"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        times = _frame_times(path, field)
        picks = _even_indices(len(times), samples)
        frames, width, height = _read_frames(path, set(picks), field)
    return SampledVideo(container=container, frames=frames, offsets_ms=[times[i] for i in picks],
                        decoded_frames=len(times), duration_ms=times[-1] - times[0], width=width, height=height)


def _open(path: Path, field: str) -> cv2.VideoCapture:
    capture = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    if not capture.isOpened():
        raise InvalidVideoDataError("video cannot be decoded", field=field)
    width, height = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
    if width * height > MAX_IMAGE_PIXELS or max(width, height) > MAX_IMAGE_SIDE \
            or min(width, height) < MIN_IMAGE_SIDE:
        capture.release()
        raise InvalidVideoDataError("video frame size out of range", field=field, width=width, height=height)
    return capture


def _frame_times(path: Path, field: str) -> list[int]:
    """Each decoded frame's time (ms); stops as soon as a limit is passed."""
    capture = _open(path, field)
    times: list[int] = []
    fps = capture.get(cv2.CAP_PROP_FPS)
    try:
        while capture.grab():
            times.append(round(capture.get(cv2.CAP_PROP_POS_MSEC)))
            if len(times) > MAX_VIDEO_FRAMES or times[-1] - times[0] > MAX_VIDEO_MS:
                raise VideoTooLongError("video longer than 15 s or 600 frames", field=field,
                                        limit_ms=MAX_VIDEO_MS, limit_frames=MAX_VIDEO_FRAMES)
    finally:
        capture.release()
    if len(times) < 2:
        raise InvalidVideoDataError("video has fewer than 2 decodable frames", field=field)
    # Some containers report no frame times: fall back to the frame rate (25 fps when unknown).
    if len(set(times)) < len(times):
        step = 1000.0 / fps if 1 <= fps <= 240 else 40.0
        times = [round(i * step) for i in range(len(times))]
        if times[-1] > MAX_VIDEO_MS:
            raise VideoTooLongError("video longer than 15 s or 600 frames", field=field,
                                    limit_ms=MAX_VIDEO_MS, limit_frames=MAX_VIDEO_FRAMES)
    return times


def _even_indices(count: int, samples: int) -> list[int]:
    if count <= samples:
        return list(range(count))
    return sorted({round(i) for i in np.linspace(0, count - 1, samples)})


def _read_frames(path: Path, wanted: set[int], field: str) -> tuple[list[bytes], int, int]:
    capture = _open(path, field)
    frames: list[bytes] = []
    width = height = 0
    try:
        index = 0
        while len(frames) < len(wanted) and capture.grab():
            if index in wanted:
                ok, pixels = capture.retrieve()
                if not ok:
                    raise InvalidVideoDataError("video frame cannot be decoded", field=field, frame=index)
                height, width = pixels.shape[:2]
                encoded, jpeg = cv2.imencode(".jpg", pixels, [cv2.IMWRITE_JPEG_QUALITY, _JPEG_QUALITY])
                if not encoded:
                    raise InvalidVideoDataError("video frame cannot be re-encoded", field=field, frame=index)
                frames.append(jpeg.tobytes())  # a fresh JFIF: no container or capture metadata
            index += 1
    finally:
        capture.release()
    if len(frames) != len(wanted):
        raise InvalidVideoDataError("video changed between decoding passes", field=field)
    return frames, width, height

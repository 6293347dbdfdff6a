"""``VideoSampler`` on OpenCV's FFmpeg backend: MP4/WebM by content, decoded from a private temp file.

A video is recognised by its magic bytes only: MP4 (ISO BMFF, ``ftyp`` box at offset 4) or WebM
(EBML header with the ``webm`` DocType). ``cv2.VideoCapture`` cannot read memory, so the bytes go to
a private temporary file (0600 in a 0700 directory) that is deleted before ``sample`` returns,
whatever happens. Length is guarded by what is actually decoded (frame count and frame times),
never by the container's claims, which browsers' WebM often leave empty. Limits are the port's
(``domain.ports.media``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import cv2
import numpy as np

from domain.ports.media import (
    MAX_VIDEO_BYTES,
    MAX_VIDEO_FRAMES,
    MAX_VIDEO_MS,
    SAMPLE_EVERY_MS,
    SAMPLED_FRAMES,
    InvalidVideoDataError,
    MediaTooLargeError,
    SampledVideo,
    UnsupportedVideoTypeError,
    VideoTooLongError,
    image_dimensions_error,
)

_JPEG_QUALITY = 95  # the face models read these pixels


def sniff_video(data: bytes) -> str | None:
    """The container named by the magic bytes: ``mp4``, ``webm`` or None."""
    if len(data) >= 12 and data[4:8] == b"ftyp":
        return "mp4"
    if data[:4] == b"\x1a\x45\xdf\xa3" and b"webm" in data[:64]:  # EBML header, DocType "webm"
        return "webm"
    return None


class OpenCvVideoSampler:
    """Samples a frame every ``every_ms`` (at most ``samples``, spread evenly when there are more);
    ``temp_root`` is where the private copy goes (system temp if None)."""

    def __init__(self, samples: int = SAMPLED_FRAMES, temp_root: Path | None = None,
                 every_ms: int = SAMPLE_EVERY_MS) -> None:
        self.samples = samples
        self.temp_root = temp_root
        self.every_ms = every_ms

    def sample(self, data: bytes, field: str) -> SampledVideo:
        if len(data) > MAX_VIDEO_BYTES:
            raise MediaTooLargeError("video larger than 10 MB", field=field, limit_bytes=MAX_VIDEO_BYTES)
        container = sniff_video(data)
        if container is None:
            raise UnsupportedVideoTypeError("video must be MP4 or WebM", field=field,
                                            accepted=["video/mp4", "video/webm"])
        # mkdtemp makes a 0700 directory: the biometric video is readable by this process's user only.
        with tempfile.TemporaryDirectory(prefix="kyc-video-", dir=self.temp_root) as folder:
            path = Path(folder) / f"capture.{container}"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            times = _frame_times(path, field)
            picks = _sampled_indices(times, self.samples, self.every_ms)
            frames, width, height = _read_frames(path, set(picks), field)
        return SampledVideo(container=container, frames=frames, offsets_ms=[times[i] for i in picks],
                            decoded_frames=len(times), duration_ms=times[-1] - times[0], width=width,
                            height=height)


def _open(path: Path, field: str) -> cv2.VideoCapture:
    capture = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    if not capture.isOpened():
        raise InvalidVideoDataError("video cannot be decoded", field=field)
    width, height = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
    if image_dimensions_error(width, height, field) is not None:
        capture.release()
        raise InvalidVideoDataError("video frame size out of range", field=field, width=width, height=height)
    return capture


def _too_long(field: str) -> VideoTooLongError:
    return VideoTooLongError("video longer than 15 s or 600 frames", field=field,
                             limit_ms=MAX_VIDEO_MS, limit_frames=MAX_VIDEO_FRAMES)


def _frame_times(path: Path, field: str) -> list[int]:
    """Each decoded frame's time (ms); stops as soon as a limit is passed."""
    capture = _open(path, field)
    times: list[int] = []
    fps = capture.get(cv2.CAP_PROP_FPS)
    try:
        while capture.grab():
            times.append(round(capture.get(cv2.CAP_PROP_POS_MSEC)))
            if len(times) > MAX_VIDEO_FRAMES or times[-1] - times[0] > MAX_VIDEO_MS:
                raise _too_long(field)
    finally:
        capture.release()
    if len(times) < 2:
        raise InvalidVideoDataError("video has fewer than 2 decodable frames", field=field)
    # Some containers report no frame times: fall back to the frame rate (25 fps when unknown).
    if len(set(times)) < len(times):
        step = 1000.0 / fps if 1 <= fps <= 240 else 40.0
        times = [round(i * step) for i in range(len(times))]
        if times[-1] > MAX_VIDEO_MS:
            raise _too_long(field)
    return times


def _sampled_indices(times: list[int], samples: int, every_ms: int) -> list[int]:
    """Every frame when few; else one at least ``every_ms`` after the last kept, thinned evenly to ``samples``."""
    if len(times) <= samples:
        return list(range(len(times)))
    spaced = [0]
    for index in range(1, len(times)):
        if times[index] - times[spaced[-1]] >= every_ms:
            spaced.append(index)
    if len(spaced) <= samples:
        return spaced
    return sorted({spaced[round(i)] for i in np.linspace(0, len(spaced) - 1, samples)})


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

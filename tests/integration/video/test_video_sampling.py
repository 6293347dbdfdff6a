"""``OpenCvVideoSampler``: real MP4/WebM videos made from face photos are sampled, bad ones refused, no temp left."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from adapters.media import OpenCvVideoSampler, sniff_video
from domain.ports.media import (
    MAX_VIDEO_BYTES,
    SAMPLED_FRAMES,
    InvalidVideoDataError,
    MediaTooLargeError,
    SampledVideo,
    UnsupportedVideoTypeError,
    VideoTooLongError,
)
from tests.integration.video.support import FACES, face_video

pytestmark = pytest.mark.integration


def sample_video(data: bytes, field: str, samples: int = SAMPLED_FRAMES, temp_root: Path | None = None) -> SampledVideo:
    return OpenCvVideoSampler(samples=samples, temp_root=temp_root).sample(data, field)


def test_opencv_here_decodes_with_ffmpeg() -> None:
    ffmpeg = [line for line in cv2.getBuildInformation().splitlines() if "FFMPEG:" in line]
    assert ffmpeg and ffmpeg[0].strip().endswith("YES")


@pytest.mark.parametrize("container", ["mp4", "webm"])
def test_video_is_sampled_into_clean_jpeg_frames(container: str, tmp_path: Path) -> None:
    data = face_video(tmp_path / f"v.{container}", seconds=3.0, fps=10.0)
    assert sniff_video(data) == container
    temp_root = tmp_path / "decode"
    temp_root.mkdir()
    video = sample_video(data, "video", samples=12, temp_root=temp_root)
    assert video.container == container and video.decoded_frames == 30
    assert len(video.frames) == 12 and len(video.offsets_ms) == 12
    assert video.offsets_ms == sorted(video.offsets_ms) and video.offsets_ms[0] == 0
    assert 2500 <= video.offsets_ms[-1] <= 3000 and (video.width, video.height) == (320, 400)
    for frame in video.frames:
        assert frame[:3] == b"\xff\xd8\xff" and b"Exif" not in frame[:64]
        pixels = cv2.imdecode(np.frombuffer(frame, np.uint8), cv2.IMREAD_COLOR)
        assert pixels.shape == (400, 320, 3)
    assert list(temp_root.iterdir()) == []  # the private temp copy is gone


def test_a_short_video_keeps_every_frame(tmp_path: Path) -> None:
    video = sample_video(face_video(tmp_path / "v.mp4", seconds=0.5, fps=10.0), "video", temp_root=tmp_path)
    assert len(video.frames) == video.decoded_frames == 5


def test_refusals_carry_stable_codes_and_leave_nothing(tmp_path: Path) -> None:
    temp_root = tmp_path / "decode"
    temp_root.mkdir()
    photo = (FACES / "obama.jpg").read_bytes()
    with pytest.raises(UnsupportedVideoTypeError) as not_video:
        sample_video(photo, "video", temp_root=temp_root)
    assert not_video.value.code == "unsupported_video_type"
    too_long = face_video(tmp_path / "long.mp4", seconds=16.0, fps=5.0, size=(64, 64))
    with pytest.raises(VideoTooLongError) as long_error:
        sample_video(too_long, "video", temp_root=temp_root)
    assert long_error.value.code == "video_too_long"
    many = face_video(tmp_path / "many.webm", seconds=10.1, fps=60.0, size=(32, 32))
    with pytest.raises(VideoTooLongError):
        sample_video(many, "video", temp_root=temp_root)
    broken = face_video(tmp_path / "broken.mp4")[:200]  # an ftyp box, then nothing decodable
    with pytest.raises(InvalidVideoDataError) as broken_error:
        sample_video(broken, "video", temp_root=temp_root)
    assert broken_error.value.code == "invalid_video_data"
    with pytest.raises(MediaTooLargeError):
        sample_video(b"\x00\x00\x00\x18ftypisom" + b"\x00" * MAX_VIDEO_BYTES, "video", temp_root=temp_root)
    assert list(temp_root.iterdir()) == []

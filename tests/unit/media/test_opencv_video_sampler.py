"""``OpenCvVideoSampler``: the private copy of the video exists only during decoding, whatever happens.

``cv2.VideoCapture`` is replaced by a scripted capture that looks at the file it is given, so these
run without a codec; ``tests/integration/video`` decodes real MP4/WebM files.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import pytest

from adapters.media import OpenCvVideoSampler, sniff_video
from domain.ports.media import MAX_VIDEO_FRAMES, InvalidVideoDataError, SampledVideo, VideoTooLongError

pytestmark = pytest.mark.unit

MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2mp41" + b"\x00" * 64
WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm" + b"\x00" * 64


@dataclass
class Script:
    """What the scripted capture does, and what it saw of the private copy."""

    opens: bool = True
    frames: int = 3
    frame_ms: float = 40.0
    grab_error: Exception | None = None
    seen: list[Path] = field(default_factory=list)
    released: int = 0


def scripted_capture(script: Script, expected: bytes) -> type:
    class ScriptedCapture:
        def __init__(self, path: str, backend: int) -> None:
            assert backend == cv2.CAP_FFMPEG
            copy = Path(path)
            assert copy.read_bytes() == expected  # the whole upload, as sent
            assert stat.S_IMODE(copy.stat().st_mode) == 0o600
            assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700
            script.seen.append(copy)
            self.position = -1

        def isOpened(self) -> bool:  # OpenCV's name
            return script.opens

        def get(self, prop: int) -> float:
            return {cv2.CAP_PROP_FRAME_WIDTH: 64.0, cv2.CAP_PROP_FRAME_HEIGHT: 48.0, cv2.CAP_PROP_FPS: 25.0,
                    cv2.CAP_PROP_POS_MSEC: self.position * script.frame_ms}.get(prop, 0.0)

        def grab(self) -> bool:
            if script.grab_error is not None:
                raise script.grab_error
            self.position += 1
            return self.position < script.frames

        def retrieve(self) -> tuple[bool, np.ndarray]:
            return True, np.full((48, 64, 3), 40 * self.position, np.uint8)

        def release(self) -> None:
            script.released += 1

    return ScriptedCapture


@pytest.fixture
def temp_root(tmp_path: Path) -> Path:
    root = tmp_path / "decode"
    root.mkdir()
    return root


def _sample(monkeypatch: pytest.MonkeyPatch, script: Script, data: bytes, temp_root: Path,
            samples: int = 15) -> SampledVideo:
    monkeypatch.setattr(cv2, "VideoCapture", scripted_capture(script, data))
    return OpenCvVideoSampler(samples=samples, temp_root=temp_root).sample(data, "video")


def test_decoded_video_leaves_no_copy(monkeypatch: pytest.MonkeyPatch, temp_root: Path) -> None:
    script = Script(frames=5)
    video = _sample(monkeypatch, script, WEBM, temp_root, samples=3)
    assert (video.container, video.decoded_frames, video.offsets_ms) == ("webm", 5, [0, 80, 160])
    assert video.duration_ms == 160 and (video.width, video.height) == (64, 48)
    assert all(frame[:3] == b"\xff\xd8\xff" for frame in video.frames)
    assert script.seen[0].name == "capture.webm" and script.seen[0].parent.parent == temp_root
    assert script.released == 2  # one capture per pass, each released
    assert list(temp_root.iterdir()) == []


def test_undecodable_video_leaves_no_copy(monkeypatch: pytest.MonkeyPatch, temp_root: Path) -> None:
    script = Script(opens=False)
    with pytest.raises(InvalidVideoDataError) as refused:
        _sample(monkeypatch, script, MP4, temp_root)
    assert refused.value.code == "invalid_video_data" and refused.value.details["field"] == "video"
    assert len(script.seen) == 1 and not script.seen[0].exists()
    assert list(temp_root.iterdir()) == []


def test_a_decoder_crash_leaves_no_copy(monkeypatch: pytest.MonkeyPatch, temp_root: Path) -> None:
    script = Script(grab_error=cv2.error("scripted decoder failure"))
    with pytest.raises(cv2.error):
        _sample(monkeypatch, script, MP4, temp_root)
    assert script.released == 1 and len(script.seen) == 1
    assert list(temp_root.iterdir()) == []


def test_too_many_frames_stops_decoding_and_leaves_no_copy(monkeypatch: pytest.MonkeyPatch,
                                                           temp_root: Path) -> None:
    script = Script(frames=10_000, frame_ms=1.0)  # 1 ms apart: the frame limit, not the time limit, trips
    with pytest.raises(VideoTooLongError) as refused:
        _sample(monkeypatch, script, MP4, temp_root)
    assert refused.value.details["limit_frames"] == MAX_VIDEO_FRAMES
    assert script.released == 1
    assert list(temp_root.iterdir()) == []


def test_containers_are_recognised_by_content() -> None:
    assert (sniff_video(MP4), sniff_video(WEBM)) == ("mp4", "webm")
    assert sniff_video(b"\x1a\x45\xdf\xa3" + b"\x00" * 60 + b"matroska") is None  # EBML, but not WebM
    assert sniff_video(b"\xff\xd8\xff\xe0" + b"\x00" * 20) is None

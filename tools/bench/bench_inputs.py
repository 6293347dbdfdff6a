"""The request bodies of ``tools.bench.verify_throughput``: three input sets, base64 once.

- ``webcam`` (default): what the capture page sends (``api/web/static/capture.js``): liveness frames of
  a live person's webcam clip (``liveness-video/cap13_edit2.mp4``, 400x300) taken every 80 ms while
  the challenge's steps and the final "look" step run (each step ``min(2500, (max_capture_ms - 1000) /
  steps)`` ms), re-encoded as JPEG quality 0.85 like the page's canvas, from 1.0 s into the clip (a
  blink at about 3.9 s falls in the window); the selfie is the clip's frame at 0.5 s (quality 0.92).
  The clip is smaller than the page's 480-pixel frame cap and 1280-pixel selfie cap, so it is sent as is.
- ``passive``: the issue's scenario without a challenge: the document and the webcam selfie, checks
  ocr, face_match, liveness (passive), data_validation and screening.
- ``passing``: the issue's scenario with every check passing and an accepted decision: a camera-like
  photo of a passport drawn for the live person of the clips, and a selfie of that person from the
  other clip (``tools.bench.passing_inputs``), run as the tenant that accepts a passive liveness pass.
- ``photos``: the first round's set (``tools.bench.verify_api``): 10 frames cycled from three
  3.3-megapixel and smaller Obama photos, the 3.3-megapixel one as the selfie.

The others send the ICAO TD3 specimen passport (expired in 2012) as the document front: their decisions
are rejections.
"""

from __future__ import annotations

import base64
import math
from pathlib import Path
from typing import Any

import cv2

from tools.bench.passing_inputs import PASSING_SELFIE_AT_MS, passing_document

ACTIVE_CHECKS = ["ocr", "face_match", "liveness"]
PASSIVE_CHECKS = ["ocr", "face_match", "liveness", "data_validation", "screening"]
FRAME_EVERY_MS = 80  # capture.js FRAME_EVERY_MS
MAX_FRAMES = 150  # capture.js MAX_FRAMES
CLIP = Path("liveness-video") / "cap13_edit2.mp4"
CLIP_START_MS = 1000
SELFIE_AT_MS = 500


def encode(data: bytes) -> str:
    return base64.b64encode(data).decode()


def document(data: Path) -> str:
    return encode((data / "mrz" / "images" / "passporteye" / "passport-td3.jpg").read_bytes())


class PhotoInputs:
    """The first round's set: 10 frames cycled from three photos (up to 3.3 megapixels)."""

    name = "photos"
    checks = ACTIVE_CHECKS
    active = True
    passive_accepted = False

    def __init__(self, data: Path) -> None:
        faces = data / "faces" / "face_recognition"
        self.document = document(data)
        self.selfie = encode((faces / "obama3.jpg").read_bytes())
        photos = [encode((faces / n).read_bytes()) for n in ("obama3.jpg", "obama.jpg", "obama2.jpg")]
        self.frames = [photos[i % 3] for i in range(10)]

    def body(self, issued: dict[str, Any] | None, reference: str) -> dict[str, Any]:
        assert issued is not None
        return {"document_front": self.document, "selfie": self.selfie, "challenge_id": issued["challenge_id"],
                "challenge_nonce": issued["challenge"]["nonce"], "frames_base64": self.frames,
                "frame_offsets_ms": [k * 300 for k in range(10)]}


class WebcamClip:
    """The clip's frames, JPEG-encoded on first use at the capture page's qualities."""

    def __init__(self, path: Path) -> None:
        capture = cv2.VideoCapture(str(path))
        self.fps = capture.get(cv2.CAP_PROP_FPS) or 25.0
        self.images = []
        while True:
            ok, frame = capture.read()
            if not ok:
                break
            self.images.append(frame)
        capture.release()
        if not self.images:
            raise SystemExit(f"no frames decoded from {path}")
        self._jpegs: dict[tuple[int, int], str] = {}

    def jpeg(self, at_ms: int, quality: int) -> str:
        index = min(len(self.images) - 1, round(at_ms * self.fps / 1000))
        if (index, quality) not in self._jpegs:
            ok, data = cv2.imencode(".jpg", self.images[index], [cv2.IMWRITE_JPEG_QUALITY, quality])
            assert ok
            self._jpegs[(index, quality)] = encode(data.tobytes())
        return self._jpegs[(index, quality)]


def page_frame_count(challenge: dict[str, Any]) -> int:
    """How many frames the capture page sends for ``challenge``: every step (the actions, then "look")
    gets a slot of ``min(2500, (max_capture_ms - 1000) // steps)`` ms, a frame every 80 ms."""
    steps = len(challenge["actions"]) + 1
    slot = min(2500, (int(challenge["max_capture_ms"]) - 1000) // steps)
    return min(MAX_FRAMES, steps * math.ceil(slot / FRAME_EVERY_MS))


class WebcamInputs:
    """A browser capture of a live person: webcam frames answering the challenge, selfie from the clip."""

    name = "webcam"
    checks = ACTIVE_CHECKS
    active = True
    passive_accepted = False

    def __init__(self, data: Path, clip: WebcamClip | None = None) -> None:
        self.document = document(data)
        self.clip = clip or WebcamClip(data / CLIP)
        self.selfie = self.clip.jpeg(SELFIE_AT_MS, 92)

    def body(self, issued: dict[str, Any] | None, reference: str) -> dict[str, Any]:
        assert issued is not None
        offsets = [k * FRAME_EVERY_MS for k in range(page_frame_count(issued["challenge"]))]
        return {"document_front": self.document, "selfie": self.selfie, "challenge_id": issued["challenge_id"],
                "challenge_nonce": issued["challenge"]["nonce"],
                "frames_base64": [self.clip.jpeg(CLIP_START_MS + o, 85) for o in offsets],
                "frame_offsets_ms": offsets}


class PassiveInputs:
    """The issue's scenario: document + selfie, passive liveness, five checks, no challenge."""

    name = "passive"
    checks = PASSIVE_CHECKS
    active = False
    passive_accepted = False

    def __init__(self, data: Path, clip: WebcamClip | None = None) -> None:
        self.document = document(data)
        self.selfie = (clip or WebcamClip(data / CLIP)).jpeg(SELFIE_AT_MS, 92)

    def body(self, issued: dict[str, Any] | None, reference: str) -> dict[str, Any]:
        return {"document_front": self.document, "selfie": self.selfie, "checks": self.checks,
                "liveness_type": "passive", "reference": reference}


class PassingInputs(PassiveInputs):
    """The issue's scenario with every check passing: the live person's passport photo and selfie."""

    name = "passing"
    passive_accepted = True  # run as the tenant whose policy accepts a passive liveness pass

    def __init__(self, data: Path, clip: WebcamClip | None = None) -> None:
        super().__init__(data, clip)
        self.document = encode(passing_document(data))
        self.selfie = (clip or WebcamClip(data / CLIP)).jpeg(PASSING_SELFIE_AT_MS, 92)


InputSet = PhotoInputs | WebcamInputs | PassiveInputs | PassingInputs
INPUT_SETS = ("webcam", "passive", "passing", "photos")


def load_inputs(names: list[str], data: Path) -> list[InputSet]:
    """The named input sets, in the order given (the clip decoded once for all that use it)."""
    built: list[InputSet] = []
    webcam: WebcamInputs | None = None
    clip: WebcamClip | None = None
    for name in names:
        if name == "photos":
            built.append(PhotoInputs(data))
        elif name == "webcam":
            webcam = webcam or WebcamInputs(data, clip)
            clip = webcam.clip
            built.append(webcam)
        elif name in ("passive", "passing"):
            clip = clip or WebcamClip(data / CLIP)
            built.append(PassiveInputs(data, clip) if name == "passive" else PassingInputs(data, clip))
        else:
            raise SystemExit(f"unknown input set {name!r}: choose from {', '.join(INPUT_SETS)}")
    return built

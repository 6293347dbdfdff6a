"""The active-liveness evaluation sets, built from ../shared/data (used by ``ml evaluate`` and tests).

- Genuine windows: stretches of the two real webcam clips of ``liveness-video/`` (SOURCES.md: one
  live person, blinks at about 25.6 s and 31.0 s in cap12, 3.9 s and 17.0 s in cap13), sampled at
  the capture page's 12.5 frames per second, each with a challenge of only the actions the window
  really contains (the clips have no big head turn; SOURCES.md and ``ml.liveness.actions``).
- Slideshows: 2-4 photos of one person from ``faces/`` shown in turn at 12.5 frames per second, each
  warped so the eyes sit where a selfie camera would put them (the attacker's best alignment), held
  still or shifted by a few pixels per frame as a hand-held screen would.
- Stills: one photo held for the whole answer, re-encoded each frame, with or without those shifts.
- Single-frame replays: one genuine clip frame sent again and again.
Slideshows, stills and replays answer an issued-shape challenge (a blink and a movement).
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cv2
import numpy as np

from domain.liveness_challenge import LivenessAction, LivenessChallenge
from domain.ports.liveness import CapturedFrame, ChallengeResponse
from ml.face import YuNetSFaceAnalyzer
from ml.face.image import BgrImage, decode_image

FRAME_MS = 80  # the capture page's cadence (api/web/static/capture.js FRAME_EVERY_MS)
JPEG_QUALITY = 85  # the capture page's frame quality
CANVAS = (480, 360)  # width, height of an attack frame: what a webcam page would send
NONCE = "evaluation-nonce-0000000001"
T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
BLINK, LEFT, RIGHT, SMILE = (LivenessAction.BLINK, LivenessAction.TURN_LEFT, LivenessAction.TURN_RIGHT,
                             LivenessAction.SMILE)


@dataclass(frozen=True)
class GenuineWindow:
    clip: str
    start_ms: int
    end_ms: int
    actions: tuple[LivenessAction, ...]
    what: str


GENUINE_WINDOWS: tuple[GenuineWindow, ...] = (
    GenuineWindow("cap12_edit", 23_600, 28_000, (BLINK,), "blink at 25.6 s, otherwise still"),
    GenuineWindow("cap12_edit", 29_000, 33_000, (BLINK,), "blink at 31.0 s (peak 0.49)"),
    GenuineWindow("cap13_edit2", 1_000, 6_000, (BLINK,), "blink at 3.9 s, otherwise still"),
    GenuineWindow("cap13_edit2", 15_000, 19_000, (BLINK,), "blink at 17.0 s (peak 0.48)"),
    GenuineWindow("cap12_edit", 19_000, 27_000, (RIGHT, BLINK), "head shake to the right, then a blink"),
    GenuineWindow("cap13_edit2", 15_500, 21_500, (BLINK, LEFT), "a blink, then a head shake to the left"),
    GenuineWindow("cap12_edit", 6_000, 11_000, (SMILE,), "a broad smile, no blink"),
)
ATTACK_CHALLENGES: tuple[tuple[LivenessAction, ...], ...] = ((BLINK, RIGHT), (SMILE, BLINK), (BLINK, LEFT, SMILE))


def challenge(actions: Sequence[LivenessAction]) -> LivenessChallenge:
    return LivenessChallenge(nonce=NONCE, actions=tuple(actions), issued_at=T0,
                             expires_at=T0 + timedelta(minutes=10), max_capture_ms=10_000)


def answer(frames: Sequence[bytes], frame_ms: int = FRAME_MS) -> ChallengeResponse:
    return ChallengeResponse(nonce=NONCE, frames=tuple(CapturedFrame(f, i * frame_ms) for i, f in enumerate(frames)))


def jpeg(image: BgrImage) -> bytes:
    return bytes(cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])[1].tobytes())


def clip_frames(path: Path, start_ms: int = 0, end_ms: int | None = None, every_ms: int = FRAME_MS) -> list[bytes]:
    """JPEG frames of a video between two times, one every ``every_ms`` (the clips are 25 fps)."""
    capture = cv2.VideoCapture(str(path))
    fps = capture.get(cv2.CAP_PROP_FPS) or 25.0
    frames: list[bytes] = []
    index, next_ms = 0, start_ms
    try:
        while True:
            ok, image = capture.read()
            if not ok:
                break
            at = round(index * 1000.0 / fps)
            index += 1
            if end_ms is not None and at >= end_ms:
                break
            if at >= next_ms:
                frames.append(jpeg(np.asarray(image, dtype=np.uint8)))
                next_ms += every_ms
    finally:
        capture.release()
    return frames


def genuine_answer(data_dir: Path, window: GenuineWindow) -> tuple[ChallengeResponse, bytes]:
    """The window's frames and a selfie of the same person taken from the clip outside the window."""
    path = data_dir / "liveness-video" / f"{window.clip}.mp4"
    selfie_at = 0 if window.start_ms > 2_000 else 10_000
    selfie = clip_frames(path, selfie_at, selfie_at + FRAME_MS)[0]
    return answer(clip_frames(path, window.start_ms, window.end_ms)), selfie


def people_with_several_photos(data_dir: Path) -> dict[str, list[Path]]:
    """Identity -> photos, for identities of ``faces/identities.csv`` with 2 or more."""
    by_person: dict[str, list[Path]] = {}
    with (data_dir / "faces" / "identities.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            by_person.setdefault(row["identity"], []).append(data_dir / "faces" / row["image"])
    return {k: v for k, v in sorted(by_person.items()) if len(v) >= 2}


def selfie_framed(analyzer: YuNetSFaceAnalyzer, photo: BgrImage, dx: int = 0, dy: int = 0) -> BgrImage:
    """The photo warped so its eyes sit 90 px apart at the canvas's upper middle, shifted by (dx, dy)."""
    faces = analyzer.detector.detect(photo)
    if not faces:
        raise ValueError("no face in the photo")
    row = faces[0].row
    left, right = np.array(row[4:6], dtype=np.float64), np.array(row[6:8], dtype=np.float64)
    width, height = CANVAS
    scale = 90.0 / max(1.0, float(np.linalg.norm(right - left)))
    angle = np.degrees(np.arctan2(right[1] - left[1], right[0] - left[0]))
    centre = (left + right) / 2.0
    matrix = np.asarray(cv2.getRotationMatrix2D((float(centre[0]), float(centre[1])), float(angle), scale),
                        dtype=np.float64)
    matrix[:, 2] += np.array([width / 2 + dx, height * 0.42 + dy]) - centre
    return np.asarray(cv2.warpAffine(photo, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE), dtype=np.uint8)


def slideshow(analyzer: YuNetSFaceAnalyzer, photos: Sequence[Path], frames_per_photo: int, shifted: bool,
              seed: int, rounds: int = 2) -> list[bytes]:
    """The photos shown in turn (``rounds`` times), ``frames_per_photo`` frames each."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test shifts, not a secret
    decoded = [decode_image(p.read_bytes()) for p in photos]
    frames: list[bytes] = []
    for _ in range(rounds):
        for photo in decoded:
            for _ in range(frames_per_photo):
                dx, dy = (rng.randint(-4, 4), rng.randint(-4, 4)) if shifted else (0, 0)
                frames.append(jpeg(selfie_framed(analyzer, photo, dx, dy)))
    return frames


def attack_sets(data_dir: Path, analyzer: YuNetSFaceAnalyzer
                ) -> Iterator[tuple[str, str, ChallengeResponse, bytes]]:
    """(kind, description, answer, selfie) for every slideshow, still and single-frame replay."""
    for seed, (person, photos) in enumerate(people_with_several_photos(data_dir).items()):
        shown = photos[:4]
        selfie = photos[0].read_bytes()
        for shifted in (False, True):
            how = "shifted" if shifted else "held still"
            frames = slideshow(analyzer, shown, 6, shifted, seed)
            yield "slideshow", f"{person}: {len(shown)} photos, 6 frames each, {how}", answer(frames), selfie
            still = slideshow(analyzer, shown[:1], 40, shifted, seed, rounds=1)
            yield "still", f"{person}: one photo for 3.2 s, {how}", answer(still), selfie
    for clip in ("cap12_edit", "cap13_edit2"):
        path = data_dir / "liveness-video" / f"{clip}.mp4"
        frame = clip_frames(path, 2_000, 2_000 + FRAME_MS)[0]
        yield "replay", f"{clip}: one frame at 2.0 s sent 40 times", answer([frame] * 40), frame

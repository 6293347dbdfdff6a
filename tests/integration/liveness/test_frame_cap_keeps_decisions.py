"""Capping liveness frames at intake (domain.ports.media ``LIVENESS_FRAME_MAX_SIDE``, docs/targets.md §5)
changes no decision: every answer of the shared data is within the cap (stored exactly as without it),
and a genuine webcam answer sent at 1600 x 1200 gets the same verdict capped as in full.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import cv2
import numpy as np
import pytest

from adapters.media import PillowImageSanitizer
from domain.checks import Outcome
from domain.liveness_challenge import LivenessAction
from domain.ports.liveness import ChallengeResponse
from domain.ports.media import LIVENESS_FRAME_MAX_SIDE
from ml.face.image import BgrImage
from ml.liveness.active import MediaPipeActiveLivenessChecker
from tools.eval.liveness_sets import CANVAS, GENUINE_WINDOWS, T0, answer, challenge, genuine_answer, jpeg

pytestmark = pytest.mark.integration

DATA_DIR = Path(__file__).resolve().parents[3] / ".." / "shared" / "data"
SANITIZER = PillowImageSanitizer()
AT = T0 + timedelta(seconds=30)


def intake(response: ChallengeResponse, max_side: int | None) -> list[bytes]:
    return [SANITIZER.sanitize(f.image, "frames", max_side).content for f in response.frames]


def upscaled(frame: bytes, size: tuple[int, int]) -> BgrImage:
    decoded = cv2.imdecode(np.frombuffer(frame, np.uint8), cv2.IMREAD_COLOR)
    assert decoded is not None
    return np.asarray(cv2.resize(decoded, size, interpolation=cv2.INTER_CUBIC), dtype=np.uint8)


def test_every_shared_data_answer_is_stored_as_without_the_cap() -> None:
    # The attack answers are drawn on a webcam-sized canvas, the genuine ones are the clips' frames.
    assert max(CANVAS) <= LIVENESS_FRAME_MAX_SIDE
    for clip in sorted((DATA_DIR / "liveness-video").glob("*.mp4")):
        capture = cv2.VideoCapture(str(clip))
        size = (capture.get(cv2.CAP_PROP_FRAME_WIDTH), capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
        capture.release()
        assert 0 < max(size) <= LIVENESS_FRAME_MAX_SIDE, (clip.name, size)
    response = genuine_answer(DATA_DIR, GENUINE_WINDOWS[2])[0]
    assert intake(response, LIVENESS_FRAME_MAX_SIDE) == intake(response, None)


def test_a_large_genuine_answer_gets_the_same_verdict_capped(active_checker: MediaPipeActiveLivenessChecker) -> None:
    window = GENUINE_WINDOWS[2]  # cap13 1-6 s: a blink, otherwise still
    frames, selfie = genuine_answer(DATA_DIR, window)
    large = answer([jpeg(upscaled(f.image, (1600, 1200))) for f in frames.frames])
    verdicts = []
    for max_side in (None, LIVENESS_FRAME_MAX_SIDE):
        stored = answer(intake(large, max_side))
        verdicts.append(active_checker.check(challenge((LivenessAction.BLINK,)), stored, selfie, AT, set()))
    full, capped = verdicts
    assert full.outcome is capped.outcome is Outcome.PASS, (full.reasons, capped.reasons)
    assert full.reasons == capped.reasons and full.spoof_type is capped.spoof_type
    assert capped.scores["peak_blink"] == pytest.approx(full.scores["peak_blink"], abs=0.05)


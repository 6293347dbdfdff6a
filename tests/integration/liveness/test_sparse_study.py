"""The fewer-frames study of ``ml evaluate`` (tools/eval/liveness_sparse.py) compares like with like: measuring
every frame it gives the product's own verdict, and measuring fewer it still judges the answer's timing
on every frame the answer holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from ml.liveness.active import MediaPipeActiveLivenessChecker
from tools.eval.liveness import AT
from tools.eval.liveness_sets import GENUINE_WINDOWS, challenge, genuine_answer
from tools.eval.liveness_sparse import sparse_verdict

pytestmark = pytest.mark.integration

DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data"
WINDOW = GENUINE_WINDOWS[2]  # cap13 1.0-6.0 s: a blink, otherwise still


def test_measuring_every_frame_gives_the_products_verdict(active_checker: MediaPipeActiveLivenessChecker) -> None:
    response, selfie = genuine_answer(DATA, WINDOW)
    product = active_checker.check(challenge(WINDOW.actions), response, selfie, AT, set())
    study = sparse_verdict(active_checker, challenge(WINDOW.actions), response, selfie, phase=0, stride=1)
    assert (study.outcome, study.reasons, study.scores) == (product.outcome, product.reasons, product.scores)


def test_measuring_every_2nd_frame_still_judges_the_timing_on_all_frames(
        active_checker: MediaPipeActiveLivenessChecker) -> None:
    response, selfie = genuine_answer(DATA, WINDOW)
    study = sparse_verdict(active_checker, challenge(WINDOW.actions), response, selfie, phase=1)
    assert "frame_rate_too_low" not in study.reasons
    assert study.scores["frames"] == len(response.frames)
    assert study.scores["frame_rate_fps"] == pytest.approx(12.5, 0.05)

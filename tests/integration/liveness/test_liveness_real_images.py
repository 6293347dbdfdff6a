"""Active and passive liveness on real images of ../shared/data (no video exists there).

Frame sequences are made of real photos of one person (Obama: smiling in obama.jpg, not in
obama3.jpg, head turned to his right in obama2.jpg), so every action below is a real MediaPipe
detection, not a faked signal. There is no closed-eye photo, so blink is only tested as absent.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from domain.checks import Outcome
from domain.liveness_challenge import LivenessAction, LivenessChallenge
from domain.ports.liveness import CapturedFrame, ChallengeResponse, SpoofType
from ml.liveness.active import MediaPipeActiveLivenessChecker
from ml.liveness.landmarker import TASK_SHA256_PREFIX, TASK_SHA256_SUFFIX
from ml.liveness.passive import ClassicalPassiveLivenessChecker

pytestmark = pytest.mark.integration

DATA_DIR = Path(__file__).resolve().parents[3] / ".." / "shared" / "data"
OBAMA = DATA_DIR / "faces" / "face_recognition"
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
NONCE = "liveness-test-nonce-0001"


def challenge(*actions: LivenessAction) -> LivenessChallenge:
    return LivenessChallenge(nonce=NONCE, actions=actions, issued_at=T0,
                             expires_at=T0 + timedelta(seconds=60), max_capture_ms=10_000)


def response(*names: str, step_ms: int = 300) -> ChallengeResponse:
    frames = tuple(CapturedFrame((OBAMA / n).read_bytes(), i * step_ms) for i, n in enumerate(names))
    return ChallengeResponse(nonce=NONCE, frames=frames)


def run(checker: MediaPipeActiveLivenessChecker, c: LivenessChallenge, r: ChallengeResponse,
        selfie: str | None = "obama3.jpg", *, after_s: int = 10, used: frozenset[str] = frozenset()):  # type: ignore[no-untyped-def]
    selfie_bytes = (OBAMA / selfie).read_bytes() if selfie else None
    return checker.check(c, r, selfie_bytes, T0 + timedelta(seconds=after_s), used)


def test_models_are_verified_and_recorded(active_checker: MediaPipeActiveLivenessChecker) -> None:
    landmarker = active_checker.models[0]
    assert landmarker.weights_sha256.startswith(TASK_SHA256_PREFIX)
    assert landmarker.weights_sha256.endswith(TASK_SHA256_SUFFIX)
    assert len(active_checker.models) == 3


def test_real_smile_then_matching_selfie_passes(active_checker: MediaPipeActiveLivenessChecker) -> None:
    result = run(active_checker, challenge(LivenessAction.SMILE), response("obama3.jpg", "obama.jpg"),
                 selfie="obama2.jpg")
    assert result.outcome is Outcome.PASS, result.reasons
    assert result.spoof_type is SpoofType.NONE
    assert result.scores["peak_smile"] > 0.6


def test_real_turn_then_smile_in_order_passes_and_reversed_order_fails(
        active_checker: MediaPipeActiveLivenessChecker) -> None:
    frames = response("obama.jpg", "obama2.jpg", "obama.jpg")
    in_order = run(active_checker, challenge(LivenessAction.TURN_RIGHT, LivenessAction.SMILE), frames)
    assert in_order.outcome is Outcome.PASS, in_order.reasons
    reversed_order = run(active_checker, challenge(LivenessAction.SMILE, LivenessAction.TURN_RIGHT), frames)
    assert reversed_order.outcome is Outcome.FAIL
    assert "actions_out_of_order" in reversed_order.reasons


def test_a_still_photo_repeated_fails(active_checker: MediaPipeActiveLivenessChecker) -> None:
    result = run(active_checker, challenge(LivenessAction.BLINK, LivenessAction.SMILE),
                 response(*["obama.jpg"] * 10, step_ms=200))
    assert result.outcome is Outcome.FAIL
    assert {"static_frames", "blink_not_seen", "smile_not_seen"} <= set(result.reasons)
    assert result.scores["max_frame_change"] == 0.0


def test_another_person_in_the_frames_fails(active_checker: MediaPipeActiveLivenessChecker) -> None:
    frames = response("obama3.jpg", "obama.jpg", "biden.jpg")
    result = run(active_checker, challenge(LivenessAction.SMILE), frames)
    assert result.outcome is Outcome.FAIL
    assert "identity_changed" in result.reasons


def test_frames_of_someone_other_than_the_selfie_fail(active_checker: MediaPipeActiveLivenessChecker) -> None:
    result = run(active_checker, challenge(LivenessAction.SMILE), response("obama3.jpg", "obama.jpg"),
                 selfie="biden.jpg")
    assert result.outcome is Outcome.FAIL
    assert result.reasons == ("selfie_mismatch",)


@pytest.mark.parametrize(("after_s", "used", "reason"), [(10, frozenset({NONCE}), "nonce_reused"),
                                                          (61, frozenset(), "challenge_expired")])
def test_replayed_or_late_responses_fail_before_any_model_runs(
        active_checker: MediaPipeActiveLivenessChecker, after_s: int, used: frozenset[str],
        reason: str) -> None:
    result = run(active_checker, challenge(LivenessAction.SMILE), response("obama3.jpg", "obama.jpg"),
                 after_s=after_s, used=used)
    assert result.outcome is Outcome.FAIL
    assert result.reasons == (reason,)
    assert result.scores == {}


def test_passive_signals_on_the_spoof_set_only_lean(passive_checker: ClassicalPassiveLivenessChecker) -> None:
    # 3 images: enough to show which way the weak signals lean, not that they work.
    spoof = DATA_DIR / "spoof" / "silent_face"
    screen = passive_checker.check((spoof / "image_F2.jpg").read_bytes())
    assert screen.outcome is Outcome.UNCERTAIN
    assert "leans_screen" in screen.hints
    for name in ("image_F1.jpg", "image_F2.jpg", "image_T1.jpg"):
        result = passive_checker.check((spoof / name).read_bytes())
        assert result.outcome is not Outcome.FAIL  # never a confident verdict from weak signals
        assert result.confidence <= 0.6
        assert set(result.to_api()) >= {"is_live", "spoof_type", "confidence", "hints"}


def test_passive_on_a_sharp_real_portrait_passes_with_capped_confidence(
        passive_checker: ClassicalPassiveLivenessChecker) -> None:
    result = passive_checker.check((OBAMA / "obama.jpg").read_bytes())
    assert result.outcome is Outcome.PASS
    assert 0.0 < result.confidence <= 0.6

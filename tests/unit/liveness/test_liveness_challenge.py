"""Pure active-liveness rules: issuing, single-use nonces, expiry, and the verdict on observations."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from domain.checks import CheckType, Outcome
from domain.errors import InvalidArgumentError
from domain.liveness_challenge import (
    MOVEMENTS,
    ChallengeIssuer,
    LivenessAction,
    LivenessChallenge,
    admission_failure,
    is_complete_challenge,
    validate_frame_offsets,
)
from domain.liveness_verdict import (
    ActiveObservation,
    FrameStep,
    ObservedAction,
    actions_in_order,
    judge_active_response,
    rejected_response,
    step_limits,
    step_ratio,
)
from domain.ports.face import cosine_to_similarity
from domain.ports.liveness import InvalidLivenessResponseError, SpoofType

pytestmark = pytest.mark.unit

T0 = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
BLINK, LEFT, RIGHT, SMILE = (LivenessAction.BLINK, LivenessAction.TURN_LEFT, LivenessAction.TURN_RIGHT,
                             LivenessAction.SMILE)


def challenge(*actions: LivenessAction) -> LivenessChallenge:
    return LivenessChallenge(nonce="n" * 24, actions=actions, issued_at=T0,
                             expires_at=T0 + timedelta(seconds=60), max_capture_ms=10_000)


LIVE_STEP = FrameStep(dt_ms=80, appearance=0.05, shift_iod=0.02, scale_log=0.005, rotation_deg=0.3)
FROZEN_STEP = FrameStep(dt_ms=80, appearance=0.0, shift_iod=0.0, scale_log=0.0, rotation_deg=0.0)
OFFSETS = tuple(range(0, 3_040, 80))  # 3 s at 12.5 frames per second


def seen(*actions: LivenessAction, offsets: tuple[int, ...] = OFFSETS, **changes: object) -> ActiveObservation:
    base: dict[str, object] = dict(
        offsets_ms=offsets, frames_without_face=0, frames_with_several_faces=0,
        actions=tuple(ObservedAction(a, frame_index=5 * i + 3, offset_ms=400 * (i + 1), strength=0.8)
                      for i, a in enumerate(actions)),
        peaks={a: 0.8 for a in actions}, steps=(LIVE_STEP,) * (len(offsets) - 1), identity_min_cosine=0.7,
        selfie_cosine=0.6)
    base.update(changes)
    return ActiveObservation(**base)  # type: ignore[arg-type]


def test_issuer_uses_injected_randomness_and_clock() -> None:
    issuer = ChallengeIssuer(rng=random.Random(7), clock=lambda: T0, new_nonce=lambda: "x" * 32)
    first, again = issuer.issue(), ChallengeIssuer(rng=random.Random(7), clock=lambda: T0,
                                                   new_nonce=lambda: "x" * 32).issue()
    assert first == again
    assert 2 <= len(first.actions) <= 3
    assert len(set(first.actions)) == len(first.actions)
    assert first.issued_at == T0
    assert first.expires_at == T0 + timedelta(seconds=60)


def test_issuer_covers_every_action_and_several_orders() -> None:
    rng = random.Random(1)
    issued = [ChallengeIssuer(rng=rng, clock=lambda: T0, new_nonce=lambda: "y" * 16).issue().actions
              for _ in range(200)]
    assert {a for actions in issued for a in actions} == set(LivenessAction)
    assert len(set(issued)) > 20


def test_every_issued_challenge_has_a_blink_and_a_movement() -> None:
    rng = random.Random(5)
    issued = [ChallengeIssuer(rng=rng, clock=lambda: T0, new_nonce=lambda: "y" * 16).issue().actions
              for _ in range(1_000)]
    assert all(is_complete_challenge(actions) for actions in issued)
    assert all(LivenessAction.BLINK in actions and set(actions) & set(MOVEMENTS) for actions in issued)
    assert {actions.index(LivenessAction.BLINK) for actions in issued} == {0, 1, 2}  # its place varies
    assert not is_complete_challenge((LivenessAction.TURN_LEFT, LivenessAction.SMILE))
    assert not is_complete_challenge((LivenessAction.BLINK,))


def test_challenge_round_trips_through_its_record() -> None:
    original = challenge(SMILE, LEFT)
    assert LivenessChallenge.from_record(original.to_record()) == original


@pytest.mark.parametrize("record", [{}, {"nonce": "n" * 20, "actions": "blink"},
                                    {**challenge(BLINK).to_record(), "actions": ["wink"]},
                                    {**challenge(BLINK).to_record(), "issued_at": "yesterday"}])
def test_malformed_challenge_is_a_domain_error(record: dict[str, object]) -> None:
    with pytest.raises(InvalidArgumentError):
        LivenessChallenge.from_record(record)


def test_challenge_invariants() -> None:
    with pytest.raises(InvalidArgumentError):
        LivenessChallenge(nonce="short", actions=(BLINK,), issued_at=T0, expires_at=T0 + timedelta(1),
                          max_capture_ms=1)
    with pytest.raises(InvalidArgumentError):
        challenge(BLINK, BLINK)
    with pytest.raises(InvalidArgumentError):
        LivenessChallenge(nonce="n" * 20, actions=(BLINK,), issued_at=T0.replace(tzinfo=None),
                          expires_at=T0.replace(tzinfo=None) + timedelta(1), max_capture_ms=1)


def test_admission_rules() -> None:
    c = challenge(BLINK, SMILE)
    assert admission_failure(c, c.nonce, T0 + timedelta(seconds=5), set()) is None
    assert admission_failure(c, "m" * 24, T0 + timedelta(seconds=5), set()) == "nonce_mismatch"
    assert admission_failure(c, c.nonce, T0 + timedelta(seconds=5), {c.nonce}) == "nonce_reused"
    assert admission_failure(c, c.nonce, T0 + timedelta(seconds=61), set()) == "challenge_expired"
    assert admission_failure(c, c.nonce, T0 - timedelta(seconds=1), set()) == "received_before_issue"
    refused = rejected_response("nonce_reused")
    assert refused.outcome is Outcome.FAIL and not refused.is_live


@pytest.mark.parametrize("offsets", [[], [0], [0, 100, 100], [0, 200, 100], [-5, 10]])
def test_bad_frame_times_are_refused(offsets: list[int]) -> None:
    with pytest.raises(InvalidLivenessResponseError) as info:
        validate_frame_offsets(offsets)
    assert info.value.code == "invalid_liveness_response"


def test_order_is_a_subsequence_check() -> None:
    obs = seen(BLINK, LEFT, SMILE).actions
    assert actions_in_order((BLINK, SMILE), obs)
    assert not actions_in_order((SMILE, BLINK), obs)


def test_everything_right_passes() -> None:
    result = judge_active_response(challenge(BLINK, LEFT), seen(BLINK, LEFT))
    assert result.outcome is Outcome.PASS
    assert result.is_live and result.spoof_type is SpoofType.NONE
    # the weakest support: selfie cosine 0.6 -> similarity 0.78 (below the 0.8 action strengths)
    assert result.confidence == pytest.approx(cosine_to_similarity(0.6))
    check = result.to_check_result()
    assert check.check is CheckType.LIVENESS and check.outcome is Outcome.PASS
    assert {"is_live", "spoof_type", "confidence", "hints"} <= result.to_api(processing_ms=5).keys()


@pytest.mark.parametrize(
    ("observation", "reason"),
    [
        (seen(steps=(FROZEN_STEP,) * 37), "static_frames"),
        (seen(BLINK, LEFT, steps=(LIVE_STEP,) * 20 + (replace(LIVE_STEP, appearance=0.9),) + (LIVE_STEP,) * 16),
         "motion_discontinuity"),
        (seen(BLINK, LEFT, offsets=tuple(range(0, 1_200, 80))), "capture_too_short"),
        (seen(BLINK, LEFT, offsets=tuple(range(0, 3_000, 200))), "frame_rate_too_low"),
        (seen(BLINK, LEFT, offsets=(*range(0, 1_600, 80), 1_900, *range(1_980, 3_500, 80))), "frame_rate_too_low"),
        (seen(BLINK), "turn_left_not_seen"),
        (seen(LEFT, BLINK), "actions_out_of_order"),
        (seen(BLINK, LEFT, offsets=tuple(range(0, 12_000, 80))), "response_too_slow"),
        (seen(BLINK, LEFT, identity_min_cosine=0.1), "identity_changed"),
        (seen(BLINK, LEFT, selfie_cosine=0.05), "selfie_mismatch"),
        (seen(BLINK, LEFT, frames_without_face=2), "face_not_in_every_frame"),
        (seen(BLINK, LEFT, frames_with_several_faces=1), "multiple_faces"),
    ],
)
def test_each_broken_rule_fails_with_its_reason(observation: ActiveObservation, reason: str) -> None:
    result = judge_active_response(challenge(BLINK, LEFT), observation)
    assert result.outcome is Outcome.FAIL
    assert reason in result.reasons
    assert not result.is_live
    assert result.hints


def test_a_still_photo_fails_on_every_count() -> None:
    still = seen(steps=(FROZEN_STEP,) * 37, peaks={BLINK: 0.1, SMILE: 0.05}, identity_min_cosine=1.0)
    result = judge_active_response(challenge(BLINK, SMILE), still)
    assert set(result.reasons) == {"static_frames", "blink_not_seen", "smile_not_seen"}
    assert result.confidence == 1.0


def test_missing_action_confidence_reflects_the_evidence() -> None:
    result = judge_active_response(challenge(SMILE), seen(peaks={SMILE: 0.3}))
    assert result.reasons == ("smile_not_seen",)
    assert result.confidence == pytest.approx(0.7)


def test_without_a_selfie_the_best_is_uncertain() -> None:
    result = judge_active_response(challenge(BLINK), seen(BLINK, selfie_cosine=None))
    assert result.outcome is Outcome.UNCERTAIN
    assert result.reasons == ("selfie_not_provided",)


def test_a_person_keeping_still_is_not_static() -> None:
    # Mostly tiny changes with a few duplicated camera frames: a live, still person blinking once.
    still_person = (LIVE_STEP, FROZEN_STEP, replace(LIVE_STEP, appearance=0.02)) * 12 + (LIVE_STEP,)
    result = judge_active_response(challenge(BLINK), seen(BLINK, steps=still_person))
    assert result.outcome is Outcome.PASS, result.reasons
    assert result.scores["frozen_steps"] == 12


@pytest.mark.parametrize(("field", "value"), [("appearance", 0.56), ("shift_iod", 0.6), ("scale_log", 0.2),
                                              ("rotation_deg", 19.0)])
def test_each_kind_of_jump_counts(field: str, value: float) -> None:
    jump = replace(LIVE_STEP, **{field: value})
    assert step_ratio(jump) > 1.0
    assert step_ratio(LIVE_STEP) < 0.2


def test_limits_grow_with_the_stated_time_between_frames() -> None:
    assert step_limits(80)["appearance"] < step_limits(250)["appearance"]
    # The same change is a jump at 80 ms and plausible over 1 s (but 1 s gaps fail the frame-rate rule).
    step = FrameStep(dt_ms=80, appearance=0.3, shift_iod=0.9, scale_log=0.01, rotation_deg=5.0)
    assert step_ratio(step) > 1.0 and step_ratio(replace(step, dt_ms=1_000)) < 1.0

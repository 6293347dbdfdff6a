"""The verdict on an active-liveness answer: pure rules over what an adapter measured in the frames.

The frames must be one continuous recording of one live person doing the challenge:

- timing: at least ``MIN_FRAME_RATE_FPS`` on average, no gap above ``MAX_FRAME_GAP_MS`` and at least
  ``MIN_CAPTURE_MS`` long, so that a blink (100-400 ms) cannot fall between two frames and a jump
  between two frames cannot hide behind a long stated gap;
- continuity: between two consecutive frames the face may only change as much as a live head can in
  the stated time (``step_limits``); a slideshow of photos jumps at every change of photo;
- static: every frame unchanged (a replayed or frozen frame). A person keeping still is not static:
  their camera frames still differ (sensor noise, breathing, blinks);
- actions: the challenge's actions, in order; the same face throughout, and the face of the selfie.

The limits were measured on the two real webcam clips of ``../shared/data/liveness-video`` and on
slideshows of ``../shared/data/faces`` (figures in ``ml/EVALUATION.md``, "Active liveness").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from domain.checks import ModelProvenance, Outcome
from domain.liveness_challenge import LivenessAction, LivenessChallenge
from domain.ports.face import SFACE_PUBLISHED_COSINE_THRESHOLD, cosine_to_similarity
from domain.ports.liveness import LivenessMode, LivenessResult, SpoofType

MIN_FRAME_RATE_FPS = 8.0
MAX_FRAME_GAP_MS = 250
MIN_CAPTURE_MS = 1_500
# A step whose face patch changed less than this, and whose face did not move, shows the same picture.
FROZEN_APPEARANCE = 0.01
FROZEN_SHIFT_IOD = 0.01


@dataclass(frozen=True)
class FrameStep:
    """How the face changed from one frame to the next (both frames with a face).

    ``appearance``: mean absolute difference of the two faces' contrast-normalised grey patches,
    each aligned on its own landmarks (so moving the head or the camera alone changes it little);
    ``shift_iod``: the face centre's move in inter-ocular distances; ``scale_log``: |log| of the
    face size ratio; ``rotation_deg``: the largest change of head yaw, pitch or roll.
    """

    dt_ms: int
    appearance: float
    shift_iod: float
    scale_log: float
    rotation_deg: float

    @property
    def frozen(self) -> bool:
        return self.appearance < FROZEN_APPEARANCE and self.shift_iod < FROZEN_SHIFT_IOD


def step_limits(dt_ms: int) -> dict[str, float]:
    """The largest change a live face shows over ``dt_ms`` (a floor plus a speed).

    Measured at 12.5 frames/s on the live clips (every consecutive pair): appearance at most 0.37,
    at 240 ms apart at most 0.55; shift at most 0.36 IOD (0.76 at 240 ms); scale at most 0.07;
    rotation at most 7.2 degrees. Changes of photo in slideshows (aligned on the eyes or not):
    appearance 0.70-1.24. The limits sit about 1.5x above the live figures.
    """
    seconds = max(0, dt_ms) / 1000.0
    return {"appearance": 0.5 + 0.5 * seconds, "shift_iod": 0.3 + 3.0 * seconds,
            "scale_log": 0.1 + 0.5 * seconds, "rotation_deg": 10.0 + 100.0 * seconds}


def step_ratio(step: FrameStep) -> float:
    """How far beyond plausible the step is: > 1 is a jump no live head makes in that time."""
    limits = step_limits(step.dt_ms)
    return max(step.appearance / limits["appearance"], step.shift_iod / limits["shift_iod"],
               step.scale_log / limits["scale_log"], step.rotation_deg / limits["rotation_deg"])


def timing_failures(offsets_ms: Sequence[int]) -> list[str]:
    """Reason codes for answers too short, or too sparse to be judged as a recording."""
    span = offsets_ms[-1] - offsets_ms[0] if offsets_ms else 0
    reasons: list[str] = []
    if span < MIN_CAPTURE_MS:
        reasons.append("capture_too_short")
    gaps = [b - a for a, b in pairwise(offsets_ms)]
    rate = (len(offsets_ms) - 1) * 1000.0 / span if span > 0 else 0.0
    if rate < MIN_FRAME_RATE_FPS or (gaps and max(gaps) > MAX_FRAME_GAP_MS):
        reasons.append("frame_rate_too_low")
    return reasons


@dataclass(frozen=True)
class ObservedAction:
    """An action the adapter saw start at ``frame_index``, with its evidence strength in 0-1."""

    action: LivenessAction
    frame_index: int
    offset_ms: int
    strength: float


@dataclass(frozen=True)
class ActiveObservation:
    """What an adapter measured in the frames of one response (numbers only)."""

    offsets_ms: tuple[int, ...]
    frames_without_face: int
    frames_with_several_faces: int
    actions: tuple[ObservedAction, ...]
    peaks: Mapping[LivenessAction, float]  # strongest evidence per action over all frames, 0-1
    steps: tuple[FrameStep, ...]  # consecutive frames that both show a face
    identity_min_cosine: float  # lowest cosine of any checked frame's face to the reference frame's
    selfie_cosine: float | None = None
    scores: Mapping[str, float] = field(default_factory=dict)

    @property
    def capture_span_ms(self) -> int:
        return self.offsets_ms[-1] - self.offsets_ms[0] if self.offsets_ms else 0


def actions_in_order(expected: Sequence[LivenessAction], seen: Sequence[ObservedAction]) -> bool:
    """True when ``expected`` occurs as a subsequence of ``seen`` (extra movements are allowed)."""
    position = 0
    for observed in seen:
        if position < len(expected) and observed.action is expected[position]:
            position += 1
    return position == len(expected)


def rejected_response(reason: str, models: tuple[ModelProvenance, ...] = ()) -> LivenessResult:
    """The verdict for a response refused before examination (nonce, expiry)."""
    return LivenessResult(mode=LivenessMode.ACTIVE, outcome=Outcome.FAIL, spoof_type=SpoofType.UNKNOWN,
                          confidence=1.0, hints=("restart_liveness",), reasons=(reason,), models=models)


_TIMING_HINTS = {"capture_too_short": "record_the_whole_challenge", "frame_rate_too_low": "use_a_live_camera"}


def _recording_failures(seen: ActiveObservation) -> list[tuple[str, float, str]]:
    fails = [(reason, 1.0, _TIMING_HINTS[reason]) for reason in timing_failures(seen.offsets_ms)]
    if seen.steps and all(step.frozen for step in seen.steps):
        fails.append(("static_frames", 1.0, "use_a_live_camera"))
    elif any(step_ratio(step) > 1.0 for step in seen.steps):
        fails.append(("motion_discontinuity", 1.0, "use_a_live_camera"))
    return fails


def _action_failures(challenge: LivenessChallenge, seen: ActiveObservation) -> list[tuple[str, float, str]]:
    fails: list[tuple[str, float, str]] = []
    observed_kinds = {a.action for a in seen.actions}
    for action in challenge.actions:
        if action not in observed_kinds:
            missing_confidence = 1.0 - seen.peaks.get(action, 0.0)
            fails.append((f"{action.value}_not_seen", missing_confidence, f"{action.value}_clearly"))
    if observed_kinds >= set(challenge.actions) and not actions_in_order(challenge.actions, seen.actions):
        fails.append(("actions_out_of_order", 1.0, "follow_the_order"))
    return fails


def _identity_failures(seen: ActiveObservation) -> list[tuple[str, float, str]]:
    fails: list[tuple[str, float, str]] = []
    if seen.identity_min_cosine < SFACE_PUBLISHED_COSINE_THRESHOLD:
        changed_confidence = 1.0 - cosine_to_similarity(seen.identity_min_cosine)
        fails.append(("identity_changed", changed_confidence, "only_one_face"))
    if seen.selfie_cosine is not None and seen.selfie_cosine < SFACE_PUBLISHED_COSINE_THRESHOLD:
        mismatch_confidence = 1.0 - cosine_to_similarity(seen.selfie_cosine)
        fails.append(("selfie_mismatch", mismatch_confidence, "same_person_as_selfie"))
    return fails


def observation_scores(seen: ActiveObservation) -> dict[str, float]:
    """The numbers recorded with the verdict (no pixels, nothing personal)."""
    span = seen.capture_span_ms
    scores = {"identity_min_cosine": seen.identity_min_cosine, "capture_span_ms": float(span),
              "frames": float(len(seen.offsets_ms)),
              "frame_rate_fps": (len(seen.offsets_ms) - 1) * 1000.0 / span if span > 0 else 0.0,
              "max_motion_ratio": max((step_ratio(s) for s in seen.steps), default=0.0),
              "frozen_steps": float(sum(1 for s in seen.steps if s.frozen)), **seen.scores}
    if seen.selfie_cosine is not None:
        scores["selfie_cosine"] = seen.selfie_cosine
    return scores


def judge_active_response(challenge: LivenessChallenge, seen: ActiveObservation,
                          models: tuple[ModelProvenance, ...] = ()) -> LivenessResult:
    """Decide pass / uncertain / fail from measured evidence; every failed rule is a reason.

    Confidence: on failure by a recording rule (timing, static, jumps, faces) 1.0; on a missing
    action 1 - the strongest evidence seen for it; on identity 1 - similarity; on pass the weakest
    supporting evidence (action strengths, identity and selfie similarities).
    """
    fails: list[tuple[str, float, str]] = []  # reason, confidence, user hint
    if seen.frames_with_several_faces:
        fails.append(("multiple_faces", 1.0, "only_one_face"))
    if seen.frames_without_face:
        fails.append(("face_not_in_every_frame", 1.0, "keep_face_in_frame"))
    fails += _recording_failures(seen)
    if seen.capture_span_ms > challenge.max_capture_ms:
        fails.append(("response_too_slow", 1.0, "respond_faster"))
    fails += _action_failures(challenge, seen) + _identity_failures(seen)
    scores = observation_scores(seen)
    if fails:
        return LivenessResult(mode=LivenessMode.ACTIVE, outcome=Outcome.FAIL, spoof_type=SpoofType.UNKNOWN,
                              confidence=max(c for _, c, _ in fails),
                              hints=tuple(dict.fromkeys(h for _, _, h in fails)),
                              reasons=tuple(r for r, _, _ in fails), scores=scores, models=models)
    support = [a.strength for a in seen.actions if a.action in challenge.actions]
    support.append(cosine_to_similarity(seen.identity_min_cosine))
    if seen.selfie_cosine is None:
        return LivenessResult(mode=LivenessMode.ACTIVE, outcome=Outcome.UNCERTAIN,
                              spoof_type=SpoofType.UNKNOWN, confidence=min(support), hints=(),
                              reasons=("selfie_not_provided",), scores=scores, models=models)
    support.append(cosine_to_similarity(seen.selfie_cosine))
    return LivenessResult(mode=LivenessMode.ACTIVE, outcome=Outcome.PASS, spoof_type=SpoofType.NONE,
                          confidence=min(support), scores=scores, models=models)

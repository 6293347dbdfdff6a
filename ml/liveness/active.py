"""``MediaPipeActiveLivenessChecker``: measures a challenge response; the domain judges it.

Per frame, MediaPipe gives blink and smile blendshapes, head yaw and 5 alignment points; SFace
embeds every frame's face (aligned on those points, so YuNet need not run per frame) to check that
one person is present throughout, and compares them with the selfie (full YuNet + SFace).
Actions are rising edges with hysteresis, so each blink, smile or turn counts once:

- blink: eyes-closed score >= 0.5 and >= 0.25 above its lowest earlier value (eyes were open);
- smile: smile score >= 0.6 and >= 0.3 above its lowest earlier value;
- turn left / right: yaw at least 15 degrees to that side of the first frame's yaw.

These thresholds are set from the blendshape/yaw scales (0-1 scores, degrees), not fitted to any
test set; ../shared/data has no video, so they are untested on real challenge recordings.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

import cv2
import numpy as np

from domain.checks import ModelProvenance
from domain.liveness_challenge import (
    ActiveObservation,
    LivenessAction,
    LivenessChallenge,
    ObservedAction,
    admission_failure,
    judge_active_response,
    rejected_response,
    validate_frame_offsets,
)
from domain.ports.liveness import ChallengeResponse, LivenessResult
from ml.face import YuNetSFaceAnalyzer
from ml.face.detection import DetectedFace, Vector, cosine
from ml.face.image import BgrImage, decode_image, downscale
from ml.liveness.landmarker import FrameSignals, MediaPipeFaceLandmarker

WORK_MAX_SIDE = 640  # frames are shrunk to this before the landmarker (cost grows with pixels)
CHANGE_SIDE = 64  # frames are compared at 64x64 grey: sensitive to motion, blind to JPEG noise
# SFace costs ~20-30 ms per face on these 2 cores, so identity is checked on at most this many
# frames: the most frontal one (the reference), every frame where an action starts, then frames
# spread evenly over the response. This keeps 10 frames within the 400 ms budget (issue 4).
IDENTITY_FRAMES = 6


@dataclass(frozen=True)
class _Trigger:
    on: float  # the signal must reach this
    rise: float  # ... and exceed its lowest earlier value by this (for blink/smile)
    off: float  # and fall back below this before it can count again
    full: float  # the value that counts as full-strength evidence (strength 1.0)


BLINK = _Trigger(on=0.5, rise=0.25, off=0.35, full=1.0)
SMILE = _Trigger(on=0.6, rise=0.3, off=0.45, full=1.0)
TURN = _Trigger(on=15.0, rise=0.0, off=8.0, full=30.0)  # degrees of yaw from the first frame


def _signal(action: LivenessAction, s: FrameSignals, yaw0: float) -> float:
    if action is LivenessAction.BLINK:
        return s.blink
    if action is LivenessAction.SMILE:
        return s.smile
    turn = s.yaw_deg - yaw0
    return turn if action is LivenessAction.TURN_LEFT else -turn


def detect_actions(signals: Sequence[FrameSignals], offsets_ms: Sequence[int]
                   ) -> tuple[tuple[ObservedAction, ...], dict[LivenessAction, float]]:
    """Rising edges of every action over frames with a face, and each action's peak strength."""
    tracked = [(i, s) for i, s in enumerate(signals) if s.face_count > 0]
    if not tracked:
        return (), {}
    yaw0 = tracked[0][1].yaw_deg
    events: list[ObservedAction] = []
    peaks: dict[LivenessAction, float] = {}
    for action in LivenessAction:
        trigger = TURN if action in (LivenessAction.TURN_LEFT, LivenessAction.TURN_RIGHT) else (
            BLINK if action is LivenessAction.BLINK else SMILE)
        active, lowest = False, float("inf")
        for index, s in tracked:
            value = _signal(action, s, yaw0)
            strength = max(0.0, min(1.0, value / trigger.full))
            peaks[action] = max(peaks.get(action, 0.0), strength)
            if active and value < trigger.off:
                active = False
            elif not active and value >= trigger.on and value - lowest >= trigger.rise:
                active = True
                events.append(ObservedAction(action, index, offsets_ms[index], strength))
            lowest = min(lowest, value)
    events.sort(key=lambda e: (e.frame_index, e.action.value))
    return tuple(events), peaks


def identity_frames(signals: Sequence[FrameSignals], actions: Sequence[ObservedAction],
                    limit: int = IDENTITY_FRAMES) -> list[int]:
    """Frames to embed, reference first: most frontal, action onsets, then evenly spread ones."""
    with_face = [i for i, s in enumerate(signals) if s.points is not None]
    if not with_face:
        return []
    # The most frontal frame is the identity reference: turned faces embed less reliably.
    chosen = [min(with_face, key=lambda i: abs(signals[i].yaw_deg))]
    spread = [with_face[round(k * (len(with_face) - 1) / max(1, limit - 1))] for k in range(limit)]
    for index in [a.frame_index for a in actions] + spread:
        if len(chosen) >= limit:
            break
        if index not in chosen and signals[index].points is not None:
            chosen.append(index)
    return chosen


def max_frame_change(frames: Sequence[BgrImage]) -> float:
    """Largest mean absolute grey-level difference between consecutive frames at 64x64."""
    small = [cv2.resize(cv2.cvtColor(f, cv2.COLOR_BGR2GRAY), (CHANGE_SIDE, CHANGE_SIDE),
                        interpolation=cv2.INTER_AREA).astype(np.float32) for f in frames]
    return max(float(np.mean(np.abs(b - a))) for a, b in pairwise(small))


class MediaPipeActiveLivenessChecker:
    """ActiveLivenessChecker on MediaPipe FaceLandmarker + SFace."""

    def __init__(self, landmarker: MediaPipeFaceLandmarker | None = None,
                 analyzer: YuNetSFaceAnalyzer | None = None) -> None:
        self.landmarker = landmarker or MediaPipeFaceLandmarker()
        self.analyzer = analyzer or YuNetSFaceAnalyzer()

    @property
    def models(self) -> tuple[ModelProvenance, ...]:
        return (self.landmarker.provenance, *self.analyzer.models)

    def check(self, challenge: LivenessChallenge, response: ChallengeResponse, selfie: bytes | None,
              received_at: datetime, used_nonces: Container[str]) -> LivenessResult:
        """Refuse a replayed/late response outright, else measure the frames and judge them."""
        refusal = admission_failure(challenge, response.nonce, received_at, used_nonces)
        if refusal is not None:
            return rejected_response(refusal, self.models)
        offsets = [frame.offset_ms for frame in response.frames]
        validate_frame_offsets(offsets)
        frames = [downscale(decode_image(frame.image), WORK_MAX_SIDE)[0] for frame in response.frames]
        selfie_embedding = self.analyzer.observe_bytes(selfie).embedding if selfie is not None else None
        return judge_active_response(challenge, self.observe(frames, offsets, selfie_embedding), self.models)

    def observe(self, frames: Sequence[BgrImage], offsets_ms: Sequence[int],
                selfie_embedding: Vector | None) -> ActiveObservation:
        """Measure everything the verdict needs from decoded frames."""
        signals = [self.landmarker.measure(frame) for frame in frames]
        actions, peaks = detect_actions(signals, offsets_ms)
        chosen = identity_frames(signals, actions)
        embeddings = {i: self._embed(frames[i], signals[i]) for i in chosen}
        identity_min, selfie_cos = 0.0, None
        if embeddings:
            reference = embeddings[chosen[0]]
            identity_min = min(cosine(reference, e) for e in embeddings.values())
            if selfie_embedding is not None:
                selfie_cos = cosine(selfie_embedding, reference)
        return ActiveObservation(
            frame_count=len(frames),
            frames_without_face=sum(1 for s in signals if s.face_count == 0),
            frames_with_several_faces=sum(1 for s in signals if s.face_count > 1),
            capture_span_ms=offsets_ms[-1] - offsets_ms[0],
            actions=actions, peaks=peaks, max_frame_change=max_frame_change(frames),
            identity_min_cosine=identity_min, selfie_cosine=selfie_cos,
            scores={f"peak_{a.value}": v for a, v in peaks.items()},
        )

    def _embed(self, frame: BgrImage, signals: FrameSignals) -> Vector:
        assert signals.points is not None
        x0, y0 = signals.points.min(axis=0)
        x1, y1 = signals.points.max(axis=0)
        box = [x0, y0, x1 - x0, y1 - y0]
        row = np.concatenate([box, signals.points.reshape(-1), [1.0]]).astype(np.float32)
        embedder = self.analyzer.embedder
        return embedder.embed(embedder.align(frame, DetectedFace(row=row)))

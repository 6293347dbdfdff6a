"""``MediaPipeActiveLivenessChecker``: measures a challenge response; the domain judges it.

Per frame, MediaPipe gives blink and smile blendshapes, head pose and 5 alignment points. From them:
the actions, relative to the person's own baseline (``ml.liveness.actions``); how the face changed
between consecutive frames (``ml.liveness.motion``), which the domain holds against what a live head
can do in the stated time; and SFace embeddings of a few frames' faces (aligned on those points, so
YuNet need not run per frame) to check that one person is present throughout and that it is the
person of the selfie (full YuNet + SFace). ``domain.liveness_verdict`` decides.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from datetime import datetime

import numpy as np

from domain.checks import ModelProvenance
from domain.liveness_challenge import LivenessChallenge, admission_failure, validate_frame_offsets
from domain.liveness_verdict import ActiveObservation, ObservedAction, judge_active_response, rejected_response
from domain.ports.liveness import ChallengeResponse, LivenessResult
from ml.face import YuNetSFaceAnalyzer
from ml.face.detection import DetectedFace, Vector, cosine
from ml.face.image import BgrImage, decode_image, downscale
from ml.liveness.actions import detect_actions
from ml.liveness.landmarker import FrameSignals, MediaPipeFaceLandmarker
from ml.liveness.motion import frame_steps

WORK_MAX_SIDE = 640  # frames are shrunk to this before the landmarker (cost grows with pixels)
# SFace costs ~20-30 ms per face on these 2 cores, so identity is checked on at most this many
# frames: the most frontal one (the reference), every frame where an action starts, then frames
# spread evenly over the response. This keeps 10 frames within the 400 ms budget (docs/targets.md §3).
IDENTITY_FRAMES = 6


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
            offsets_ms=tuple(offsets_ms),
            frames_without_face=sum(1 for s in signals if s.face_count == 0),
            frames_with_several_faces=sum(1 for s in signals if s.face_count > 1),
            actions=actions, peaks=peaks, steps=frame_steps(frames, signals, offsets_ms),
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

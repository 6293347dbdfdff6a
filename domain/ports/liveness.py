"""Liveness ports: is a real, present person in front of the camera? (requirements/platform §3.1).

Two capabilities, kept separate as requirements/liveness asks (pattern C: passive first, active when needed):

- ``PassiveLivenessChecker``: one image, classical presentation-attack signals. No production-grade
  offline PAD model exists on the registries (docs/architecture.md §7), so its evidence is weak
  and it may only fail a capture when the signals are strong; otherwise it says ``uncertain``.
- ``ActiveLivenessChecker``: frames answering a server-issued challenge
  (``domain.liveness_challenge``): actions in order and in time, one person throughout, who is
  the person of the selfie.

Both return a ``LivenessResult`` whose API form is requirements/platform §8.1 (``is_live``,
``spoof_type``, ``confidence``, ``hints``) and whose ``CheckResult`` is pass / uncertain / fail.
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from domain.checks import CheckResult, CheckType, ModelProvenance, Outcome
from domain.errors import DomainError

if TYPE_CHECKING:
    from domain.liveness_challenge import LivenessChallenge


class SpoofType(StrEnum):
    """requirements/platform §15: ``none|screen|paper|mask|deepfake|unknown``."""

    NONE = "none"
    SCREEN = "screen"
    PAPER = "paper"
    MASK = "mask"
    DEEPFAKE = "deepfake"
    UNKNOWN = "unknown"


class LivenessMode(StrEnum):
    PASSIVE = "passive"
    ACTIVE = "active"


class InvalidLivenessResponseError(DomainError):
    """Frames that cannot be judged at all (none sent, timestamps going backwards, too many)."""

    code = "invalid_liveness_response"


@dataclass(frozen=True)
class LivenessResult:
    """One liveness verdict with the measured evidence behind it (no pixels, nothing personal).

    ``hints`` are stable user-guidance codes (e.g. ``"blink_not_seen"``); ``reasons`` stable
    machine codes for the policy and the audit (e.g. ``"static_frames"``); ``scores`` the numbers.
    """

    mode: LivenessMode
    outcome: Outcome
    spoof_type: SpoofType
    confidence: float
    hints: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    scores: Mapping[str, float] = field(default_factory=dict)
    models: tuple[ModelProvenance, ...] = ()

    @property
    def is_live(self) -> bool:
        return self.outcome is Outcome.PASS

    def to_check_result(self) -> CheckResult:
        """The liveness check as the policy reads it (requirements/liveness step 2: pass / uncertain / fail)."""
        return CheckResult(
            check=CheckType.LIVENESS,
            outcome=self.outcome,
            scores={"confidence": self.confidence, **self.scores},
            reasons=self.reasons,
            details={"mode": self.mode.value, "spoof_type": self.spoof_type.value,
                     "hints": list(self.hints)},
            models=self.models,
        )

    def to_api(self, processing_ms: int | None = None) -> dict[str, object]:
        """requirements/platform §8.1 response body (plus outcome, reasons and model provenance)."""
        body: dict[str, object] = {
            "is_live": self.is_live,
            "spoof_type": self.spoof_type.value,
            "confidence": round(self.confidence, 4),
            "hints": list(self.hints),
            "outcome": self.outcome.value,
            "mode": self.mode.value,
            "reasons": list(self.reasons),
            "scores": {k: round(v, 4) for k, v in self.scores.items()},
            "models": [{"name": m.name, "version": m.version, "weights_sha256": m.weights_sha256}
                       for m in self.models],
        }
        if processing_ms is not None:
            body["processing_ms"] = processing_ms
        return body


@dataclass(frozen=True)
class CapturedFrame:
    """One encoded frame of an active-liveness response and its capture time.

    ``offset_ms`` counts from the first frame (client clock: only differences are used). Frames
    must be as the sensor saw them, not mirrored like a selfie preview, or left and right swap.
    """

    image: bytes
    offset_ms: int

    def __repr__(self) -> str:  # never dump biometric bytes into logs
        return f"CapturedFrame(<{len(self.image)} bytes>, offset_ms={self.offset_ms})"


@dataclass(frozen=True)
class ChallengeResponse:
    """What the client sends back for a challenge: the nonce it was given and its frames."""

    nonce: str
    frames: tuple[CapturedFrame, ...]


class PassiveLivenessChecker(Protocol):
    """Weak, single-image presentation-attack evidence (screen, paper, ...)."""

    def check(self, image: bytes) -> LivenessResult:
        """Judge one capture; raises ``InvalidImageError``/``FaceNotFoundError`` on bad input."""
        ...


class ActiveLivenessChecker(Protocol):
    """Verifies frames answering a server-issued challenge against the selfie."""

    def check(self, challenge: LivenessChallenge, response: ChallengeResponse, selfie: bytes | None,
              received_at: datetime, used_nonces: Container[str]) -> LivenessResult:
        """Judge a response received at ``received_at``; ``used_nonces`` are already-consumed nonces.

        A reused nonce, a late response, frames that do not change (a still photo), actions
        missing or out of order, another person in some frames, or a person other than the one
        of the selfie all fail. Without a selfie the best possible outcome is ``uncertain``.
        """
        ...

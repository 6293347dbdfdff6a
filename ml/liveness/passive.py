"""``ClassicalPassiveLivenessChecker``: single-image spoof signals as weak evidence.

Honesty limits: no production-grade presentation-attack model is available offline, so this
checker only combines classical signals (``ml.liveness.signals``). Its verdicts are capped:

- ``fail`` only when at least two independent signals are strong (>= 0.9) at once;
- ``uncertain`` when any signal is at least moderate (>= 0.5), leaning to a spoof type in hints;
- ``pass`` otherwise, with confidence never above 0.6 (``PASSIVE_MAX_CONFIDENCE``): a clean
  passive result is a reason not to escalate, not proof of a live person (requirements/liveness pattern C:
  escalate to an active challenge when passive confidence is weak).
"""

from __future__ import annotations

from domain.checks import ModelProvenance, Outcome
from domain.ports.face import FaceNotFoundError
from domain.ports.liveness import LivenessMode, LivenessResult, SpoofType
from ml.face import YuNetSFaceAnalyzer
from ml.liveness import signals

PASSIVE_MAX_CONFIDENCE = 0.6
STRONG, MODERATE = 0.9, 0.5
# Which spoof each signal points to: screens show moire, glare on glass and a bezel; prints lose
# texture. Texture alone cannot tell a print from a low-quality webcam, hence only a lean.
_LEAN = {"moire": SpoofType.SCREEN, "specular": SpoofType.SCREEN, "bezel": SpoofType.SCREEN,
         "flat_texture": SpoofType.PAPER}


class ClassicalPassiveLivenessChecker:
    """PassiveLivenessChecker on moire, texture, specular and bezel signals around the YuNet face."""

    def __init__(self, analyzer: YuNetSFaceAnalyzer | None = None) -> None:
        self.analyzer = analyzer or YuNetSFaceAnalyzer()

    def check(self, image: bytes) -> LivenessResult:
        """Judge one capture; ``FaceNotFoundError`` when there is no face to judge."""
        pixels, faces = self.analyzer.detect_bytes(image)
        if not faces:
            raise FaceNotFoundError("no face detected", height=pixels.shape[0], width=pixels.shape[1])
        face = faces[0]
        crop = signals.face_crop(pixels, face)
        measured = {
            "moire": signals.moire_score(crop),
            "flat_texture": signals.flat_texture_score(crop),
            "specular": signals.specular_score(crop),
            "bezel": signals.bezel_score(pixels, face),
        }
        scores = {name: score for name, (score, _) in measured.items()}
        scores |= {f"{name}_raw": raw for name, (_, raw) in measured.items()}
        return judge_passive(scores, models=(self.analyzer.detector.provenance,))


def judge_passive(scores: dict[str, float], models: tuple[ModelProvenance, ...] = ()) -> LivenessResult:
    """Turn the 0-1 signal scores (keys of ``_LEAN``) into a capped, honest verdict."""
    strongest = max(_LEAN, key=lambda name: scores[name])
    top = scores[strongest]
    strong = [name for name in _LEAN if scores[name] >= STRONG]
    lean = _LEAN[strongest]
    hints = tuple(f"{name}_signal" for name in _LEAN if scores[name] >= MODERATE)
    if len(strong) >= 2:
        votes = [_LEAN[name] for name in strong]
        kind = max(set(votes), key=votes.count)
        return LivenessResult(mode=LivenessMode.PASSIVE, outcome=Outcome.FAIL, spoof_type=kind,
                              confidence=PASSIVE_MAX_CONFIDENCE * min(scores[n] for n in strong),
                              hints=(*hints, f"leans_{kind.value}"), reasons=("passive_spoof_signals",),
                              scores=scores, models=models)
    if top >= MODERATE:
        return LivenessResult(mode=LivenessMode.PASSIVE, outcome=Outcome.UNCERTAIN,
                              spoof_type=SpoofType.UNKNOWN, confidence=PASSIVE_MAX_CONFIDENCE * top,
                              hints=(*hints, f"leans_{lean.value}"),
                              reasons=("passive_weak_spoof_signal",), scores=scores, models=models)
    return LivenessResult(mode=LivenessMode.PASSIVE, outcome=Outcome.PASS, spoof_type=SpoofType.NONE,
                          confidence=PASSIVE_MAX_CONFIDENCE * (1.0 - top), scores=scores, models=models)

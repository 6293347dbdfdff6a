"""Face capture quality: what an adapter measures on one face and the rules that judge it.

requirements/liveness pattern A (quality -> liveness -> face match): a face quality ``CheckResult``
is produced on its own, so a poor capture never silently turns into a "no match". The adapter only
measures (``ml/face/quality.py``); the rules here are pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.checks import CheckResult, CheckType, ModelProvenance, Outcome


class FaceQualityIssue(StrEnum):
    """Capture problems, each with the user guidance of requirements/pipeline §5 (selfie capture)."""

    MULTIPLE_FACES = "multiple_faces"  # "Only one face should be visible"
    FACE_TOO_SMALL = "face_too_small"  # "Move closer"
    FACE_TOO_LARGE = "face_too_large"  # "Move further away"
    POSE_TOO_ANGLED = "pose_too_angled"  # "Face the camera directly"
    EYES_MAY_BE_CLOSED = "eyes_may_be_closed"  # "Keep your eyes open"
    POSSIBLE_OCCLUSION = "possible_occlusion"  # "Remove sunglasses/mask"
    BLURRY = "blurry"  # "Hold steady"
    TOO_DARK = "too_dark"  # "Find a well-lit area" (requirements/pipeline §5)
    TOO_BRIGHT = "too_bright"
    LOW_DETECTION_CONFIDENCE = "low_detection_confidence"


# Issues that make a capture unusable: the policy should ask for a retry (requirements/liveness step 1).
BLOCKING_ISSUES: frozenset[FaceQualityIssue] = frozenset(
    {FaceQualityIssue.MULTIPLE_FACES, FaceQualityIssue.FACE_TOO_SMALL, FaceQualityIssue.BLURRY,
     FaceQualityIssue.TOO_DARK, FaceQualityIssue.TOO_BRIGHT}
)


@dataclass(frozen=True)
class FaceQualityRules:
    """Thresholds for face capture quality; defaults cite requirements/pipeline §3 (quality table) and §5.

    Blur is the Laplacian variance of the aligned 112x112 face crop, so it does not depend on the
    photo's resolution; requirements/pipeline §5's "variance of the aligned face > 100" is kept (the sharp photos of
    ../shared/data/faces measure 185-7300 on that crop).
    """

    min_face_width_px: float = 64.0
    max_face_width_ratio: float = 0.9
    max_abs_yaw_deg: float = 30.0
    max_abs_roll_deg: float = 25.0
    min_blur_variance: float = 100.0
    min_brightness: float = 80.0  # requirements/pipeline §5: mean brightness 80-200
    max_brightness: float = 200.0
    min_detection_score: float = 0.8
    min_eye_openness: float = 0.5


@dataclass(frozen=True)
class FaceQualityMeasures:
    """What an adapter measured on one image (numbers, no pixels, nothing personal).

    ``yaw_deg``/``roll_deg`` are estimates from the 5 detector landmarks; ``eye_openness`` is in
    0-1 (None when no eye-state model ran); ``occlusion_hint`` is a weak heuristic flag.
    """

    face_count: int
    face_width_px: float
    face_width_ratio: float
    detection_score: float
    yaw_deg: float
    roll_deg: float
    blur_variance: float
    brightness: float
    eye_openness: float | None = None
    occlusion_hint: bool = False


@dataclass(frozen=True)
class FaceQuality:
    """Quality measures plus the issues found by the rules."""

    measures: FaceQualityMeasures
    issues: tuple[FaceQualityIssue, ...]

    @property
    def outcome(self) -> Outcome:
        """fail when an issue makes the capture unusable, uncertain on hints only, else pass."""
        if any(issue in BLOCKING_ISSUES for issue in self.issues):
            return Outcome.FAIL
        return Outcome.UNCERTAIN if self.issues else Outcome.PASS

    def to_check_result(self, models: tuple[ModelProvenance, ...]) -> CheckResult:
        """The face quality check as the policy reads it."""
        m = self.measures
        return CheckResult(
            check=CheckType.QUALITY,
            outcome=self.outcome,
            scores={"face_count": float(m.face_count), "face_width_px": m.face_width_px,
                    "yaw_deg": m.yaw_deg, "roll_deg": m.roll_deg, "blur_variance": m.blur_variance,
                    "brightness": m.brightness, "detection_score": m.detection_score},
            reasons=tuple(issue.value for issue in self.issues),
            details={"subject": "face"},
            models=models,
        )


def assess_face_quality(m: FaceQualityMeasures, rules: FaceQualityRules | None = None) -> FaceQuality:
    """Apply the quality rules to measured values (pure; the adapter only measures)."""
    r = rules or FaceQualityRules()
    checks: list[tuple[bool, FaceQualityIssue]] = [
        (m.face_count > 1, FaceQualityIssue.MULTIPLE_FACES),
        (m.face_width_px < r.min_face_width_px, FaceQualityIssue.FACE_TOO_SMALL),
        (m.face_width_ratio > r.max_face_width_ratio, FaceQualityIssue.FACE_TOO_LARGE),
        (abs(m.yaw_deg) > r.max_abs_yaw_deg or abs(m.roll_deg) > r.max_abs_roll_deg,
         FaceQualityIssue.POSE_TOO_ANGLED),
        (m.eye_openness is not None and m.eye_openness < r.min_eye_openness,
         FaceQualityIssue.EYES_MAY_BE_CLOSED),
        (m.occlusion_hint, FaceQualityIssue.POSSIBLE_OCCLUSION),
        (m.blur_variance < r.min_blur_variance, FaceQualityIssue.BLURRY),
        (m.brightness < r.min_brightness, FaceQualityIssue.TOO_DARK),
        (m.brightness > r.max_brightness, FaceQualityIssue.TOO_BRIGHT),
        (m.detection_score < r.min_detection_score, FaceQualityIssue.LOW_DETECTION_CONFIDENCE),
    ]
    return FaceQuality(measures=m, issues=tuple(issue for failed, issue in checks if failed))

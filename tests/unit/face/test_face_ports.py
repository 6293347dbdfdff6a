"""The face ports' pure rules: similarity scale, match strength, quality rules, check mapping."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.checks import CheckType, ModelProvenance, Outcome
from domain.ports.face import (
    DEFAULT_SIMILARITY_THRESHOLD,
    SFACE_PUBLISHED_COSINE_THRESHOLD,
    FaceMatchResult,
    InvalidThresholdError,
    MatchStrength,
    classify_match,
    cosine_to_similarity,
    similarity_to_cosine,
)
from domain.ports.face_quality import FaceQualityIssue, FaceQualityMeasures, assess_face_quality

pytestmark = pytest.mark.unit

GOOD = FaceQualityMeasures(face_count=1, face_width_px=240.0, face_width_ratio=0.3, detection_score=0.95,
                           yaw_deg=3.0, roll_deg=-2.0, blur_variance=900.0, brightness=140.0)
PROVENANCE = (ModelProvenance("sface", "test", "0" * 64),)


def test_published_sface_threshold_is_the_default_api_threshold() -> None:
    published = cosine_to_similarity(SFACE_PUBLISHED_COSINE_THRESHOLD)
    assert published == pytest.approx(DEFAULT_SIMILARITY_THRESHOLD)
    assert cosine_to_similarity(1.0) == pytest.approx(1.0)
    assert cosine_to_similarity(0.0) == 0.0
    assert cosine_to_similarity(-0.4) == 0.0


@given(st.floats(min_value=0.0, max_value=1.0), st.floats(min_value=0.0, max_value=1.0))
def test_similarity_mapping_is_monotonic(a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    assert cosine_to_similarity(lo) <= cosine_to_similarity(hi)


@given(st.floats(min_value=0.0, max_value=1.0))
def test_similarity_to_cosine_inverts_the_mapping(cos: float) -> None:
    assert similarity_to_cosine(cosine_to_similarity(cos)) == pytest.approx(cos, abs=1e-9)


def test_seed_001_example_threshold_in_cosine_terms() -> None:
    assert similarity_to_cosine(0.75) == pytest.approx(0.545, abs=0.001)


def test_match_strength_bands() -> None:
    assert classify_match(0.65) is MatchStrength.STRONG
    assert classify_match(0.60) is MatchStrength.WEAK
    assert classify_match(0.55) is MatchStrength.WEAK
    assert classify_match(0.54) is MatchStrength.NONE
    assert classify_match(0.80, threshold=0.85) is MatchStrength.WEAK


@pytest.mark.parametrize("bad", [0.0, -0.1, 1.5])
def test_threshold_outside_the_scale_is_a_domain_error(bad: float) -> None:
    with pytest.raises(InvalidThresholdError) as info:
        classify_match(0.7, threshold=bad)
    assert info.value.code == "invalid_threshold"


def test_good_capture_has_no_issue_and_passes() -> None:
    quality = assess_face_quality(GOOD)
    assert quality.issues == ()
    assert quality.outcome is Outcome.PASS


@pytest.mark.parametrize(
    ("change", "issue", "outcome"),
    [
        ({"face_count": 2}, FaceQualityIssue.MULTIPLE_FACES, Outcome.FAIL),
        ({"face_width_px": 40.0}, FaceQualityIssue.FACE_TOO_SMALL, Outcome.FAIL),
        ({"blur_variance": 50.0}, FaceQualityIssue.BLURRY, Outcome.FAIL),
        ({"brightness": 60.0}, FaceQualityIssue.TOO_DARK, Outcome.FAIL),
        ({"brightness": 230.0}, FaceQualityIssue.TOO_BRIGHT, Outcome.FAIL),
        ({"yaw_deg": 40.0}, FaceQualityIssue.POSE_TOO_ANGLED, Outcome.UNCERTAIN),
        ({"roll_deg": -30.0}, FaceQualityIssue.POSE_TOO_ANGLED, Outcome.UNCERTAIN),
        ({"eye_openness": 0.2}, FaceQualityIssue.EYES_MAY_BE_CLOSED, Outcome.UNCERTAIN),
        ({"occlusion_hint": True}, FaceQualityIssue.POSSIBLE_OCCLUSION, Outcome.UNCERTAIN),
        ({"face_width_ratio": 0.95}, FaceQualityIssue.FACE_TOO_LARGE, Outcome.UNCERTAIN),
        ({"detection_score": 0.7}, FaceQualityIssue.LOW_DETECTION_CONFIDENCE, Outcome.UNCERTAIN),
    ],
)
def test_each_quality_rule_raises_its_issue(change: dict[str, object], issue: FaceQualityIssue,
                                            outcome: Outcome) -> None:
    measures = FaceQualityMeasures(**{**GOOD.__dict__, **change})  # type: ignore[arg-type]
    quality = assess_face_quality(measures)
    assert quality.issues == (issue,)
    assert quality.outcome is outcome
    check = quality.to_check_result(PROVENANCE)
    assert check.check is CheckType.QUALITY
    assert check.reasons == (issue.value,)


@pytest.mark.parametrize(("strength", "outcome"), [(MatchStrength.STRONG, Outcome.PASS),
                                                   (MatchStrength.WEAK, Outcome.UNCERTAIN),
                                                   (MatchStrength.NONE, Outcome.FAIL)])
def test_match_strength_maps_to_outcome(strength: MatchStrength, outcome: Outcome) -> None:
    quality = assess_face_quality(GOOD)
    result = FaceMatchResult(cosine=0.5, similarity=0.7, threshold=0.65, strength=strength,
                             probe_quality=quality, reference_quality=quality, models=PROVENANCE)
    check = result.to_check_result()
    assert check.check is CheckType.FACE_MATCH
    assert check.outcome is outcome
    assert check.scores["similarity"] == 0.7
    assert check.models == PROVENANCE
    body = result.to_api()
    assert body["match"] is (strength is MatchStrength.STRONG)
    assert {"match", "similarity", "threshold"} <= body.keys()

"""Table-driven tests of every gate, band edge and route of the default policy (seeds 001/002/004)."""

from __future__ import annotations

import pytest

from domain.checks import CheckType, Outcome
from policies.document import DEFAULT_POLICY, PolicyDocument
from policies.evaluate import evaluate
from policies.messages import USER_MESSAGES
from policies.scoring import band
from tests.unit.policies.builders import all_pass, inputs
from tests.unit.sessions.support import face, liveness, result

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("score", "retries", "expected"),
    [
        (59.99, 0, "rejected"),
        (59.0, 0, "rejected"),
        (60.0, 0, "review"),  # threshold equality belongs to the upper band (requirements/platform §4: review 60-79)
        (79.0, 0, "review"),
        (79.99, 0, "review"),
        (80.0, 0, "accepted"),  # accepted >= 80
        (100.0, 0, "accepted"),
        (84.99, 1, "review"),  # one retry raises the bar by 5 points
        (85.0, 1, "accepted"),
        (0.0, 0, "rejected"),
    ],
)
def test_score_bands_and_edges(score: float, retries: int, expected: str) -> None:
    assert band(DEFAULT_POLICY, score, retries).value == expected


def test_tenant_customised_bands() -> None:
    strict = PolicyDocument(accept_threshold=90, review_threshold=70)
    assert band(strict, 89.99, 0).value == "review"
    assert band(strict, 90, 0).value == "accepted"
    assert band(strict, 69.99, 0).value == "rejected"


def test_default_weights_are_the_seed_weights_and_all_pass_scores_100() -> None:
    outcome = evaluate(DEFAULT_POLICY, inputs(*all_pass()))
    assert {f.factor: f.weight for f in outcome.score_breakdown} == {
        "liveness": 30,
        "face_match": 40,
        "document": 25,
        "kya": 5,
    }
    assert outcome.score == 100.0
    assert (outcome.decision.value, outcome.route.value) == ("accepted", "auto_approve")
    assert outcome.user_message == USER_MESSAGES["verified"]


# (overrides, decision, route, reason code that must appear, user message code)
GATE_TABLE = [
    ({"liveness": liveness(Outcome.FAIL)}, "rejected", "retry", "liveness_failed", "liveness_failed"),
    (
        {"liveness": liveness(Outcome.UNCERTAIN)},
        "review",
        "active_challenge",
        "liveness_uncertain",
        "active_challenge",
    ),
    ({"face_match": face(0.60)}, "review", "manual_review", "face_match_weak", "under_review"),
    ({"face_match": face(0.50)}, "review", "manual_review", "face_match_weak", "under_review"),  # floor
    ({"face_match": face(0.4999)}, "rejected", "retry", "face_match_none", "face_mismatch"),
    ({"face_match": face(0.65)}, "accepted", "auto_approve", None, "verified"),  # threshold equality
    ({"face_match": face(0.9, Outcome.FAIL)}, "rejected", "retry", "face_match_none", "face_mismatch"),
    (
        {"data_validation": result(CheckType.DATA_VALIDATION, Outcome.FAIL, ("document_expired",))},
        "rejected",
        "retry",
        "document_expired",
        "document_expired",
    ),
    (
        {"data_validation": result(CheckType.DATA_VALIDATION, Outcome.FAIL, ("mrz_checksum_fail",))},
        "rejected",
        "retry",
        "document:mrz_checksum_fail",
        "document_invalid",
    ),
    (
        {"data_validation": result(CheckType.DATA_VALIDATION, Outcome.UNCERTAIN)},
        "review",
        "manual_review",
        "document_uncertain",
        "under_review",
    ),
    (
        {"ocr": result(CheckType.OCR, Outcome.FAIL)},
        "rejected",
        "retry",
        "document_unreadable",
        "retake_capture",
    ),
    (
        {"quality": result(CheckType.QUALITY, Outcome.FAIL, ("blur",))},
        "rejected",
        "retry",
        "quality:blur",
        "retake_capture",
    ),
    ({"kya": result(CheckType.KYA, Outcome.FAIL)}, "accepted", "auto_approve", None, "verified"),  # 95 pts
]


@pytest.mark.parametrize(("overrides", "decision", "route", "reason", "message"), GATE_TABLE)
def test_each_gate(overrides, decision, route, reason, message) -> None:
    outcome = evaluate(DEFAULT_POLICY, inputs(*all_pass(**overrides)))
    assert (outcome.decision.value, outcome.route.value, outcome.user_message_code) == (
        decision,
        route,
        message,
    )
    if reason is not None:
        assert reason in outcome.reason_codes


def test_explanations_carry_numbers() -> None:
    outcome = evaluate(DEFAULT_POLICY, inputs(*all_pass(face_match=face(0.62)), threshold=0.75))
    face_rule = next(r for r in outcome.rules if r.rule == "face_match_gate")
    assert face_rule.detail.startswith("similarity 0.62 < 0.75 threshold")  # requirements/platform §4 example
    factor = next(f for f in outcome.score_breakdown if f.factor == "face_match")
    assert factor.basis == "similarity 0.62 / threshold 0.75" and factor.points == round(40 * 0.62 / 0.75, 2)


def test_failed_liveness_is_never_accepted_even_with_a_perfect_score_elsewhere() -> None:
    outcome = evaluate(DEFAULT_POLICY, inputs(*all_pass(similarity=1.0, liveness=liveness(Outcome.FAIL))))
    assert outcome.score == 70.0 and outcome.decision.value == "rejected"


def test_a_failed_liveness_gets_one_retry_then_rejects() -> None:
    again = evaluate(DEFAULT_POLICY, inputs(*all_pass(liveness=liveness(Outcome.FAIL)), retries_used=1))
    assert (again.decision.value, again.route.value) == ("rejected", "reject")


def test_liveness_uncertain_under_active_liveness_retries_without_a_new_challenge() -> None:
    outcome = evaluate(
        DEFAULT_POLICY, inputs(*all_pass(liveness=liveness(Outcome.UNCERTAIN)), liveness_type="active")
    )
    assert (outcome.route.value, outcome.user_message_code) == ("retry", "liveness_retry")


def test_retries_used_up_escalate_to_manual_review_or_reject_by_policy() -> None:
    bad_face = all_pass(face_match=face(0.2))
    assert evaluate(DEFAULT_POLICY, inputs(*bad_face, retries_used=3)).route.value == "manual_review"
    strict = PolicyDocument(on_retries_exhausted="reject", no_match_action="reject")
    assert evaluate(strict, inputs(*bad_face, max_retries=0)).route.value == "reject"


def test_no_match_goes_to_review_when_configured() -> None:
    outcome = evaluate(PolicyDocument(no_match_action="review"), inputs(*all_pass(face_match=face(0.1))))
    assert (outcome.decision.value, outcome.route.value) == ("review", "manual_review")


@pytest.mark.parametrize(
    ("check", "outcome_", "decision", "route", "reason", "message"),
    [
        ("screening", Outcome.FAIL, "review", "compliance_escalation", "screening_hit", "generic_unable"),
        (
            "screening",
            Outcome.UNCERTAIN,
            "review",
            "manual_review",
            "screening_potential_match",
            "under_review",
        ),
        ("fraud", Outcome.FAIL, "rejected", "reject", "suspected_fraud", "generic_unsuccessful"),
        ("fraud", Outcome.UNCERTAIN, "review", "manual_review", "fraud_uncertain", "under_review"),
        (
            "age_verification",
            Outcome.FAIL,
            "rejected",
            "reject",
            "age_requirement_not_met",
            "age_requirement",
        ),
        ("age_verification", Outcome.UNCERTAIN, "review", "manual_review", "age_uncertain", "under_review"),
    ],
)
def test_screening_fraud_and_age_gates(check, outcome_, decision, route, reason, message) -> None:
    checks = ("ocr", "face_match", "liveness", check)
    results = [*all_pass(), result(CheckType(check), outcome_, ("internal_signal",))]
    outcome = evaluate(DEFAULT_POLICY, inputs(*results, checks=checks))
    assert (outcome.decision.value, outcome.route.value, outcome.user_message_code) == (
        decision,
        route,
        message,
    )
    assert reason in outcome.reason_codes


def test_sanctions_hit_escalates_even_with_a_perfect_score() -> None:
    results = [*all_pass(), result(CheckType.SCREENING, Outcome.FAIL)]
    outcome = evaluate(
        DEFAULT_POLICY, inputs(*results, checks=(*("ocr", "face_match", "liveness"), "screening"))
    )
    assert outcome.score == 100.0 and outcome.route.value == "compliance_escalation"


def test_fraud_wins_over_quality_guidance_in_the_user_message() -> None:
    results = [*all_pass(ocr=result(CheckType.OCR, Outcome.FAIL)), result(CheckType.FRAUD, Outcome.FAIL)]
    outcome = evaluate(DEFAULT_POLICY, inputs(*results, checks=("ocr", "face_match", "liveness", "fraud")))
    assert outcome.route.value == "reject" and outcome.user_message == "Verification unsuccessful."


FRAUD_WORDS = (
    "fraud",
    "spoof",
    "sanction",
    "pep",
    "tamper",
    "deepfake",
    "forg",
    "mask",
    "attack",
    "watchlist",
)


def test_no_user_message_reveals_a_fraud_signal() -> None:
    for text in USER_MESSAGES.values():
        assert not any(word in text.lower() for word in FRAUD_WORDS), text


def test_unscored_factors_drop_out_and_the_rest_rescale() -> None:
    outcome = evaluate(DEFAULT_POLICY, inputs(*all_pass(), checks=("ocr", "face_match", "liveness")))
    assert [f.factor for f in outcome.score_breakdown] == ["liveness", "face_match", "document"]
    assert outcome.score == 100.0
    assert {f.check for f in outcome.score_breakdown} == {"liveness", "face_match", "ocr"}

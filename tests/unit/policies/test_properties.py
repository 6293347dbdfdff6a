"""Hypothesis properties of the pure policy: monotone in check results, liveness gate."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.checks import CheckResult, CheckType, Outcome
from domain.sessions.values import DECISION_RANK
from policies.document import PolicyDocument
from policies.evaluate import evaluate
from tests.unit.policies.builders import inputs
from tests.unit.sessions.support import result

pytestmark = pytest.mark.unit

OUTCOMES = [Outcome.FAIL, Outcome.UNCERTAIN, Outcome.PASS]  # worst to best
CHECKS = ("ocr", "face_match", "liveness", "data_validation", "kya", "fraud", "screening", "age_verification")
REASONS = st.sampled_from([(), ("document_expired",), ("mrz_checksum_fail",), ("blur",)])

policies = st.builds(
    PolicyDocument,
    accept_threshold=st.sampled_from([70.0, 80.0, 90.0]),
    review_threshold=st.sampled_from([50.0, 60.0, 70.0]),
    no_match_action=st.sampled_from(["reject", "review"]),
    scrutiny_points_per_retry=st.sampled_from([0.0, 5.0, 10.0]),
    on_retries_exhausted=st.sampled_from(["manual_review", "reject"]),
    active_challenge_on_uncertain=st.booleans(),
)


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, object]:
    checks = tuple(c for c in CHECKS if c in ("face_match", "liveness") or draw(st.booleans()))
    results: dict[CheckType, CheckResult] = {}
    for name in (*checks, *(("quality",) if draw(st.booleans()) else ())):
        check = CheckType(name)
        outcome = draw(st.sampled_from(OUTCOMES))
        scores = {"similarity": draw(st.floats(0.0, 1.0))} if check == CheckType.FACE_MATCH else {}
        results[check] = result(check, outcome, draw(REASONS), **scores)
    return {
        "checks": checks,
        "results": results,
        "retries_used": draw(st.integers(0, 3)),
        "max_retries": draw(st.integers(0, 3)),
        "threshold": draw(st.sampled_from([0.363, 0.5, 0.65, 0.75])),
        "liveness_type": draw(st.sampled_from(["passive", "active"])),
    }


def build(s: dict[str, object], results: dict[CheckType, CheckResult]) -> object:
    return inputs(
        *results.values(),
        checks=s["checks"],
        retries_used=s["retries_used"],  # type: ignore[arg-type]
        max_retries=s["max_retries"],
        threshold=s["threshold"],  # type: ignore[arg-type]
        liveness_type=s["liveness_type"],
    )  # type: ignore[arg-type]


def improved(r: CheckResult, data: st.DataObject) -> CheckResult:
    """A better version of ``r``: a better outcome and/or a higher similarity, nothing else."""
    better_outcomes = OUTCOMES[OUTCOMES.index(r.outcome) :]
    outcome = data.draw(st.sampled_from(better_outcomes))
    scores = dict(r.scores)
    if "similarity" in scores:
        scores["similarity"] = data.draw(st.floats(scores["similarity"], 1.0))
    # a better document result no longer carries the failure reasons of the worse one
    reasons = r.reasons if outcome == r.outcome else ()
    return CheckResult(r.check, outcome, scores, reasons, r.details, r.models)


@settings(max_examples=400, deadline=None)
@given(policy=policies, s=scenarios(), data=st.data())
def test_a_better_check_result_never_makes_the_decision_worse(policy, s, data) -> None:
    results: dict[CheckType, CheckResult] = s["results"]
    target = data.draw(st.sampled_from(sorted(results)))
    before = evaluate(policy, build(s, results))
    after = evaluate(policy, build(s, {**results, target: improved(results[target], data)}))
    assert DECISION_RANK[after.decision] >= DECISION_RANK[before.decision]
    assert after.score >= before.score


@settings(max_examples=300, deadline=None)
@given(policy=policies, s=scenarios())
def test_a_failed_liveness_is_never_accepted(policy, s) -> None:
    results = {**s["results"], CheckType.LIVENESS: result(CheckType.LIVENESS, Outcome.FAIL)}
    outcome = evaluate(policy, build(s, results))
    assert outcome.decision.value != "accepted"
    assert outcome.route.value != "auto_approve"


@settings(max_examples=200, deadline=None)
@given(policy=policies, s=scenarios())
def test_evaluation_is_deterministic_and_its_record_is_json_stable(policy, s) -> None:
    import json

    first = evaluate(policy, build(s, s["results"])).to_record()
    second = evaluate(policy, build(s, s["results"])).to_record()
    assert first == second
    assert json.loads(json.dumps(first)) == first

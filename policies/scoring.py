"""The weighted score (requirements/platform §4) and its bands, with per-factor explanations.

Each factor scores 0..1 from its recorded check: pass 1, uncertain 0.5, fail 0 (a passive liveness
pass counts as uncertain unless the policy accepts passive liveness, as its gate does); the face factor is
similarity / threshold capped at 1 (0 on a failed match), so it explains itself in numbers. Factors
whose check the session did not request drop out and the rest are rescaled to 0..100, so a session
without KYA can still reach 100. Scores are rounded to 2 decimals before banding: the recorded
number is the number that decided.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.checks import CheckResult, CheckType, Outcome
from domain.sessions.errors import PolicyInputError
from domain.sessions.values import Decision
from policies.document import DEFAULT_FACTOR_CHECKS, FACTORS, PolicyDocument
from policies.inputs import DecisionInputs
from policies.rules import passive_pass_held_uncertain, similarity_of

OUTCOME_POINTS: dict[Outcome, float] = {Outcome.PASS: 1.0, Outcome.UNCERTAIN: 0.5, Outcome.FAIL: 0.0}


@dataclass(frozen=True)
class FactorScore:
    factor: str
    check: str
    weight: float
    fraction: float
    points: float  # on the 0..100 scale after rescaling
    basis: str

    def to_record(self) -> dict[str, Any]:
        return {
            "factor": self.factor,
            "check": self.check,
            "weight": self.weight,
            "fraction": self.fraction,
            "points": self.points,
            "basis": self.basis,
        }


def _fraction(policy: PolicyDocument, factor: str, result: CheckResult, inputs: DecisionInputs) -> tuple[float, str]:
    if factor == "liveness" and passive_pass_held_uncertain(policy, result):
        return OUTCOME_POINTS[Outcome.UNCERTAIN], "liveness pass (passive, counted as uncertain)"
    if factor == "face_match":
        threshold = inputs.configuration.face_match_threshold
        similarity = similarity_of(result)
        if result.outcome == Outcome.FAIL or similarity is None:
            return 0.0, f"face match {result.outcome.value}"
        fraction = max(0.0, min(1.0, similarity / threshold))
        return fraction, f"similarity {similarity:.2f} / threshold {threshold:.2f}"
    return OUTCOME_POINTS[result.outcome], f"{result.check.value} {result.outcome.value}"


def _factor_check(factor: str, inputs: DecisionInputs) -> CheckType | None:
    for check in DEFAULT_FACTOR_CHECKS[factor]:
        if inputs.requested(check):
            return check
    return None


def score(policy: PolicyDocument, inputs: DecisionInputs) -> tuple[float, tuple[FactorScore, ...]]:
    """The 0..100 score and its breakdown over the factors the session requested."""
    present: list[tuple[str, CheckType, CheckResult]] = []
    for factor in FACTORS:
        check = _factor_check(factor, inputs)
        if check is None or policy.weights[factor] == 0:
            continue
        result = inputs.result(check)
        if result is None:
            raise PolicyInputError("requested check has no recorded result", check=check.value)
        present.append((factor, check, result))
    total_weight = sum(policy.weights[f] for f, _, _ in present)
    if total_weight <= 0:
        return 0.0, ()
    breakdown: list[FactorScore] = []
    for factor, check, result in present:
        weight = policy.weights[factor]
        fraction, basis = _fraction(policy, factor, result, inputs)
        points = round(100.0 * weight * fraction / total_weight, 2)
        breakdown.append(FactorScore(factor, check.value, weight, round(fraction, 4), points, basis))
    raw = sum(100.0 * policy.weights[f] * _fraction(policy, f, r, inputs)[0] for f, _, r in present) / total_weight
    return round(raw, 2), tuple(breakdown)


def effective_accept_threshold(policy: PolicyDocument, retries_used: int) -> float:
    """Each retry raises the bar to accept (requirements/liveness §6: scrutiny rises with each retry)."""
    return min(100.0, policy.accept_threshold + policy.scrutiny_points_per_retry * retries_used)


def band(policy: PolicyDocument, value: float, retries_used: int) -> Decision:
    """accepted >= accept, review >= review, rejected below (requirements/platform §4; equality included)."""
    if value >= effective_accept_threshold(policy, retries_used):
        return Decision.ACCEPTED
    if value >= policy.review_threshold:
        return Decision.REVIEW
    return Decision.REJECTED

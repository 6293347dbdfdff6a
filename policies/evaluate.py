"""``evaluate(policy, inputs) -> DecisionOutcome``: the decision, its route and its explanation.

decision = worst(score band, every gate's ceiling)                       (docs/architecture.md §6)
route    = compliance escalation on a screening hit                      (requirements/pipeline §9)
           auto approve when accepted
           retry / active challenge when every triggered gate is retryable and retries remain
                                                                        (requirements/pipeline §12,
                                                                         requirements/liveness pattern C)
           manual review when retries are used up and the policy says so (requirements/pipeline §12 "next tier")
           manual review for review, reject for rejected
Pure and deterministic: the same inputs under the same document give the same record, which is
what replay checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.sessions.values import Decision, Route, worst
from policies.document import PolicyDocument
from policies.inputs import DecisionInputs
from policies.messages import MESSAGE_PRIORITY, USER_MESSAGES
from policies.rules import GATES, RuleOutcome
from policies.scoring import FactorScore, band, effective_accept_threshold, score


@dataclass(frozen=True)
class DecisionOutcome:
    """What the policy decided for one attempt, with everything needed to explain it."""

    decision: Decision
    route: Route
    score: float
    accept_threshold: float
    review_threshold: float
    score_breakdown: tuple[FactorScore, ...]
    rules: tuple[RuleOutcome, ...]
    reason_codes: tuple[str, ...]
    user_message_code: str
    retry_step: str | None

    @property
    def user_message(self) -> str:
        return USER_MESSAGES[self.user_message_code]

    def to_record(self) -> dict[str, Any]:
        """The JSON-safe form stored in ``DecisionMade.outcome`` and compared by replay."""
        return {
            "decision": str(self.decision),
            "route": str(self.route),
            "score": self.score,
            "accept_threshold": self.accept_threshold,
            "review_threshold": self.review_threshold,
            "score_breakdown": [f.to_record() for f in self.score_breakdown],
            "rules": [r.to_record() for r in self.rules],
            "reason_codes": list(self.reason_codes),
            "user_message_code": self.user_message_code,
            "user_message": self.user_message,
            "retry_step": self.retry_step,
        }


def _route(
    policy: PolicyDocument, inputs: DecisionInputs, decision: Decision, triggered: list[RuleOutcome]
) -> Route:
    if any(r.escalate for r in triggered):
        return Route.COMPLIANCE_ESCALATION
    if decision == Decision.ACCEPTED:
        return Route.AUTO_APPROVE
    retries_left = inputs.configuration.max_retries - inputs.retries_used
    if triggered and all(r.retryable for r in triggered):
        if retries_left > 0:
            return Route.ACTIVE_CHALLENGE if any(r.active_challenge for r in triggered) else Route.RETRY
        if policy.on_retries_exhausted == "manual_review":
            return Route.MANUAL_REVIEW
    return Route.MANUAL_REVIEW if decision == Decision.REVIEW else Route.REJECT


def _message(route: Route, triggered: list[RuleOutcome]) -> str:
    if route == Route.AUTO_APPROVE:
        return "verified"
    if route == Route.COMPLIANCE_ESCALATION:
        return "generic_unable"
    present = {r.message for r in triggered if r.message}
    if "generic_unsuccessful" in present and any(r.rule == "fraud_gate" and r.ceiling == Decision.REJECTED
                                                 for r in triggered):
        return "generic_unsuccessful"
    if route == Route.MANUAL_REVIEW:
        return "under_review"
    for code in MESSAGE_PRIORITY:
        if code in present:
            return code
    return "generic_unsuccessful" if route == Route.REJECT else "under_review"


def _retry_step(route: Route, triggered: list[RuleOutcome]) -> str | None:
    if route not in (Route.RETRY, Route.ACTIVE_CHALLENGE):
        return None
    steps = sorted({r.retry_step for r in triggered if r.retry_step})
    return steps[0] if len(steps) == 1 else "all"


def evaluate(policy: PolicyDocument, inputs: DecisionInputs) -> DecisionOutcome:
    """Decide one attempt from its recorded inputs under ``policy``."""
    value, breakdown = score(policy, inputs)
    accept_at = effective_accept_threshold(policy, inputs.retries_used)
    banded = band(policy, value, inputs.retries_used)
    gates = tuple(outcome for outcome in (gate(policy, inputs) for gate in GATES) if outcome is not None)
    band_codes: tuple[str, ...] = ()
    if banded == Decision.REVIEW:
        band_codes = ("score_review_band",)
    elif banded == Decision.REJECTED:
        band_codes = ("score_reject_band",)
    band_rule = RuleOutcome(
        "score_band",
        banded,
        band_codes,
        f"score {value:.2f}: accept >= {accept_at:.2f}, review >= {policy.review_threshold:.2f}"
        + (f" (raised by {inputs.retries_used} retries)" if inputs.retries_used else ""),
    )
    decision = worst(banded, *(g.ceiling for g in gates))
    triggered = [g for g in gates if g.triggered]
    route = _route(policy, inputs, decision, triggered)
    reason_codes = tuple(code for rule in (*gates, band_rule) for code in rule.reason_codes)
    return DecisionOutcome(
        decision=decision,
        route=route,
        score=value,
        accept_threshold=accept_at,
        review_threshold=policy.review_threshold,
        score_breakdown=breakdown,
        rules=(*gates, band_rule),
        reason_codes=reason_codes,
        user_message_code=_message(route, triggered),
        retry_step=_retry_step(route, triggered),
    )

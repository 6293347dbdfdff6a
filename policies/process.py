"""From a session's recorded events to the decision to record (used by the decision worker)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from policies.document import PolicyDocument
from policies.evaluate import DecisionOutcome, evaluate
from policies.inputs import inputs_from_events


@dataclass(frozen=True)
class DecisionPlan:
    """Arguments of ``VerificationSession.record_decision`` for one attempt."""

    attempt: int
    policy_hash: str
    inputs: list[dict[str, Any]]
    outcome: DecisionOutcome

    @property
    def outcome_record(self) -> dict[str, Any]:
        return self.outcome.to_record()


def plan_decision(events: Sequence[object], attempt: int, policy: PolicyDocument) -> DecisionPlan:
    """Evaluate ``policy`` over the attempt's recorded inputs, naming each event read."""
    inputs = inputs_from_events(events, attempt)
    return DecisionPlan(
        attempt=attempt,
        policy_hash=policy.policy_hash,
        inputs=[ref.to_dict() for ref in inputs.refs],
        outcome=evaluate(policy, inputs),
    )

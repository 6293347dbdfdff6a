"""Replay and what-if as pure functions over a session's recorded events (docs/architecture.md §6).

``replay_session`` re-runs every recorded decision from exactly the events it names (checking each
one's content hash) under the policy document recorded for its hash, and reports any difference.
``what_if_session`` evaluates another policy over the same recorded inputs and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from domain.policy_registry import policy_document_hash
from domain.sessions.canonical import EventRef, canonical_json, to_json_value
from domain.sessions.errors import InvalidPolicyError
from policies.document import PolicyDocument
from policies.evaluate import evaluate
from policies.inputs import TOPIC_DECISION_MADE, DecisionInputs, field_of, inputs_from_events, topic_of

PolicyLookup = Callable[[str], Mapping[str, Any]]
"""Returns the recorded policy document for a hash (raises ``NotFoundError`` if none)."""


@dataclass(frozen=True)
class ReplayResult:
    session_id: str
    attempt: int
    policy_hash: str
    reproduced: bool
    differences: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class WhatIfResult:
    session_id: str
    attempt: int
    recorded: Mapping[str, Any]
    proposed: Mapping[str, Any]

    @property
    def changed(self) -> bool:
        keys = ("decision", "route", "score", "user_message_code")
        return any(self.recorded.get(k) != self.proposed.get(k) for k in keys)


def decision_events(events: Iterable[object]) -> list[object]:
    return [e for e in events if topic_of(e) == TOPIC_DECISION_MADE]


def _diff(recorded: Any, replayed: Any, path: str = "") -> list[str]:
    if isinstance(recorded, dict) and isinstance(replayed, dict):
        out: list[str] = []
        for key in sorted(set(recorded) | set(replayed)):
            out += _diff(recorded.get(key), replayed.get(key), f"{path}.{key}" if path else key)
        return out
    if isinstance(recorded, list) and isinstance(replayed, list) and len(recorded) == len(replayed):
        return [d for i, (a, b) in enumerate(zip(recorded, replayed, strict=True))
                for d in _diff(a, b, f"{path}[{i}]")]
    if canonical_json(recorded) != canonical_json(replayed):
        return [f"{path}: recorded {canonical_json(recorded)} != replayed {canonical_json(replayed)}"]
    return []


def _position(event: object) -> tuple[str, int]:
    return str(field_of(event, "originator_id")), int(field_of(event, "originator_version"))


def _named_inputs(decision: object, events: Sequence[object]) -> tuple[list[object], list[str]]:
    """The events a decision names, checked against their recorded content hashes."""
    by_position = {_position(e): e for e in events}
    found: list[object] = []
    problems: list[str] = []
    for raw in field_of(decision, "inputs"):
        ref = EventRef.from_dict(raw)
        event = by_position.get((ref.originator_id, ref.originator_version))
        if event is None:
            problems.append(f"input {ref.originator_id}@{ref.originator_version} is missing")
        elif EventRef.of(event).sha256 != ref.sha256:
            problems.append(f"input {ref.originator_id}@{ref.originator_version} content hash differs")
        else:
            found.append(event)
    return found, problems


def replay_decision(decision: object, events: Sequence[object], policy_lookup: PolicyLookup) -> ReplayResult:
    """Re-run one recorded decision from the events it names under the policy it names."""
    session_id = str(field_of(decision, "originator_id"))
    attempt = int(field_of(decision, "attempt"))
    policy_hash = str(field_of(decision, "policy_hash"))
    inputs_used, problems = _named_inputs(decision, events)
    if problems:
        return ReplayResult(session_id, attempt, policy_hash, False, tuple(problems))
    document = dict(policy_lookup(policy_hash))
    if policy_document_hash(document) != policy_hash:
        return ReplayResult(session_id, attempt, policy_hash, False, ("policy document hash differs",))
    try:
        policy = PolicyDocument.from_dict(document)
    except InvalidPolicyError as exc:
        return ReplayResult(session_id, attempt, policy_hash, False, (f"policy unreadable: {exc.message}",))
    inputs = inputs_from_events(inputs_used, attempt)
    replayed_refs = [r.to_dict() for r in inputs.refs]
    differences = _diff(to_json_value(field_of(decision, "inputs")), replayed_refs, "inputs")
    outcome = evaluate(policy, inputs).to_record()
    differences += _diff(to_json_value(field_of(decision, "outcome")), outcome, "outcome")
    return ReplayResult(session_id, attempt, policy_hash, not differences, tuple(differences))


def replay_session(events: Sequence[object], policy_lookup: PolicyLookup) -> list[ReplayResult]:
    """Replay every decision a session recorded."""
    return [replay_decision(d, events, policy_lookup) for d in decision_events(events)]


def what_if_session(events: Sequence[object], policy: PolicyDocument) -> list[WhatIfResult]:
    """How each recorded decision of a session would come out under ``policy``."""
    results: list[WhatIfResult] = []
    for decision in decision_events(events):
        attempt = int(field_of(decision, "attempt"))
        named, problems = _named_inputs(decision, events)
        inputs: DecisionInputs = inputs_from_events(events if problems else named, attempt)
        results.append(
            WhatIfResult(
                session_id=str(field_of(decision, "originator_id")),
                attempt=attempt,
                recorded=to_json_value(field_of(decision, "outcome")),
                proposed=evaluate(policy, inputs).to_record(),
            )
        )
    return results

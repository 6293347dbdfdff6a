"""The recorded facts a decision reads, rebuilt from session events.

``inputs_from_events`` picks, for one attempt: the session's ``Created`` event (configuration), the
``RetryRequested`` events up to that attempt (retry history, requirements/liveness §6), and the latest
``CheckCompleted`` per check of the attempt (checks may arrive in any order, requirements/liveness pattern B).
Events are recognised by their stable topics, never by class identity.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from domain.checks import CheckResult, CheckType
from domain.sessions import topics
from domain.sessions.canonical import EventRef
from domain.sessions.configuration import LivenessType, SessionConfiguration
from domain.sessions.errors import PolicyInputError
from domain.sessions.values import check_result_from_record

TOPIC_CREATED = topics.CREATED
TOPIC_CHECK_COMPLETED = topics.CHECK_COMPLETED
TOPIC_RETRY_REQUESTED = topics.RETRY_REQUESTED
TOPIC_DECISION_MADE = topics.DECISION_MADE
INPUT_TOPICS = frozenset({TOPIC_CREATED, TOPIC_CHECK_COMPLETED, TOPIC_RETRY_REQUESTED})


def topic_of(event: object) -> str:
    return str(getattr(type(event), "TOPIC", ""))


@dataclass(frozen=True)
class DecisionInputs:
    """Everything ``evaluate`` may look at, and the references of the events it came from."""

    configuration: SessionConfiguration
    attempt: int
    retries_used: int
    liveness_type: LivenessType
    results: Mapping[CheckType, CheckResult]
    refs: tuple[EventRef, ...]

    def result(self, check: CheckType) -> CheckResult | None:
        return self.results.get(check)

    def requested(self, check: CheckType) -> bool:
        return check in self.configuration.checks


def field_of(event: object, name: str) -> Any:
    """A recorded field of an event known only by its topic."""
    return getattr(event, name)


def inputs_from_events(events: Iterable[object], attempt: int) -> DecisionInputs:
    """Rebuild the inputs of ``attempt`` from a session's events (all of them, or a decision's)."""
    created: object | None = None
    retries: list[object] = []
    latest: dict[CheckType, object] = {}
    for event in events:
        topic = topic_of(event)
        if topic == TOPIC_CREATED:
            created = event
        elif topic == TOPIC_RETRY_REQUESTED and int(field_of(event, "attempt")) <= attempt:
            retries.append(event)
        elif topic == TOPIC_CHECK_COMPLETED and int(field_of(event, "attempt")) == attempt:
            latest[CheckType(field_of(event, "result")["check"])] = event
        elif topic == TOPIC_DECISION_MADE and int(field_of(event, "attempt")) == attempt:
            break  # a decision reads only what was recorded before it
    if created is None:
        raise PolicyInputError("the session's Created event is not among the inputs")
    configuration = SessionConfiguration.from_dict(field_of(created, "configuration"))
    liveness = configuration.liveness_type
    if retries:
        liveness = LivenessType(field_of(retries[-1], "liveness_type"))
    ordered_checks = sorted(latest, key=lambda c: list(CheckType).index(c))
    used = [created, *retries, *(latest[c] for c in ordered_checks)]
    return DecisionInputs(
        configuration=configuration,
        attempt=attempt,
        retries_used=len(retries),
        liveness_type=liveness,
        results={c: check_result_from_record(field_of(latest[c], "result")) for c in ordered_checks},
        refs=tuple(EventRef.of(e) for e in used),
    )

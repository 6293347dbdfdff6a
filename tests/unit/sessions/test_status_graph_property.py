"""Property: whatever commands arrive, in whatever order, the status never leaves the legal graph."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.audit import audit_context
from domain.checks import CheckType, Outcome
from domain.errors import DomainError
from domain.sessions import LEGAL_TRANSITIONS, SessionConfiguration, SessionStatus, VerificationSession
from domain.sessions.status import FINAL_STATUSES
from policies.document import DEFAULT_POLICY
from policies.process import plan_decision
from tests.unit.sessions.support import SHA, T0, face, liveness, ocr, result, reviewer

pytestmark = pytest.mark.unit

COMMANDS = st.sampled_from(
    [
        "capture",
        "liveness",
        "face",
        "ocr",
        "decide",
        "retry",
        "help",
        "review",
        "claim",
        "accept",
        "reject",
        "expire",
        "tick",
        "cancel",
        "stale_result",
    ]
)


def apply(session: VerificationSession, command: str, clock: list[float], outcome: Outcome, sim: float) -> None:
    now = T0 + timedelta(seconds=clock[0])
    if command == "capture":
        session.record_capture("selfie", SHA, "blob://s", {"focus": 0.8}, now=now)
    elif command == "liveness":
        session.record_check_result(session.attempt, liveness(outcome))
    elif command == "face":
        session.record_check_result(session.attempt, face(sim, outcome))
    elif command == "ocr":
        session.record_check_result(session.attempt, ocr(outcome))
    elif command == "stale_result":
        session.record_check_result(session.attempt - 1, result(CheckType.OCR, outcome))
    elif command == "decide":
        events = list(session.collect_events())  # pending events of this in-memory aggregate
        session._history.extend(events)  # type: ignore[attr-defined]
        plan = plan_decision(session._history, session.attempt, DEFAULT_POLICY)  # type: ignore[attr-defined]
        session.record_decision(plan.attempt, plan.policy_hash, plan.inputs, plan.outcome_record)
    elif command == "retry":
        session.request_retry("selfie", "user_retake", now=now)
    elif command == "help":
        session.request_help("selfie", "camera")
    elif command == "review":
        session.request_manual_review("persistent_failure")
    elif command == "claim":
        session.claim_review(reviewer("rev_1"))
    elif command in ("accept", "reject"):
        session.decide_review(reviewer("rev_1"), "accepted" if command == "accept" else "rejected", "checked")
    elif command == "expire":
        session.expire(now=now)
    elif command == "tick":
        clock[0] += 900
    elif command == "cancel":
        session.cancel("user_abandoned", now=now)


@settings(max_examples=300, deadline=None)
@given(
    steps=st.lists(st.tuples(COMMANDS, st.sampled_from(list(Outcome)), st.floats(0.0, 1.0)), min_size=1, max_size=25),
    max_retries=st.integers(0, 2),
)
def test_status_transitions_never_leave_the_legal_graph(steps, max_retries) -> None:
    with audit_context("ten_a", "prop", "req"):
        config = SessionConfiguration.build(max_retries=max_retries, session_ttl_seconds=1800)
        session = VerificationSession.start("ten_a", config, now=T0)
        session._history = []  # type: ignore[attr-defined]
        clock = [0.0]
        for command, outcome, sim in steps:
            before = session.status
            try:
                apply(session, command, clock, outcome, sim)
            except DomainError:
                assert session.status == before  # a refused command changes nothing
                continue
            if command == "tick":
                continue
            assert before not in FINAL_STATUSES, f"{command} succeeded on a {before} session"
            assert session.status in LEGAL_TRANSITIONS[before]
    assert isinstance(session.status, SessionStatus)

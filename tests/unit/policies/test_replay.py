"""Replay reproduces every recorded decision from its recorded inputs; what-if writes nothing."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.audit import audit_context
from domain.checks import Outcome
from domain.sessions import SessionConfiguration
from policies.document import DEFAULT_POLICY, PolicyDocument
from policies.replay import replay_session, what_if_session
from tests.unit.sessions.support import SessionTestLedger, decide, face, liveness, ocr, validation

pytestmark = pytest.mark.unit

TENANT = "ten_r"


def drive(
    ledger: SessionTestLedger, attempts: list[tuple[Outcome, float, Outcome]], max_retries: int
) -> object:
    sid = ledger.create_session(TENANT, SessionConfiguration.build(max_retries=max_retries))
    for live, similarity, text in attempts:
        session = ledger.get_session(TENANT, sid)
        if session.status.value != "pending":
            break
        n = session.attempt
        ledger.record_check_result(TENANT, sid, n, liveness(live))
        ledger.record_check_result(TENANT, sid, n, face(0.3, Outcome.FAIL))  # re-delivered below
        ledger.record_check_result(TENANT, sid, n, ocr(text))
        ledger.record_check_result(TENANT, sid, n, validation(text))
        ledger.record_check_result(TENANT, sid, n, face(similarity))  # the latest result counts
        decide(ledger, TENANT, sid)
    return sid


ATTEMPT = st.tuples(st.sampled_from(list(Outcome)), st.floats(0.0, 1.0), st.sampled_from(list(Outcome)))


@settings(max_examples=60, deadline=None)
@given(attempts=st.lists(ATTEMPT, min_size=1, max_size=4), max_retries=st.integers(0, 3))
def test_replay_always_reproduces(attempts, max_retries) -> None:
    with audit_context(TENANT, "worker", "req"):
        ledger = SessionTestLedger()
        sid = drive(ledger, attempts, max_retries)
        events = ledger.session_events(TENANT, sid)
        results = replay_session(events, lambda h: ledger.policy_document(TENANT, h))
        assert results, "at least one decision was recorded"
        assert all(r.reproduced for r in results), [r.differences for r in results]


def altered(event: object, **fields: object) -> object:
    """A copy of a recorded event with some fields changed, as a tamperer with DB access would."""
    clone = copy.copy(event)
    for name, value in fields.items():
        object.__setattr__(clone, name, value)
    return clone


@pytest.fixture
def decided() -> tuple[SessionTestLedger, object]:
    with audit_context(TENANT, "worker", "req"):
        ledger = SessionTestLedger()
        sid = drive(ledger, [(Outcome.PASS, 0.9, Outcome.PASS)], 3)
        return ledger, sid


def test_replay_detects_an_altered_input_event(decided) -> None:
    ledger, sid = decided
    events = ledger.session_events(TENANT, sid)
    idx = next(i for i, e in enumerate(events) if type(e).TOPIC.endswith("CheckCompleted"))
    events[idx] = altered(events[idx], result=dict(events[idx].result, outcome="fail"))
    (result,) = replay_session(events, lambda h: ledger.policy_document(TENANT, h))
    assert not result.reproduced
    assert "content hash differs" in result.differences[0]


def test_replay_detects_an_altered_recorded_outcome(decided) -> None:
    ledger, sid = decided
    events = ledger.session_events(TENANT, sid)
    idx = next(i for i, e in enumerate(events) if type(e).TOPIC.endswith("DecisionMade"))
    events[idx] = altered(events[idx], outcome={**events[idx].outcome, "score": 42.0})
    (result,) = replay_session(events, lambda h: ledger.policy_document(TENANT, h))
    assert not result.reproduced
    assert result.differences == ("outcome.score: recorded 42.0 != replayed 100.0",)


def test_replay_refuses_a_policy_document_that_does_not_match_its_hash(decided) -> None:
    ledger, sid = decided
    other = PolicyDocument(accept_threshold=95).to_dict()
    (result,) = replay_session(ledger.session_events(TENANT, sid), lambda h: other)
    assert result.differences == ("policy document hash differs",)


def test_what_if_shows_the_change_and_writes_nothing() -> None:
    with audit_context(TENANT, "worker", "req"):
        ledger = SessionTestLedger()
        sid = drive(ledger, [(Outcome.PASS, 0.6, Outcome.PASS)], 3)  # a weak match (0.50-0.65): review
    events = ledger.session_events(TENANT, sid)
    written = ledger.recorder.max_notification_id()
    (same,) = what_if_session(events, DEFAULT_POLICY)
    assert not same.changed and same.recorded["decision"] == "review"
    (changed,) = what_if_session(events, PolicyDocument(name="strict", weak_match_margin=0.0))  # no weak band
    assert changed.changed
    assert (changed.recorded["score"], changed.proposed["score"]) == (96.76, 96.76)
    assert (changed.proposed["decision"], changed.proposed["route"]) == ("rejected", "retry")
    assert ledger.recorder.max_notification_id() == written

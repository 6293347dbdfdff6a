"""Review by named people in the domain: four eyes, own submissions, compliance officers, and
review events recorded by earlier versions (version 1) still read and replay."""

from __future__ import annotations

import json

import pytest
from eventsourcing.persistence import StoredEvent

from domain.audit import audit_context
from domain.checks import CheckType, Outcome
from domain.sessions import SessionConfiguration, SessionStatus
from domain.sessions.errors import ReviewAlreadyClaimedError
from domain.sessions.review import (
    ComplianceRoleRequiredError,
    OwnSubmissionError,
    ReviewRules,
    SecondReviewerRequiredError,
)
from policies.replay import replay_session
from projections.decision_story import current_decision, decision_history
from tests.unit.sessions.support import SessionTestLedger, decide, face, liveness, result, reviewer, validation

pytestmark = pytest.mark.unit
TENANT = "ten_review"


def routed(ledger: SessionTestLedger, *, screening: bool = False, similarity: float = 0.5,
           face_outcome: Outcome = Outcome.UNCERTAIN) -> object:
    checks = ["face_match", "liveness", *(["screening"] if screening else [])]
    sid = ledger.create_session(TENANT, SessionConfiguration.build(checks=checks, max_retries=0))
    ledger.record_check_result(TENANT, sid, 1, face(similarity, face_outcome))
    ledger.record_check_result(TENANT, sid, 1, liveness())
    ledger.record_check_result(TENANT, sid, 1, validation())  # the face match reads the document: validated too
    if screening:
        ledger.record_check_result(TENANT, sid, 1, result(CheckType.SCREENING, Outcome.FAIL, ("sanctions_hit",)))
    decide(ledger, TENANT, sid)
    assert ledger.get_session(TENANT, sid).status == SessionStatus.MANUAL_REVIEW
    return sid


@pytest.fixture
def ledger() -> SessionTestLedger:
    with audit_context(TENANT, "key:kyck_integration", "req"):
        yield SessionTestLedger()


def test_compliance_cases_are_for_compliance_officers_and_need_two_of_them(ledger) -> None:
    sid = routed(ledger, screening=True)
    with pytest.raises(ComplianceRoleRequiredError):
        ledger.claim_review(TENANT, sid, reviewer("ops", compliance=False))
    ledger.claim_review(TENANT, sid, reviewer("ana"))
    with pytest.raises(ReviewAlreadyClaimedError):
        ledger.claim_review(TENANT, sid, reviewer("ben"))
    assert ledger.decide_review(TENANT, sid, reviewer("ana"), "rejected", "confirmed_hit") is False
    with pytest.raises(SecondReviewerRequiredError):
        ledger.claim_review(TENANT, sid, reviewer("ana"))
    ledger.claim_review(TENANT, sid, reviewer("ben"))
    assert ledger.decide_review(TENANT, sid, reviewer("ben"), "rejected", "confirmed_hit") is True
    session = ledger.get_session(TENANT, sid)
    assert session.status == SessionStatus.FAILED
    assert [a["id"] for a in session.review_decision["approvals"]] == ["ana", "ben"]
    assert session.review_decision["user_message_code"] == "generic_unable"  # requirements/pipeline §10 "Sanctions hit"


def test_rules_off_let_one_reviewer_decide(ledger) -> None:
    ledger.set_review_rules(TENANT, ReviewRules(four_eyes_compliance=False, four_eyes_overturn=False))
    sid = routed(ledger, screening=True)
    ledger.claim_review(TENANT, sid, reviewer("ana"))
    assert ledger.decide_review(TENANT, sid, reviewer("ana"), "accepted", "false_positive") is True
    assert ledger.set_review_rules(TENANT, ReviewRules(four_eyes_compliance=False, four_eyes_overturn=False)) is False


def test_the_submitter_cannot_review(ledger) -> None:
    with audit_context(TENANT, "key:kyck_agent", "req-agent"):
        sid = routed(ledger)
    agent = reviewer("agent")
    as_submitter = type(agent)(member_id="agent", display_name="Agent", compliance=True, credential="key:kyck_agent")
    with pytest.raises(OwnSubmissionError):
        ledger.claim_review(TENANT, sid, as_submitter)
    ledger.claim_review(TENANT, sid, reviewer("other"))


def test_the_current_decision_is_the_reviewers_and_the_policys_stays_in_history(ledger) -> None:
    sid = routed(ledger)
    ledger.claim_review(TENANT, sid, reviewer("rita"))
    ledger.decide_review(TENANT, sid, reviewer("rita"), "accepted", "same_person")
    session = ledger.get_session(TENANT, sid)
    now = current_decision(session)
    assert now is not None and now["decided_by"] == "review" and now["decision"] == "accepted"
    assert now["supersedes"]["decision"] == "review"
    assert [h["decided_by"] for h in decision_history(session)] == ["policy", "review"]
    assert decision_history(session)[0]["superseded_by"] == "review"


def _as_v1(ledger: SessionTestLedger, sid: object, topic: str, drop: tuple[str, ...]) -> None:
    """Rewrite the session's last event of ``topic`` the way an earlier version stored it."""
    events = list(ledger.recorder.select_events(sid))
    target = next(e for e in reversed(events) if e.topic == topic)
    state = json.loads(target.state)
    for name in (*drop, "class_version"):
        state.pop(name, None)
    # The popo recorder keeps a list per originator: replace the stored event in place.
    stored = ledger.recorder._stored_events  # type: ignore[attr-defined]
    index = next(i for i, e in enumerate(stored) if e.originator_id == sid and
                 e.originator_version == target.originator_version)
    stored[index] = StoredEvent(originator_id=target.originator_id, originator_version=target.originator_version,
                                topic=target.topic, state=json.dumps(state).encode())


def test_review_events_of_earlier_versions_still_read_and_the_policy_decision_replays(ledger) -> None:
    sid = routed(ledger)
    ledger.claim_review(TENANT, sid, reviewer("rev_1"))
    ledger.decide_review(TENANT, sid, reviewer("rev_1"), "rejected", "photo_mismatch")
    _as_v1(ledger, sid, "kycledger.session.ReviewClaimed", ("reviewer_name",))
    _as_v1(ledger, sid, "kycledger.session.ReviewDecided", ("reviewer_name", "approvals", "user_message_code"))
    session = ledger.get_session(TENANT, sid)
    assert session.review_decision["reviewer_name"] is None and session.review_decision["approvals"] == []
    assert session.review_decision["user_message_code"] == "generic_unsuccessful"
    assert session.status == SessionStatus.FAILED
    assert current_decision(session)["reviewers"] == [{"id": "rev_1", "name": None}]
    replayed = replay_session(ledger.session_events(TENANT, sid), lambda h: ledger.policy_document(TENANT, h))
    assert replayed and all(r.reproduced for r in replayed), [r.differences for r in replayed]


def test_a_claim_by_an_api_key_of_an_earlier_version_can_be_taken_over(ledger) -> None:
    sid = routed(ledger)
    ledger.claim_review(TENANT, sid, reviewer("placeholder"))
    _as_v1(ledger, sid, "kycledger.session.ReviewClaimed", ("reviewer_name",))
    stored = ledger.recorder._stored_events  # type: ignore[attr-defined]
    index = next(i for i, e in enumerate(stored) if e.originator_id == sid and e.topic.endswith("ReviewClaimed"))
    state = json.loads(stored[index].state)
    state["reviewer"] = "key:kyck_old_client"  # what earlier versions recorded: the deciding API key
    stored[index] = StoredEvent(originator_id=stored[index].originator_id,
                                originator_version=stored[index].originator_version, topic=stored[index].topic,
                                state=json.dumps(state).encode())
    assert ledger.get_session(TENANT, sid).reviewer == "key:kyck_old_client"
    ledger.claim_review(TENANT, sid, reviewer("rita"))
    assert ledger.get_session(TENANT, sid).reviewer == "rita"

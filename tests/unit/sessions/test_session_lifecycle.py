"""The VerificationSession driven through the commands mixin: events, statuses, guards, isolation."""

from __future__ import annotations

from uuid import uuid4

import pytest
from eventsourcing.utils import resolve_topic

from domain.audit import audit_context
from domain.checks import CheckType, Outcome
from domain.errors import DomainError, InvalidArgumentError, NotFoundError
from domain.personal_data import PersonalData
from domain.sessions import SessionConfiguration, SessionStatus, VerificationSession
from domain.sessions.errors import (
    AttemptClosedError,
    CheckNotRequestedError,
    ChecksIncompleteError,
    DecisionAlreadyRecordedError,
    IllegalTransitionError,
    RetryLimitReachedError,
    ReviewAlreadyClaimedError,
    ReviewNotClaimedError,
    SessionExpiredError,
    SessionNotExpiredError,
)
from policies.document import DEFAULT_POLICY
from tests.unit.sessions.support import SHA, SessionTestLedger, decide, face, liveness, ocr, reviewer, validation

pytestmark = pytest.mark.unit

TENANT = "ten_a"


@pytest.fixture
def ledger() -> SessionTestLedger:
    return SessionTestLedger()


@pytest.fixture(autouse=True)
def _audit() -> object:
    with audit_context(TENANT, "tester", "req-1") as ctx:
        yield ctx


def new_session(ledger: SessionTestLedger, **config: object) -> object:
    return ledger.create_session(TENANT, SessionConfiguration.build(**config))  # type: ignore[arg-type]


def complete_checks(
    ledger: SessionTestLedger,
    sid: object,
    similarity: float = 0.9,
    live: Outcome = Outcome.PASS,
    attempt: int = 1,
) -> None:
    # parallel checks arrive in any order (requirements/liveness pattern B)
    ledger.record_check_result(TENANT, sid, attempt, face(similarity))
    ledger.record_check_result(TENANT, sid, attempt, ocr())
    ledger.record_check_result(TENANT, sid, attempt, liveness(live))
    ledger.record_check_result(TENANT, sid, attempt, validation())


def topics(ledger: SessionTestLedger, sid: object) -> list[str]:
    return [type(e).TOPIC for e in ledger.session_events(TENANT, sid)]


def test_every_session_event_class_has_an_explicit_stable_topic() -> None:
    event_classes = [
        v
        for v in vars(VerificationSession).values()
        if isinstance(v, type) and issubclass(v, VerificationSession.Event) and v.__name__ != "Event"
    ]
    assert len(event_classes) >= 15
    for cls in event_classes:
        # An event class declared in the body (to carry a class_version) is redefined by eventsourcing
        # as a subclass of the declared one, which holds the explicit topic.
        declared = cls.__dict__.get("TOPIC") or next(b.__dict__["TOPIC"] for b in cls.__mro__ if "TOPIC" in b.__dict__)
        assert declared == f"kycledger.session.{cls.__name__}"
        assert resolve_topic(declared) is cls


def test_a_session_goes_from_creation_through_captures_and_checks_to_accepted(ledger) -> None:
    sid = new_session(ledger)
    ledger.record_capture(TENANT, sid, "document_front", SHA, "blob://doc-1", {"device_model": "x", "focus": 0.9})
    ledger.record_capture(TENANT, sid, "selfie", "b" * 64, "blob://selfie-1", {"camera": "front"})
    ledger.request_check(TENANT, sid, "liveness")
    complete_checks(ledger, sid)
    outcome = decide(ledger, TENANT, sid)
    assert outcome["decision"] == "accepted" and outcome["route"] == "auto_approve"
    assert ledger.get_session(TENANT, sid).status == SessionStatus.VERIFIED
    assert topics(ledger, sid) == [
        "kycledger.session.Created",
        "kycledger.session.CaptureRecorded",
        "kycledger.session.CaptureRecorded",
        "kycledger.session.CheckRequested",
        "kycledger.session.CheckCompleted",
        "kycledger.session.CheckCompleted",
        "kycledger.session.CheckCompleted",
        "kycledger.session.CheckCompleted",
        "kycledger.session.ScoreComputed",
        "kycledger.session.DecisionMade",
    ]
    events = ledger.session_events(TENANT, sid)
    assert events[1].content_sha256 == SHA and events[1].blob_ref == "blob://doc-1"
    assert all(e.tenant_id == TENANT and e.actor == "tester" for e in events)


def test_another_tenant_cannot_see_or_touch_the_session(ledger) -> None:
    sid = new_session(ledger)
    with pytest.raises(NotFoundError):
        ledger.get_session("ten_b", sid)
    with pytest.raises(NotFoundError):
        ledger.record_check_result("ten_b", sid, 1, face(0.9))
    with pytest.raises(NotFoundError):
        ledger.cancel("ten_b", sid, "user_abandoned")
    with pytest.raises(NotFoundError):
        ledger.get_session(TENANT, uuid4())


def test_capture_needs_a_content_hash_and_a_known_kind(ledger) -> None:
    sid = new_session(ledger)
    with pytest.raises(InvalidArgumentError):
        ledger.record_capture(TENANT, sid, "selfie", "not-a-hash", "blob://x", {})
    with pytest.raises(InvalidArgumentError):
        ledger.record_capture(TENANT, sid, "fingerprint", SHA, "blob://x", {})


def test_a_check_the_configuration_did_not_request_is_refused(ledger) -> None:
    sid = new_session(ledger)
    with pytest.raises(CheckNotRequestedError) as err:
        ledger.record_check_result(TENANT, sid, 1, ocr().__class__(CheckType.SCREENING, Outcome.PASS))
    assert err.value.code == "check_not_requested"


def test_a_decision_waits_for_every_requested_check_and_is_recorded_once(ledger) -> None:
    sid = new_session(ledger)
    ledger.record_check_result(TENANT, sid, 1, liveness())
    assert not ledger.get_session(TENANT, sid).awaiting_decision
    policy_hash = DEFAULT_POLICY.policy_hash
    ledger.activate_policy(TENANT, DEFAULT_POLICY.to_dict(), policy_hash)
    with pytest.raises(ChecksIncompleteError):
        ledger.record_decision(TENANT, sid, 1, policy_hash, [], {"decision": "accepted", "route": "auto_approve"})
    ledger.record_check_result(TENANT, sid, 1, face(0.55))
    ledger.record_check_result(TENANT, sid, 1, ocr())
    assert ledger.get_session(TENANT, sid).missing_checks() == ["data_validation"]  # the document is judged too
    ledger.record_check_result(TENANT, sid, 1, validation())
    assert ledger.get_session(TENANT, sid).awaiting_decision
    outcome = decide(ledger, TENANT, sid)
    assert outcome["decision"] == "review"
    session = ledger.get_session(TENANT, sid)
    assert session.status == SessionStatus.MANUAL_REVIEW and session.review_queue == "operations"
    with pytest.raises(DecisionAlreadyRecordedError):
        session.record_decision(1, "0" * 64, [], outcome)


def test_a_retry_route_opens_a_new_attempt_and_closes_the_old_one(ledger) -> None:
    sid = new_session(ledger, max_retries=1)
    complete_checks(ledger, sid, similarity=0.2)  # no match -> reject, retryable (requirements/pipeline §6)
    outcome = decide(ledger, TENANT, sid)
    assert (outcome["decision"], outcome["route"], outcome["retry_step"]) == ("rejected", "retry", "selfie")
    session = ledger.get_session(TENANT, sid)
    assert session.status == SessionStatus.PENDING and session.attempt == 2
    assert session.retries == [{"attempt": 2, "step": "selfie", "reason": "face_match_none,score_review_band"}]
    with pytest.raises(AttemptClosedError):
        ledger.record_check_result(TENANT, sid, 1, face(0.9))
    complete_checks(ledger, sid, similarity=0.2, attempt=2)
    final = decide(ledger, TENANT, sid)  # retries used up: requirements/pipeline §12 "escalate to next tier"
    assert final["route"] == "manual_review"
    with pytest.raises(IllegalTransitionError):
        ledger.record_capture(TENANT, sid, "selfie", SHA, "blob://x", {})


def test_retries_are_capped_by_max_retries(ledger) -> None:
    sid = new_session(ledger, max_retries=1)
    ledger.request_retry(TENANT, sid, "document_capture", "user_retake")
    with pytest.raises(RetryLimitReachedError) as err:
        ledger.request_retry(TENANT, sid, "document_capture", "user_retake")
    assert err.value.code == "retry_limit_reached"


def test_liveness_uncertain_under_passive_liveness_asks_for_an_active_challenge(ledger) -> None:
    sid = new_session(ledger, liveness_type="passive")
    complete_checks(ledger, sid, live=Outcome.UNCERTAIN)
    outcome = decide(ledger, TENANT, sid)
    assert outcome["route"] == "active_challenge"
    assert ledger.get_session(TENANT, sid).liveness_type == "active"


def test_review_claim_and_decision_supersede_the_policy_decision(ledger) -> None:
    sid = new_session(ledger)
    complete_checks(ledger, sid, similarity=0.55)
    decide(ledger, TENANT, sid)
    with pytest.raises(ReviewNotClaimedError):
        ledger.decide_review(TENANT, sid, reviewer("rev_1"), "accepted", "documents_consistent")
    ledger.claim_review(TENANT, sid, reviewer("rev_1"))
    ledger.claim_review(TENANT, sid, reviewer("rev_1"))  # idempotent
    with pytest.raises(ReviewAlreadyClaimedError):
        ledger.claim_review(TENANT, sid, reviewer("rev_2"))
    with pytest.raises(InvalidArgumentError):
        ledger.decide_review(TENANT, sid, reviewer("rev_1"), "review", "unsure")
    ledger.decide_review(TENANT, sid, reviewer("rev_1"), "accepted", "documents_consistent")
    assert ledger.get_session(TENANT, sid).status == SessionStatus.VERIFIED
    assert topics(ledger, sid)[-3:] == [
        "kycledger.session.ReviewClaimed",
        "kycledger.session.DecisionSuperseded",
        "kycledger.session.ReviewDecided",
    ]


def test_reviewer_can_ask_for_resubmission_which_supersedes_the_decision(ledger) -> None:
    sid = new_session(ledger)
    complete_checks(ledger, sid, similarity=0.55)
    decide(ledger, TENANT, sid)
    ledger.request_retry(TENANT, sid, "selfie", "needs_more_info")
    session = ledger.get_session(TENANT, sid)
    assert session.status == SessionStatus.PENDING and session.attempt == 2
    assert session.superseded == [{"attempt": 1, "by": "new_attempt", "reason": "needs_more_info"}]


def test_session_expires_only_after_its_ttl_with_the_injected_clock(ledger) -> None:
    sid = new_session(ledger, session_ttl_seconds=600)
    ledger.clock.advance(599)
    with pytest.raises(SessionNotExpiredError):
        ledger.expire(TENANT, sid)
    ledger.clock.advance(1)
    with pytest.raises(SessionExpiredError):
        ledger.record_capture(TENANT, sid, "selfie", SHA, "blob://x", {})
    ledger.expire(TENANT, sid)
    session = ledger.get_session(TENANT, sid)
    assert session.status == SessionStatus.EXPIRED and session.ended_at == ledger.clock.now
    with pytest.raises(IllegalTransitionError):
        ledger.cancel(TENANT, sid, "user_abandoned")


def test_help_and_manual_review_requests_and_cancel(ledger) -> None:
    sid = new_session(ledger)
    ledger.request_help(TENANT, sid, "document_capture", "glare")
    with pytest.raises(InvalidArgumentError):
        ledger.request_help(TENANT, sid, "document_capture", "My name is John Doe")  # free text refused
    ledger.request_manual_review(TENANT, sid, "persistent_failure")
    assert ledger.get_session(TENANT, sid).status == SessionStatus.MANUAL_REVIEW
    ledger.cancel(TENANT, sid, "user_abandoned")
    assert ledger.get_session(TENANT, sid).status == SessionStatus.CANCELLED
    with pytest.raises(IllegalTransitionError):
        ledger.request_help(TENANT, sid, "selfie", "camera")


def test_extracted_personal_values_are_personal_data_and_never_printed(ledger) -> None:
    sid = new_session(ledger)
    ledger.record_extracted_data(TENANT, sid, 1, {"surname": PersonalData.of("subj-1", "KUMAR")})
    event = ledger.session_events(TENANT, sid)[-1]
    assert event.fields["surname"].value == "KUMAR"
    assert "KUMAR" not in repr(event)
    with pytest.raises(InvalidArgumentError):
        ledger.record_extracted_data(TENANT, sid, 1, {"surname": "KUMAR"})  # type: ignore[dict-item]


@pytest.mark.parametrize(
    ("config", "code"),
    [
        ({"face_match_threshold": 1.2}, "invalid_session_configuration"),
        ({"max_retries": -1}, "invalid_session_configuration"),
        ({"session_ttl_seconds": 10}, "invalid_session_configuration"),
        ({"liveness_type": "psychic"}, "invalid_session_configuration"),
        ({"checks": ["ocr", "telepathy"]}, "invalid_session_configuration"),
        ({"checks": ["quality"]}, "invalid_session_configuration"),
        ({"accepted_documents": ["library_card"]}, "invalid_session_configuration"),
        ({"accepted_countries": ["india"]}, "invalid_session_configuration"),
        ({"webhook_url": "ftp://x"}, "invalid_session_configuration"),
    ],
)
def test_bad_configuration_raises_a_domain_error_with_a_stable_code(config, code) -> None:
    with pytest.raises(DomainError) as err:
        SessionConfiguration.build(**config)
    assert err.value.code == code


def test_configuration_round_trips_through_its_recorded_form() -> None:
    config = SessionConfiguration.build(
        accepted_countries=["IN", "USA"],
        liveness_type="active",
        checks=["ocr", "face_match", "liveness", "screening", "kya"],
        webhook_url="https://example.org/hook",
    )
    assert SessionConfiguration.from_dict(config.to_dict()) == config

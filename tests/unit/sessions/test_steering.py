"""The person being verified cannot steer a case (docs/architecture.md §8; requirements/pipeline §10).

Each rule is tried from the person's side (the capture page's client token), from the tenant's
integration key and, where it applies, by the reviewer who may close the case.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from domain.audit import audit_context
from domain.checks import CheckType, Outcome
from domain.errors import DomainError
from domain.sessions import SessionConfiguration
from domain.sessions.errors import (
    CaseUnderComplianceReviewError,
    CaseUnderFraudReviewError,
    CaseUnderReviewError,
    IllegalTransitionError,
    ManualReviewNotAvailableError,
)
from domain.sessions.status import SessionStatus
from policies.replay import replay_session
from tests.unit.sessions.support import SessionTestLedger, decide, face, liveness, ocr, result, reviewer, validation

pytestmark = pytest.mark.unit

TENANT = "ten_steer"


@contextmanager
def as_person(sid: Any) -> Iterator[None]:
    with audit_context(TENANT, f"client-token:{sid}", "req-person"):
        yield


@contextmanager
def as_integration() -> Iterator[None]:
    with audit_context(TENANT, "key:kyck_bank", "req-bank"):
        yield


@pytest.fixture
def ledger() -> SessionTestLedger:
    return SessionTestLedger()


def new_session(ledger: SessionTestLedger, checks: tuple[str, ...] = ("ocr", "face_match", "liveness"),
                **config: Any) -> Any:
    with as_integration():
        return ledger.create_session(TENANT, SessionConfiguration.build(checks=checks, **config))


def attempt(ledger: SessionTestLedger, sid: Any, *extra: Any, similarity: float = 0.9, decided: bool = True,
            ) -> dict[str, Any] | None:
    with audit_context(TENANT, "system:ml-pipeline", "req-ml"):
        n = ledger.get_session(TENANT, sid).attempt
        for check in (ocr(), validation(), face(similarity), liveness(), *extra):
            ledger.record_check_result(TENANT, sid, n, check)
        return decide(ledger, TENANT, sid) if decided else None


def refused(command: Any, error: type[DomainError]) -> str:
    with pytest.raises(error) as raised:
        command()
    return raised.value.code


# ------------------------------------------------------------------ compliance escalation
def test_a_compliance_escalation_is_closed_by_a_reviewer_only(ledger: SessionTestLedger) -> None:
    sid = new_session(ledger, checks=("ocr", "face_match", "liveness", "screening"))
    outcome = attempt(ledger, sid, result(CheckType.SCREENING, Outcome.FAIL))
    assert outcome is not None and outcome["route"] == "compliance_escalation"
    with as_person(sid):
        assert refused(lambda: ledger.request_retry(TENANT, sid, "all", "user_retry"),
                       CaseUnderReviewError) == "case_under_review"
    with as_integration():
        assert refused(lambda: ledger.request_retry(TENANT, sid, "all", "needs_more_info"),
                       CaseUnderComplianceReviewError) == "case_under_compliance_review"
        assert refused(lambda: ledger.cancel(TENANT, sid, "customer_abandoned"),
                       CaseUnderComplianceReviewError) == "case_under_compliance_review"
    session = ledger.get_session(TENANT, sid)
    assert (session.status, session.review_queue, session.attempt) == (SessionStatus.MANUAL_REVIEW, "compliance", 1)
    for officer in ("mlro", "deputy_mlro"):  # compliance escalations take two officers (four eyes)
        with audit_context(TENANT, f"key:{officer}", "req-review"):
            ledger.claim_review(TENANT, sid, reviewer(officer))
            ledger.decide_review(TENANT, sid, reviewer(officer), "rejected", "sanctions_match_confirmed")
    assert ledger.get_session(TENANT, sid).status == SessionStatus.FAILED


def test_a_screening_hit_waiting_for_its_decision_cannot_be_pre_empted(ledger: SessionTestLedger) -> None:
    sid = new_session(ledger, checks=("ocr", "face_match", "liveness", "screening"))
    attempt(ledger, sid, result(CheckType.SCREENING, Outcome.FAIL), decided=False)
    with as_person(sid):
        assert refused(lambda: ledger.request_retry(TENANT, sid, "all", "user_retry"),
                       CaseUnderReviewError) == "case_under_review"
    with as_integration():
        assert refused(lambda: ledger.request_manual_review(TENANT, sid, "bank_request"),
                       CaseUnderComplianceReviewError) == "case_under_compliance_review"  # not to operations
    with audit_context(TENANT, "system:decision-worker", "req-d"):
        assert decide(ledger, TENANT, sid)["route"] == "compliance_escalation"  # the escalation still comes


# ------------------------------------------------------------------ fraud
def test_a_case_held_for_a_fraud_signal_is_closed_by_a_reviewer_only(ledger: SessionTestLedger) -> None:
    sid = new_session(ledger, checks=("ocr", "face_match", "liveness", "fraud"))
    outcome = attempt(ledger, sid, result(CheckType.FRAUD, Outcome.UNCERTAIN, ("screen_moire",)))
    assert outcome is not None and outcome["route"] == "manual_review"
    with as_person(sid):
        assert refused(lambda: ledger.request_retry(TENANT, sid, "all", "user_retry"),
                       CaseUnderReviewError) == "case_under_review"  # the same code: no oracle
    with as_integration():
        assert refused(lambda: ledger.request_retry(TENANT, sid, "all", "needs_more_info"),
                       CaseUnderFraudReviewError) == "case_under_fraud_review"
    assert ledger.get_session(TENANT, sid).status == SessionStatus.MANUAL_REVIEW


def test_a_fraud_rejection_has_no_retry_and_nothing_reopens_it(ledger: SessionTestLedger) -> None:
    sid = new_session(ledger, checks=("ocr", "face_match", "liveness", "fraud"))
    outcome = attempt(ledger, sid, result(CheckType.FRAUD, Outcome.FAIL, ("tampered",)))
    assert outcome is not None and (outcome["route"], outcome["user_message_code"]) == ("reject",
                                                                                        "generic_unsuccessful")
    for who in (as_person(sid), as_integration()):
        with who:
            refused(lambda: ledger.request_retry(TENANT, sid, "all", "user_retry"), IllegalTransitionError)
            refused(lambda: ledger.request_manual_review(TENANT, sid, "appeal"), IllegalTransitionError)
    assert ledger.get_session(TENANT, sid).status == SessionStatus.FAILED


# ------------------------------------------------------------------ ordinary review
def test_the_person_cannot_leave_an_ordinary_review_but_the_bank_may_resubmit(ledger: SessionTestLedger) -> None:
    sid = new_session(ledger)
    assert attempt(ledger, sid, similarity=0.55)["route"] == "manual_review"  # type: ignore[index]
    with as_person(sid):
        assert refused(lambda: ledger.request_retry(TENANT, sid, "selfie", "user_retry"),
                       CaseUnderReviewError) == "case_under_review"
    with as_integration():
        ledger.request_retry(TENANT, sid, "selfie", "needs_more_info")  # requirements/pipeline §9 "Needs more info"
    assert ledger.get_session(TENANT, sid).status == SessionStatus.PENDING


# ------------------------------------------------------------------ manual review on request
def test_the_person_may_ask_for_a_reviewer_only_after_two_failed_attempts(ledger: SessionTestLedger) -> None:
    sid = new_session(ledger, max_retries=3)
    with as_person(sid):
        assert refused(lambda: ledger.request_manual_review(TENANT, sid, "persistent_failure"),
                       ManualReviewNotAvailableError) == "manual_review_not_available"
    attempt(ledger, sid, similarity=0.2)  # no match: rejected, retry the selfie
    with as_person(sid):
        assert not ledger.get_session(TENANT, sid).manual_review_available
        refused(lambda: ledger.request_manual_review(TENANT, sid, "persistent_failure"),
                ManualReviewNotAvailableError)
    attempt(ledger, sid, similarity=0.2)
    assert ledger.get_session(TENANT, sid).manual_review_available
    with as_person(sid):
        ledger.request_manual_review(TENANT, sid, "persistent_failure")
    session = ledger.get_session(TENANT, sid)
    assert (session.status, session.review_queue, session.failed_attempts) == (SessionStatus.MANUAL_REVIEW,
                                                                              "operations", 2)


def test_the_integration_may_send_a_pending_case_to_review_at_any_time(ledger: SessionTestLedger) -> None:
    sid = new_session(ledger)
    with as_integration():
        ledger.request_manual_review(TENANT, sid, "bank_request")
    assert ledger.get_session(TENANT, sid).status == SessionStatus.MANUAL_REVIEW


# ------------------------------------------------------------------ the document is kept on a selfie retry
def topics_of(ledger: SessionTestLedger, sid: Any) -> list[str]:
    return [type(e).TOPIC.rsplit(".", 1)[-1] for e in ledger.session_events(TENANT, sid)]


def capture(ledger: SessionTestLedger, sid: Any, kind: str, digest: str) -> None:
    with as_person(sid):
        ledger.record_capture(TENANT, sid, kind, digest, f"blob://{kind}-{digest[:4]}", {"n": digest[:4]})


def test_a_face_mismatch_retries_the_selfie_and_keeps_the_document_on_record(ledger: SessionTestLedger) -> None:
    sid = new_session(ledger, checks=("ocr", "face_match", "liveness"))
    capture(ledger, sid, "document_front", "a" * 64)
    capture(ledger, sid, "document_front", "b" * 64)  # a retake within the attempt: the latest counts
    capture(ledger, sid, "document_back", "c" * 64)
    capture(ledger, sid, "selfie", "d" * 64)
    outcome = attempt(ledger, sid, similarity=0.2)
    assert outcome is not None
    assert (outcome["route"], outcome["retry_step"], outcome["reason_codes"][0]) == ("retry", "selfie",
                                                                                     "face_match_none")
    assert topics_of(ledger, sid)[-3:] == ["RetryRequested", "CaptureCarriedOver", "CaptureCarriedOver"]
    carried = [e for e in ledger.session_events(TENANT, sid) if type(e).__name__ == "CaptureCarriedOver"]
    assert [(e.attempt, e.from_attempt, e.kind, e.content_sha256) for e in carried] == [
        (2, 1, "document_front", "b" * 64), (2, 1, "document_back", "c" * 64)]
    assert all(e.actor == "system:ml-pipeline" for e in carried)  # recorded with the decision that asked
    kept = ledger.get_session(TENANT, sid).captures[2]
    assert {c["kind"] for c in kept} == {"document_front", "document_back"}  # a new selfie is needed
    # the carried captures are not decision inputs: the decision replays exactly
    (replayed,) = replay_session(ledger.session_events(TENANT, sid), lambda h: ledger.policy_document(TENANT, h))
    assert replayed.reproduced, replayed.differences


@pytest.mark.parametrize(("step", "kept"), [("selfie", True), ("liveness", True), ("document_capture", False),
                                            ("all", False)])
def test_only_a_selfie_or_liveness_retry_keeps_the_document(ledger: SessionTestLedger, step: str,
                                                              kept: bool) -> None:
    sid = new_session(ledger)
    capture(ledger, sid, "document_front", "a" * 64)
    with as_person(sid):
        ledger.request_retry(TENANT, sid, step, "user_retry")
    assert ("CaptureCarriedOver" in topics_of(ledger, sid)) is kept
    assert bool(ledger.get_session(TENANT, sid).captures.get(2)) is kept


def test_an_expired_document_is_not_kept(ledger: SessionTestLedger) -> None:
    sid = new_session(ledger)
    capture(ledger, sid, "document_front", "a" * 64)
    with audit_context(TENANT, "system:ml-pipeline", "req-ml"):
        for check in (ocr(), validation(Outcome.FAIL, ("document_expired",)), face(0.9), liveness()):
            ledger.record_check_result(TENANT, sid, 1, check)
        outcome = decide(ledger, TENANT, sid)
    assert (outcome["retry_step"], outcome["user_message_code"]) == ("document_capture", "document_expired")
    assert "CaptureCarriedOver" not in topics_of(ledger, sid) and not ledger.get_session(TENANT, sid).captures.get(2)

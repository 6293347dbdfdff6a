"""Session events as the status messages of requirements/capture §4 and requirements/sessions §5: names, thin payloads,
completion."""

from __future__ import annotations

import json

import pytest

from domain.audit import audit_context
from domain.sessions import SessionConfiguration
from projections.status_events import (
    DECISION_MADE,
    LIVENESS_STATUS,
    MANUAL_REVIEW_REQUESTED,
    SCAN_STATUS,
    SESSION_CREATED,
    StatusMessage,
    completion_payload,
    status_message,
)
from projections.view import LedgerEntry
from tests.unit.projections.support import PII_NAME, entries, review_session, verified_session
from tests.unit.sessions.support import SHA, SessionTestLedger, decide, face, liveness, ocr, validation

pytestmark = pytest.mark.unit


def _messages(ledger: SessionTestLedger) -> list[StatusMessage]:
    found = [status_message(e, entry) for e, entry in entries(ledger)]
    return [m for m in found if m is not None]


def test_a_verified_session_emits_the_seed_event_names_in_order() -> None:
    ledger = SessionTestLedger()
    verified_session(ledger, "ten_a")
    messages = _messages(ledger)
    assert messages[0].name == SESSION_CREATED
    assert [m.name for m in messages][1:3] == [SCAN_STATUS, SCAN_STATUS]  # capture, then OCR requested
    assert {m.name for m in messages} >= {LIVENESS_STATUS, DECISION_MADE}
    decision = messages[-1]
    assert decision.is_decision and decision.completes
    assert decision.payload["status"] == "verified" and decision.payload["decision"] == "accepted"
    assert not any(m.completes for m in messages[:-1])


def test_manual_review_is_requested_and_does_not_complete() -> None:
    ledger = SessionTestLedger()
    review_session(ledger, "ten_a")
    messages = _messages(ledger)
    review = next(m for m in messages if m.name == MANUAL_REVIEW_REQUESTED)
    assert review.payload["status"] == "manual_review" and review.payload["queue"] == "operations"
    assert not any(m.completes for m in messages)


def test_payloads_are_thin_and_carry_the_ledger_position() -> None:
    ledger = SessionTestLedger()
    verified_session(ledger, "ten_a")
    messages = _messages(ledger)
    assert PII_NAME not in json.dumps([m.payload for m in messages])
    assert all(m.payload["ledger"]["notification_id"] > 0 and m.event_id == m.payload["event_id"] for m in messages)
    completed = completion_payload(messages[-1])
    assert completed["event"] == "verification.completed" and completed["status"] == "verified"
    assert set(completed) <= {"event", "event_id", "tenant_id", "session_id", "status", "decision", "decided_by",
                              "reason_codes", "attempt", "occurred_at", "ledger"}


def test_events_that_change_no_status_publish_nothing() -> None:
    ledger = SessionTestLedger()
    verified_session(ledger, "ten_a")
    extracted = next(e for e, _ in entries(ledger) if type(e).__name__ == "DocumentDataExtracted")
    assert status_message(extracted, LedgerEntry(1, 1, "00")) is None


def test_an_expired_session_completes_its_verification() -> None:
    from domain.audit import audit_context
    from domain.sessions import SessionConfiguration

    ledger = SessionTestLedger()
    with audit_context("ten_a", "system:test", "req-exp"):
        sid = ledger.create_session("ten_a", SessionConfiguration.build(session_ttl_seconds=60))
        ledger.clock.advance(61)
        ledger.expire("ten_a", sid)
    expired = _messages(ledger)[-1]
    assert expired.name == "session.expired" and expired.completes and expired.payload["status"] == "expired"
    assert completion_payload(expired)["status"] == "expired"


def test_a_face_mismatch_is_a_clear_attempt_result_and_the_kept_scan_is_announced() -> None:
    """requirements/pipeline §10 "Face match failed: Allow retry": the tenant hears the attempt's decision (rejected,
    retry the selfie, face_match_none), then that attempt 2 keeps the document scanned in attempt 1."""
    ledger = SessionTestLedger()
    with audit_context("ten_a", "client:test", "req-m"):
        sid = ledger.create_session("ten_a", SessionConfiguration.build(checks=["ocr", "face_match", "liveness"]))
        ledger.record_capture("ten_a", sid, "document_front", SHA, "blob://front", {})
        for check in (ocr(), validation(), face(0.2), liveness()):
            ledger.record_check_result("ten_a", sid, 1, check)
        decide(ledger, "ten_a", sid)
    messages = _messages(ledger)
    decision = next(m for m in messages if m.name == DECISION_MADE)
    assert decision.is_decision and not decision.completes
    payload = decision.payload
    assert (payload["status"], payload["decision"], payload["route"], payload["retry_step"], payload["attempt"]) == (
        "pending", "rejected", "retry", "selfie", 1)
    assert "face_match_none" in payload["reason_codes"]
    kept = messages[-1]
    assert kept.name == SCAN_STATUS
    assert {k: kept.payload[k] for k in ("status", "capture", "attempt", "from_attempt")} == {
        "status": "carried_over", "capture": "document_front", "attempt": 2, "from_attempt": 1}

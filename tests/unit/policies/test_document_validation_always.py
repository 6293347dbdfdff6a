"""A document that is read is always validated, and decisions recorded before that rule replay as they were.

requirements/pipeline §10, "Document expired": "Your document has expired. Please use a valid ID.", allow retry with a
different document. Sessions opened through ``SessionCommands.create_session`` (every verify path) add
``data_validation`` whenever a requested check reads the document; a configuration recorded earlier is read
back unchanged, so its pending sessions wait for the checks they asked for and its decisions replay.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.audit import audit_context
from domain.checks import CheckType, Outcome
from domain.documents.mrz import parse_mrz
from domain.documents.validation import validate_document
from domain.ports.document import data_validation_result
from domain.sessions import SessionConfiguration, VerificationSession
from domain.sessions.configuration import DOCUMENT_READING_CHECKS
from policies.document import DEFAULT_POLICY
from policies.evaluate import evaluate
from policies.messages import USER_MESSAGES
from policies.replay import replay_session
from tests.unit.policies.builders import all_pass, inputs
from tests.unit.sessions.support import T0, SessionTestLedger, decide, face, liveness, ocr, result, validation

pytestmark = pytest.mark.unit

TENANT = "ten_dv"
TD3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
# The configuration exactly as sessions recorded it in their Created event before this rule (README
# defaults of the time): checks without data_validation.
RECORDED_BEFORE = {"accepted_documents": ["passport", "driver_license", "id_card"], "accepted_countries": [],
                   "liveness_type": "passive", "face_match_threshold": 0.65, "require_address_proof": False,
                   "max_retries": 3, "session_ttl_seconds": 1800, "checks": ["ocr", "face_match", "liveness"],
                   "webhook_url": None}


@pytest.mark.parametrize("check", sorted(str(c) for c in DOCUMENT_READING_CHECKS))
def test_every_check_that_reads_the_document_brings_data_validation(check: str) -> None:
    configuration = SessionConfiguration.build(checks=[check]).with_document_validation()
    assert CheckType.DATA_VALIDATION in configuration.checks
    assert configuration.checks.count(CheckType.DATA_VALIDATION) == 1


def test_a_session_reading_no_document_is_not_given_a_document_check() -> None:
    configuration = SessionConfiguration.build(checks=["liveness"], liveness_type="active")
    assert configuration.with_document_validation() == configuration


def test_the_recorded_configuration_of_a_new_session_lists_data_validation() -> None:
    ledger = SessionTestLedger()
    with audit_context(TENANT, "key:test", "req"):
        sid = ledger.create_session(TENANT, SessionConfiguration.build())  # the API defaults
    created = ledger.session_events(TENANT, sid)[0]
    assert created.configuration["checks"] == ["ocr", "face_match", "liveness", "data_validation"]
    assert ledger.get_session(TENANT, sid).required_checks == ["ocr", "face_match", "liveness", "data_validation"]


def test_an_active_liveness_session_opened_for_a_person_validates_its_document_too() -> None:
    """The path of a session opened with a ``reference`` and active liveness (its challenge allowance
    saved with it) once skipped the rule: an expired passport would then never be judged."""
    ledger = SessionTestLedger()
    active = SessionConfiguration.build(checks=["ocr", "face_match", "liveness"], liveness_type="active")
    with audit_context(TENANT, "key:test", "req"):
        sid = ledger.create_challenged_session(TENANT, active, "customer-7", "live")
    created = ledger.session_events(TENANT, sid)[0]
    assert created.configuration["checks"] == ["ocr", "face_match", "liveness", "data_validation"]


def test_a_recorded_configuration_reads_back_as_it_was_written() -> None:
    assert SessionConfiguration.from_dict(RECORDED_BEFORE).to_dict() == RECORDED_BEFORE


def test_an_expired_passport_is_rejected_with_the_seed_message_and_a_retry_with_another_document() -> None:
    validation_of_expired = validate_document(parse_mrz(TD3), None, (), today=date(2025, 1, 1), min_age=18)
    check = data_validation_result(validation_of_expired)
    assert (check.outcome, check.reasons) == (Outcome.FAIL, ("document_expired",))
    outcome = evaluate(DEFAULT_POLICY, inputs(*all_pass(data_validation=check)))
    assert (outcome.decision.value, outcome.route.value, outcome.retry_step) == ("rejected", "retry",
                                                                                 "document_capture")
    assert outcome.user_message == USER_MESSAGES["document_expired"] == \
        "Your document has expired. Please use a valid ID."
    assert "document_expired" in outcome.reason_codes
    # the document factor is the validation now: an expired document also scores no document points
    assert next(f for f in outcome.score_breakdown if f.factor == "document").points == 0.0


def test_other_rule_failures_keep_their_check_prefixed_codes() -> None:
    bad_digit = [TD3[0], TD3[1][:9] + "7" + TD3[1][10:]]  # document number check digit 6 -> 7
    validation_result = validate_document(parse_mrz(bad_digit, repair=False), None, (), today=date(2011, 1, 1),
                                          min_age=18)
    check = data_validation_result(validation_result)
    assert check.outcome is Outcome.FAIL
    assert any(r.startswith("mrz_checksum:check_digit_mismatch") for r in check.reasons)


# ------------------------------------------------------------------ decisions recorded before the rule
def _old_session(ledger: SessionTestLedger, results: list[Any]) -> Any:
    """A session opened the way the previous version opened it: its Created event lacks data_validation."""
    with audit_context(TENANT, "key:old", "req-old"):
        session = VerificationSession.start(TENANT, SessionConfiguration.from_dict(RECORDED_BEFORE), now=T0)
        ledger.save(session)
        for check in results:
            ledger.record_check_result(TENANT, session.id, 1, check)
    return session.id


def test_a_session_pending_across_the_upgrade_waits_only_for_the_checks_it_asked_for() -> None:
    ledger = SessionTestLedger()
    sid = _old_session(ledger, [ocr(), face(0.9), liveness()])
    session = ledger.get_session(TENANT, sid)
    assert session.required_checks == ["ocr", "face_match", "liveness"]
    assert session.missing_checks() == [] and session.awaiting_decision  # not stuck waiting for a new check


def test_decisions_recorded_before_the_rule_still_replay_exactly() -> None:
    ledger = SessionTestLedger()
    accepted = _old_session(ledger, [ocr(), face(0.9), liveness()])
    with audit_context(TENANT, "system:decision-worker", "req-d"):
        first = decide(ledger, TENANT, accepted)
    assert (first["decision"], first["route"]) == ("accepted", "auto_approve")
    assert [f["check"] for f in first["score_breakdown"]] == ["liveness", "face_match", "ocr"]
    events = ledger.session_events(TENANT, accepted)
    (replayed,) = replay_session(events, lambda h: ledger.policy_document(TENANT, h))
    assert replayed.reproduced, replayed.differences


def test_an_old_expired_document_decision_replays_with_the_message_it_was_recorded_with() -> None:
    """Before the bare ``document_expired`` code, an expired document was recorded as
    ``not_expired:document_expired`` and decided as an invalid document; replay must say the same."""
    ledger = SessionTestLedger()
    with audit_context(TENANT, "key:old", "req-old"):
        recorded = {**RECORDED_BEFORE, "checks": ["ocr", "data_validation", "face_match", "liveness"]}
        session = VerificationSession.start(TENANT, SessionConfiguration.from_dict(recorded), now=T0)
        ledger.save(session)
        old_style = result(CheckType.DATA_VALIDATION, Outcome.FAIL, ("not_expired:document_expired",),
                           confidence=0.8)
        for check in (ocr(), old_style, face(0.9), liveness()):
            ledger.record_check_result(TENANT, session.id, 1, check)
        outcome = decide(ledger, TENANT, session.id)
    assert outcome["user_message_code"] == "document_invalid"
    (replayed,) = replay_session(ledger.session_events(TENANT, session.id),
                                 lambda h: ledger.policy_document(TENANT, h))
    assert replayed.reproduced, replayed.differences


def test_a_new_session_with_a_valid_document_is_still_accepted() -> None:
    ledger = SessionTestLedger()
    with audit_context(TENANT, "key:new", "req"):
        sid = ledger.create_session(TENANT, SessionConfiguration.build())
        for check in (ocr(), validation(), face(0.9), liveness()):
            ledger.record_check_result(TENANT, sid, 1, check)
        outcome = decide(ledger, TENANT, sid)
    assert (outcome["decision"], outcome["route"], outcome["score"]) == ("accepted", "auto_approve", 100.0)
    assert [f["check"] for f in outcome["score_breakdown"]] == ["liveness", "face_match", "data_validation"]

"""``require_address_proof`` end to end in the domain: configuration, captures, decision gate, sandbox."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pytest
from PIL import Image

import policies.evaluate as evaluate_module
from domain.address_proof.capture import AddressProofNotRequiredError
from domain.address_proof.names import HolderName
from domain.address_proof.rules import assess_address_proof
from domain.audit import audit_context
from domain.checks import CheckType, Outcome
from domain.sessions.configuration import SessionConfiguration
from domain.sessions.errors import ChecksIncompleteError, InvalidSessionConfigurationError
from ops.sandbox import SANDBOX_PERSONA, SandboxAddressProofReader
from policies.document import DEFAULT_POLICY, PolicyDocument
from policies.evaluate import evaluate
from policies.messages import GUARDED_MESSAGES, USER_MESSAGES
from policies.replay import replay_session
from policies.rules import GATES, address_proof_gate
from tests.unit.policies.builders import all_pass, inputs
from tests.unit.sessions.support import SHA, SessionTestLedger, decide, face, liveness, ocr, result, validation

pytestmark = pytest.mark.unit

TENANT = "ten_addr"
# The default policy's id before address proof existed: the gate must not change any document's hash
# (the default itself changed later, when passive liveness became a signal: its version 1 must not).
DEFAULT_POLICY_HASH = "d4ddbf127ee197b290d0ebde9eebe683b49d4a33b8f386afa55608b16a3d3222"


def _configuration(required: bool = True) -> SessionConfiguration:
    return SessionConfiguration.build(checks=("ocr", "face_match", "liveness"), require_address_proof=required)


# ------------------------------------------------------------------ configuration and captures
def test_the_flag_adds_the_check_and_survives_the_recorded_form() -> None:
    config = _configuration()
    assert config.required_checks == (CheckType.OCR, CheckType.FACE_MATCH, CheckType.LIVENESS,
                                      CheckType.ADDRESS_PROOF)
    assert SessionConfiguration.from_dict(config.to_dict()) == config
    assert _configuration(required=False).required_checks == config.checks
    with pytest.raises(InvalidSessionConfigurationError):  # one switch: the flag, not the checks list
        SessionConfiguration.build(checks=("ocr", "address_proof"))


def test_a_session_that_requires_it_waits_for_the_address_proof_check() -> None:
    ledger = SessionTestLedger()
    with audit_context(TENANT, "tester", "req"):
        sid = ledger.create_session(TENANT, _configuration())
        ledger.record_capture(TENANT, sid, "address_proof", SHA, "blob-1", {})
        for check in ("ocr", "face_match", "liveness"):
            ledger.request_check(TENANT, sid, check)
        ledger.record_check_result(TENANT, sid, 1, ocr())
        ledger.record_check_result(TENANT, sid, 1, validation())
        ledger.record_check_result(TENANT, sid, 1, face(0.9))
        ledger.record_check_result(TENANT, sid, 1, liveness())
        session = ledger.get_session(TENANT, sid)
        assert session.missing_checks() == ["address_proof"] and not session.awaiting_decision
        with pytest.raises(ChecksIncompleteError):
            decide(ledger, TENANT, sid)
        ledger.request_check(TENANT, sid, "address_proof")
        ledger.record_check_result(TENANT, sid, 1, result(CheckType.ADDRESS_PROOF, Outcome.PASS))
        outcome = decide(ledger, TENANT, sid)
    assert outcome["decision"] == "accepted"
    assert next(r for r in outcome["rules"] if r["rule"] == "address_proof_gate")["triggered"] is False
    events = ledger.session_events(TENANT, sid)
    (replayed,) = replay_session(events, lambda h: ledger.policy_document(TENANT, h))
    assert replayed.reproduced, replayed.differences


def test_a_session_without_the_flag_refuses_an_address_document() -> None:
    ledger = SessionTestLedger()
    with audit_context(TENANT, "tester", "req"):
        sid = ledger.create_session(TENANT, _configuration(required=False))
        with pytest.raises(AddressProofNotRequiredError) as refused:
            ledger.record_capture(TENANT, sid, "address_proof", SHA, "blob-1", {})
    assert refused.value.code == "address_proof_not_required"
    assert ledger.get_session(TENANT, sid).captures == {}


# ------------------------------------------------------------------ policy gate
def _decide_with(outcome: Outcome, *reasons: str, retries_used: int = 0):  # type: ignore[no-untyped-def]
    base = inputs(*all_pass(), result(CheckType.ADDRESS_PROOF, outcome, reasons), retries_used=retries_used)
    config = replace(base.configuration, require_address_proof=True)
    return evaluate(DEFAULT_POLICY, replace(base, configuration=config))


def test_a_passed_address_proof_does_not_cap_the_decision() -> None:
    decided = _decide_with(Outcome.PASS)
    assert (decided.decision.value, decided.route.value) == ("accepted", "auto_approve")


def test_an_uncertain_address_proof_goes_to_manual_review() -> None:
    decided = _decide_with(Outcome.UNCERTAIN, "document_date_too_old")
    assert (decided.decision.value, decided.route.value) == ("review", "manual_review")
    assert decided.user_message_code == "under_review"
    assert {"address_proof_uncertain", "address_proof:document_date_too_old"} <= set(decided.reason_codes)


def test_a_failed_address_proof_asks_for_another_address_document() -> None:
    decided = _decide_with(Outcome.FAIL, "holder_name_mismatch")
    assert (decided.decision.value, decided.route.value) == ("rejected", "retry")
    assert decided.retry_step == "address_capture" and decided.user_message_code == "address_proof_retry"
    assert "address_proof:holder_name_mismatch" in decided.reason_codes
    text = USER_MESSAGES["address_proof_retry"].lower()
    assert not any(word in text for word in ("fraud", "mismatch", "someone else", "suspicious"))
    assert "address_proof_retry" not in GUARDED_MESSAGES
    exhausted = _decide_with(Outcome.FAIL, "holder_name_mismatch", retries_used=3)
    assert exhausted.route.value == "manual_review"  # retries used up: the policy escalates


def test_sessions_without_address_proof_evaluate_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    cases = [inputs(*all_pass()), inputs(*all_pass(similarity=0.55)),
             inputs(*all_pass(liveness=liveness(Outcome.FAIL)))]
    now = [evaluate(DEFAULT_POLICY, case).to_record() for case in cases]
    monkeypatch.setattr(evaluate_module, "GATES", tuple(g for g in GATES if g is not address_proof_gate))
    before = [evaluate(DEFAULT_POLICY, case).to_record() for case in cases]
    assert now == before  # identical records: the gate is absent where the session did not ask for it
    assert all(r["rule"] != "address_proof_gate" for record in now for r in record["rules"])
    assert PolicyDocument(version="1", accept_passive_liveness=None).policy_hash == DEFAULT_POLICY_HASH


# ------------------------------------------------------------------ sandbox
def _png(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize(("colour", "outcome", "reasons"), [
    ((128, 120, 110), Outcome.PASS, ()),
    ((200, 40, 40), Outcome.FAIL, ("holder_name_mismatch",)),
    ((40, 40, 200), Outcome.UNCERTAIN, ("address_proof_unreadable",)),
])
def test_sandbox_colours_drive_the_address_proof(colour: tuple[int, int, int], outcome: Outcome,
                                                 reasons: tuple[str, ...]) -> None:
    today = date(2026, 3, 20)
    reading = SandboxAddressProofReader(today=lambda: today).read(_png(colour))
    holder = HolderName.of(SANDBOX_PERSONA["surname"], SANDBOX_PERSONA["given_names"])
    verdict = assess_address_proof(reading.lines, holder, today)
    assert (verdict.outcome, verdict.reasons) == (outcome, reasons)
    assert [m.name for m in reading.models] == ["sandbox"]

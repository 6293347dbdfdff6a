"""A passive liveness pass is a signal, not a gate: "uncertain" unless the policy document opts in.

Policy documents written before the choice existed (no "liveness" section) keep their hash and
their evaluation, so decisions recorded under them replay exactly.
"""

from __future__ import annotations

import pytest

from domain.audit import audit_context
from domain.checks import CheckResult, CheckType, Outcome
from domain.sessions import SessionConfiguration
from domain.sessions.errors import InvalidPolicyError
from policies.document import DEFAULT_POLICY, SUPERSEDED_DEFAULT_HASHES, PolicyDocument
from policies.document import policy_document_hash as document_hash
from policies.evaluate import evaluate
from policies.replay import replay_session
from tests.unit.policies.builders import all_pass, inputs
from tests.unit.sessions.support import MODEL, SessionTestLedger, decide, face, ocr, validation

pytestmark = pytest.mark.unit

TENANT = "ten_passive"
# The built-in default document as version 1 wrote it (before the liveness choice existed).
LEGACY_DEFAULT = PolicyDocument(version="1", accept_passive_liveness=None)


def passive(outcome: Outcome = Outcome.PASS) -> CheckResult:
    return CheckResult(check=CheckType.LIVENESS, outcome=outcome, scores={"confidence": 0.55},
                       details={"mode": "passive", "spoof_type": "none", "hints": []}, models=(MODEL,))


def active_pass() -> CheckResult:
    return CheckResult(check=CheckType.LIVENESS, outcome=Outcome.PASS, scores={"confidence": 0.8},
                       details={"mode": "active", "spoof_type": "none", "hints": []}, models=(MODEL,))


def test_under_the_default_a_passive_pass_is_uncertain_and_asks_for_an_active_challenge() -> None:
    outcome = evaluate(DEFAULT_POLICY, inputs(*all_pass(liveness=passive())))
    assert (outcome.decision.value, outcome.route.value) == ("review", "active_challenge")
    assert {"liveness_uncertain", "passive_liveness_not_accepted"} <= set(outcome.reason_codes)
    assert outcome.user_message_code == "active_challenge" and outcome.retry_step == "liveness"
    liveness_points = next(f for f in outcome.score_breakdown if f.factor == "liveness")
    assert liveness_points.fraction == 0.5 and "counted as uncertain" in liveness_points.basis


def test_under_the_default_a_passive_pass_is_never_auto_approved_even_with_retries_used_up() -> None:
    for retries in range(4):
        outcome = evaluate(DEFAULT_POLICY, inputs(*all_pass(liveness=passive()), retries_used=retries))
        assert outcome.route.value != "auto_approve" and outcome.decision.value != "accepted"


def test_an_active_pass_is_accepted_under_the_default() -> None:
    outcome = evaluate(DEFAULT_POLICY, inputs(*all_pass(liveness=active_pass()), liveness_type="active"))
    assert (outcome.decision.value, outcome.route.value) == ("accepted", "auto_approve")


def test_a_passive_fail_or_uncertain_is_judged_as_before() -> None:
    for policy in (DEFAULT_POLICY, LEGACY_DEFAULT, PolicyDocument(accept_passive_liveness=True)):
        failed = evaluate(policy, inputs(*all_pass(liveness=passive(Outcome.FAIL))))
        assert failed.decision.value == "rejected" and "liveness_failed" in failed.reason_codes


def test_a_tenant_can_opt_in_and_the_opt_in_is_in_the_document_and_its_hash() -> None:
    opted = PolicyDocument(accept_passive_liveness=True)
    assert opted.to_dict()["liveness"] == {"accept_passive_pass": True}
    assert opted.policy_hash != DEFAULT_POLICY.policy_hash
    assert PolicyDocument.from_dict(opted.to_dict()) == opted
    outcome = evaluate(opted, inputs(*all_pass(liveness=passive())))
    assert (outcome.decision.value, outcome.route.value) == ("accepted", "auto_approve")
    gate = next(r for r in outcome.rules if r.rule == "liveness_gate")
    assert "opt-in" in gate.detail


def test_the_default_document_states_its_choice() -> None:
    assert DEFAULT_POLICY.to_dict()["liveness"] == {"accept_passive_pass": False}
    assert DEFAULT_POLICY.policy_hash not in SUPERSEDED_DEFAULT_HASHES


def test_documents_written_before_the_choice_keep_their_hash_and_accept_a_passive_pass() -> None:
    legacy = {k: v for k, v in DEFAULT_POLICY.to_dict().items() if k != "liveness"} | {"version": "1"}
    parsed = PolicyDocument.from_dict(legacy)
    assert parsed.accept_passive_liveness is None and parsed.passive_pass_accepted
    assert parsed.to_dict() == legacy and parsed.policy_hash == document_hash(legacy)
    outcome = evaluate(parsed, inputs(*all_pass(liveness=passive())))
    assert outcome.route.value == "auto_approve"
    gate = next(r for r in outcome.rules if r.rule == "liveness_gate")
    assert gate.detail == "liveness pass"  # word for word what version 1 recorded


def test_the_superseded_built_in_defaults_are_frozen() -> None:
    first_release = PolicyDocument(version="1", enforce_document_acceptance=False, accept_passive_liveness=None)
    assert {first_release.policy_hash, LEGACY_DEFAULT.policy_hash} == SUPERSEDED_DEFAULT_HASHES


@pytest.mark.parametrize("section", [{"accept_passive_pass": "yes"}, {"accept_passive_pass": None}, {"other": True},
                                     {}])
def test_the_section_is_validated(section: dict[str, object]) -> None:
    with pytest.raises(InvalidPolicyError):
        PolicyDocument.from_dict({**DEFAULT_POLICY.to_dict(), "liveness": section})


def test_a_decision_recorded_under_the_old_default_replays_exactly_and_differs_under_the_new() -> None:
    with audit_context(TENANT, "worker", "req"):
        ledger = SessionTestLedger()
        sid = ledger.create_session(TENANT, SessionConfiguration.build(liveness_type="passive"))
        for check in (passive(), face(0.9), ocr(), validation()):
            ledger.record_check_result(TENANT, sid, 1, check)
        recorded = decide(ledger, TENANT, sid, LEGACY_DEFAULT)  # built the old way
        assert recorded["route"] == "auto_approve"
        events = ledger.session_events(TENANT, sid)
        results = replay_session(events, lambda h: ledger.policy_document(TENANT, h))
        assert [r.reproduced for r in results] == [True], [r.differences for r in results]
        assert results[0].policy_hash in SUPERSEDED_DEFAULT_HASHES
        from policies.replay import what_if_session

        proposed = what_if_session(events, DEFAULT_POLICY)[0].proposed
        assert proposed["route"] == "active_challenge"

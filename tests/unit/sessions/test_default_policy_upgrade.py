"""Tenants that never chose a policy move to the new default; tenants that chose one keep it.

Before passive liveness became a signal, the decision worker activated a built-in default that
accepted a passive liveness pass. A tenant still on it by that automatic activation gets the current
default (a new PolicyActivated event, by the worker, beside the next decision); a tenant whose
operator activated a document itself, even that very default, keeps it.
"""

from __future__ import annotations

from uuid import UUID

import pytest

from domain.audit import audit_context
from domain.policy_registry import TenantPolicyRegistry
from domain.sessions import SessionConfiguration
from ops.runners.decision_worker import DecisionWorker
from policies.document import DEFAULT_POLICY, SUPERSEDED_DEFAULT_HASHES, PolicyDocument
from policies.replay import replay_session
from services.decisions.decider import WORKER_ACTOR
from tests.unit.policies.test_passive_liveness_policy import LEGACY_DEFAULT, passive
from tests.unit.sessions.support import SessionTestLedger, face, ocr, validation

pytestmark = pytest.mark.unit


def _passive_session(ledger: SessionTestLedger, tenant: str) -> UUID:
    with audit_context(tenant, "key:kyck_1", "req"):
        sid = ledger.create_session(tenant, SessionConfiguration.build(liveness_type="passive"))
        for result in (ocr(), validation(), passive(), face(0.95)):
            ledger.record_check_result(tenant, sid, 1, result)
    return sid


def _activations(ledger: SessionTestLedger, tenant: str) -> list[tuple[str, str]]:
    events = ledger.events.get(TenantPolicyRegistry.create_id(tenant))
    return [(e.policy_hash, e.actor) for e in events  # type: ignore[attr-defined]
            if type(e).TOPIC == "kycledger.policy.PolicyActivated"]  # type: ignore[attr-defined]


def _decision(ledger: SessionTestLedger, tenant: str, sid: UUID) -> dict[str, object]:
    return ledger.get_session(tenant, sid).decisions[1]


def _activate(ledger: SessionTestLedger, tenant: str, actor: str, policy: PolicyDocument) -> None:
    with audit_context(tenant, actor, "req"):
        ledger.activate_policy(tenant, policy.to_dict(), policy.policy_hash)


def test_a_tenant_on_the_automatically_activated_old_default_moves_to_the_new_one() -> None:
    ledger, tenant = SessionTestLedger(), "ten_auto"
    _activate(ledger, tenant, WORKER_ACTOR, LEGACY_DEFAULT)  # what the old worker recorded on first use
    sid = _passive_session(ledger, tenant)
    DecisionWorker(ledger).run_once()
    decided = _decision(ledger, tenant, sid)
    assert decided["policy_hash"] == DEFAULT_POLICY.policy_hash
    assert decided["outcome"]["route"] == "active_challenge"  # type: ignore[index]
    assert _activations(ledger, tenant) == [(LEGACY_DEFAULT.policy_hash, WORKER_ACTOR),
                                            (DEFAULT_POLICY.policy_hash, WORKER_ACTOR)]


def test_a_tenant_that_activated_the_old_default_itself_keeps_it() -> None:
    ledger, tenant = SessionTestLedger(), "ten_chosen"
    _activate(ledger, tenant, "operator:cli", LEGACY_DEFAULT)
    first, second = _passive_session(ledger, tenant), _passive_session(ledger, tenant)
    DecisionWorker(ledger).run_once()
    for sid in (first, second):
        assert _decision(ledger, tenant, sid)["policy_hash"] == LEGACY_DEFAULT.policy_hash
        assert _decision(ledger, tenant, sid)["outcome"]["route"] == "auto_approve"  # type: ignore[index]
    assert _activations(ledger, tenant) == [(LEGACY_DEFAULT.policy_hash, "operator:cli")]


def test_a_tenant_with_its_own_document_keeps_it() -> None:
    ledger, tenant = SessionTestLedger(), "ten_own"
    own = PolicyDocument(name="acme", accept_passive_liveness=True)
    _activate(ledger, tenant, "operator:cli", own)
    sid = _passive_session(ledger, tenant)
    DecisionWorker(ledger).run_once()
    assert _decision(ledger, tenant, sid)["policy_hash"] == own.policy_hash
    assert _decision(ledger, tenant, sid)["outcome"]["route"] == "auto_approve"  # type: ignore[index]


def test_a_new_tenant_gets_the_new_default_and_old_decisions_still_replay() -> None:
    ledger, tenant = SessionTestLedger(), "ten_history"
    _activate(ledger, tenant, WORKER_ACTOR, LEGACY_DEFAULT)
    with audit_context(tenant, WORKER_ACTOR, "req"):
        from tests.unit.sessions.support import decide

        old = _passive_session(ledger, tenant)
        decide(ledger, tenant, old, LEGACY_DEFAULT)  # decided before the change
    new = _passive_session(ledger, tenant)
    DecisionWorker(ledger).run_once()
    assert _decision(ledger, tenant, new)["policy_hash"] == DEFAULT_POLICY.policy_hash
    for sid in (old, new):
        events = ledger.session_events(tenant, sid)
        results = replay_session(events, lambda h: ledger.policy_document(tenant, h))
        assert results and all(r.reproduced for r in results), [r.differences for r in results]
    assert _decision(ledger, tenant, old)["policy_hash"] in SUPERSEDED_DEFAULT_HASHES
    fresh, fresh_tenant = SessionTestLedger(), "ten_fresh"
    sid = _passive_session(fresh, fresh_tenant)
    DecisionWorker(fresh).run_once()
    assert _activations(fresh, fresh_tenant) == [(DEFAULT_POLICY.policy_hash, WORKER_ACTOR)]
    assert _decision(fresh, fresh_tenant, sid)["outcome"]["route"] == "active_challenge"  # type: ignore[index]

"""Every event of a sandbox session carries the sandbox marker (docs/architecture.md §9), the worker's too."""

from __future__ import annotations

from uuid import UUID

import pytest

from domain.audit import audit_context
from domain.sessions import SessionConfiguration
from ops.runners.decision_worker import DecisionWorker
from services.decisions.decider import WORKER_ACTOR
from tests.unit.sessions.support import Clock, SessionTestLedger, face, liveness, ocr, validation

pytestmark = pytest.mark.unit

TENANT = "ten_s"


def _session(ledger: SessionTestLedger, actor: str, complete: bool = True) -> UUID:
    with audit_context(TENANT, actor, "req"):
        sid = ledger.create_session(TENANT, SessionConfiguration.build(session_ttl_seconds=60))
        if complete:
            for r in (ocr(), validation(), liveness(), face(0.95)):
                ledger.record_check_result(TENANT, sid, 1, r)
    return sid


def _actors(ledger: SessionTestLedger, sid: UUID, topic: str) -> list[str]:
    return [e.actor for e in ledger.events.get(sid) if topic == type(e).TOPIC]  # type: ignore[attr-defined]


def test_decisions_of_sandbox_sessions_are_marked_and_live_ones_are_not() -> None:
    ledger = SessionTestLedger()
    sandbox = _session(ledger, "key:kyck_1:sandbox")
    live = _session(ledger, "key:kyck_2")
    worker = DecisionWorker(ledger)
    worker.run_once()
    assert worker.stats.decided == 2
    made = "kycledger.session.DecisionMade"
    assert _actors(ledger, sandbox, made) == [f"{WORKER_ACTOR}:sandbox"]
    assert _actors(ledger, live, made) == [WORKER_ACTOR]
    assert all(e.actor.endswith(":sandbox") for e in ledger.events.get(sandbox))  # type: ignore[attr-defined]
    assert not any(e.actor.endswith(":sandbox") for e in ledger.events.get(live))  # type: ignore[attr-defined]


def test_expiry_of_a_sandbox_session_is_marked() -> None:
    clock = Clock()
    ledger = SessionTestLedger(clock)
    sandbox = _session(ledger, "key:kyck_1:sandbox", complete=False)
    live = _session(ledger, "key:kyck_2", complete=False)
    worker = DecisionWorker(ledger, clock=clock)
    worker.run_once()
    clock.advance(120)
    assert worker.expire_overdue() == 2
    events = {sid: list(ledger.events.get(sid)) for sid in (sandbox, live)}
    assert events[sandbox][-1].actor == f"{WORKER_ACTOR}:sandbox"  # type: ignore[attr-defined]
    assert events[live][-1].actor == WORKER_ACTOR  # type: ignore[attr-defined]
    assert all(e.actor.endswith(":sandbox") for e in events[sandbox])  # type: ignore[attr-defined]

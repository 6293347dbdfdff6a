"""The decision worker on a real SQLite ledger: every session decided once, replayable, re-runs idle."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.audit import audit_context
from domain.policy_registry import TenantPolicyRegistry
from domain.sessions import SessionConfiguration, SessionStatus, VerificationSession
from ops.runners.decision_worker import DecisionWorker, PositionFile
from policies.replay import replay_session
from tests.integration.decisions.seeding import decision_counts, open_ledger_at, seed_sessions
from tests.unit.sessions.support import T0

pytestmark = pytest.mark.integration


def test_worker_decides_every_ready_session_exactly_once_and_a_rerun_adds_nothing(tmp_path) -> None:
    runtime = open_ledger_at(tmp_path)
    try:
        ids = seed_sessions(runtime, 12)
        worker = DecisionWorker(runtime.ledger, PositionFile(tmp_path / "pos"))
        worker.run_once()
        assert worker.stats.decided == 12 and not worker.stats.errors
        assert all(c == {1: 1} for c in decision_counts(runtime, ids).values())
        # a worker that lost its position re-reads everything and records nothing new
        again = DecisionWorker(runtime.ledger, PositionFile(None))
        again.run_once()
        assert again.stats.decided == 0
        assert all(c == {1: 1} for c in decision_counts(runtime, ids).values())
        for sid in ids:
            session = runtime.ledger.repository.get(sid)
            events = list(runtime.ledger.events.get(sid))
            registry = runtime.ledger.repository.get(TenantPolicyRegistry.create_id(session.tenant))
            results = replay_session(events, registry.document)
            assert [r.reproduced for r in results] == [True]
    finally:
        runtime.close()


def test_worker_expires_sessions_past_their_ttl_with_an_injected_clock(tmp_path) -> None:
    runtime = open_ledger_at(tmp_path)
    try:
        with audit_context("ten_alpha", "seed", "seed-ttl"):
            session = VerificationSession.start("ten_alpha", SessionConfiguration.build(session_ttl_seconds=600), T0)
            runtime.ledger.save(session)
        now = [T0 + timedelta(seconds=599)]
        worker = DecisionWorker(runtime.ledger, clock=lambda: now[0])
        worker.run_once()
        assert worker.expire_overdue() == 0
        now[0] = T0 + timedelta(seconds=600)
        assert worker.expire_overdue() == 1
        assert runtime.ledger.repository.get(session.id).status == SessionStatus.EXPIRED
    finally:
        runtime.close()

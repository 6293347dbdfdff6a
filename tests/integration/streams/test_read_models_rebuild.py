"""Read models on a real SQLite file and a real PostgreSQL: live, exactly once, and rebuilt from zero."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from adapters.views.runner import ProjectionRunner
from domain.audit import audit_context
from domain.personal_data import PersonalData
from ops.bootstrap import LedgerRuntime
from ops.runners.decision_worker import DecisionWorker
from ops.runners.relays import open_read_model_view
from projections import queries
from tests.integration.decisions.seeding import TENANTS, open_ledger_at, seed_sessions
from tests.unit.projections.support import meter

pytestmark = pytest.mark.integration

NAME = "Ottoline Quarrendon-Vyse"


def _drive(rt: LedgerRuntime) -> list[Any]:
    with audit_context("platform", "operator:test", "req-tenant"):
        rt.ledger.create_tenant("Sandbox Co", plan="free")
        rt.ledger.create_tenant("Paying Co", plan="pro")
    ids = seed_sessions(rt, 12)
    for n, module in enumerate(["ocr", "liveness", "face_match", "ocr"]):
        meter(rt.ledger, TENANTS[n % 2], module, f"call-{n}")
    meter(rt.ledger, TENANTS[0], "ocr", "call-sandbox", sandbox=True)
    with audit_context(TENANTS[0], "client:test", "req-pii"):
        rt.ledger.record_extracted_data(TENANTS[0], ids[0], 1, {"full_name": PersonalData.of("subj_rb", NAME)})
    DecisionWorker(rt.ledger).run_once()
    with audit_context(TENANTS[0], "operator:test", "req-erase"):
        rt.ledger.erase_subject(TENANTS[0], "subj_rb", reason="gdpr_art17")
    return ids


def _check_rebuild(rt: LedgerRuntime) -> None:
    view = open_read_model_view(rt)
    try:
        ids = _drive(rt)
        live = ProjectionRunner(rt.ledger, view, batch_size=7)
        assert live.run_once() > 0 and live.run_once() == 0  # nothing is applied twice
        before = view.dump()
        assert ProjectionRunner(rt.ledger, view, batch_size=500).rebuild() > 0
        after = view.dump()
        assert after == before
        assert all(before[name] for name in ("rm_sessions", "rm_audit_timeline", "rm_invoice_lines",
                                              "rm_quota_counters", "rm_erasures", "rm_tenants"))
        with view.reader() as r:
            state = queries.session_state(r, TENANTS[0], str(ids[0]))
            timeline = queries.audit_timeline(r, TENANTS[0], str(ids[0]))
            assert queries.erasure_register(r, TENANTS[0])[0]["subject_id"] == "subj_rb"
        assert state["decision"] is not None and state["status"] != "pending"
        positions = [t["position"] for t in timeline]
        assert positions == sorted(positions) and all(len(t["entry_hash"]) == 64 for t in timeline)
        chain = {r.position: r.entry_hash.hex() for r in rt.chain.select_chain(1, 100_000)}
        assert all(chain[t["position"]] == t["entry_hash"] for t in timeline)
        assert NAME not in repr(after)
    finally:
        view.close()


def test_sqlite_read_models_rebuild_identically(tmp_path: Path) -> None:
    rt = open_ledger_at(tmp_path)
    try:
        _check_rebuild(rt)
    finally:
        rt.close()


def test_postgres_read_models_rebuild_identically(tmp_path: Path, fresh_postgres_db: str) -> None:
    rt = open_ledger_at(tmp_path, fresh_postgres_db)
    try:
        _check_rebuild(rt)
    finally:
        rt.close()


def test_two_runners_on_one_view_apply_each_event_once(tmp_path: Path) -> None:
    rt = open_ledger_at(tmp_path)
    view = open_read_model_view(rt)
    try:
        seed_sessions(rt, 4)
        for n in range(5):
            meter(rt.ledger, TENANTS[0], "liveness", f"call-{n}")
        first, second = ProjectionRunner(rt.ledger, view, batch_size=3), ProjectionRunner(rt.ledger, view)
        applied = first.run_once() + second.run_once()
        total = len(rt.ledger.recorder.select_notifications(1, 100_000))
        assert applied == total
        month_usage = view.dump()["rm_quota_counters"]
        assert sum(r["used"] for r in month_usage) == 5
    finally:
        view.close()
        rt.close()


def test_the_background_runner_retries_a_failed_round_and_catches_up(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    rt = open_ledger_at(tmp_path)
    view = open_read_model_view(rt)
    try:
        _drive(rt)
        runner = ProjectionRunner(rt.ledger, view, batch_size=7)
        original, failures = runner._commit, {"left": 2}

        def flaky_commit(batch: Any, end: int) -> None:
            if failures["left"]:
                failures["left"] -= 1
                raise OSError("database is locked")
            original(batch, end)

        monkeypatch.setattr(runner, "_commit", flaky_commit)
        runner.start(poll_seconds=0.01)
        try:
            deadline = time.monotonic() + 20
            while view.position(runner.name) < rt.ledger.recorder.max_notification_id():
                assert time.monotonic() < deadline, "the runner did not catch up"
                time.sleep(0.02)
        finally:
            runner.stop()
        assert runner.failures == 2 and isinstance(runner.last_error, OSError)
        before = view.dump()
        assert ProjectionRunner(rt.ledger, view).rebuild() > 0 and view.dump() == before  # nothing lost or doubled
    finally:
        view.close()
        rt.close()

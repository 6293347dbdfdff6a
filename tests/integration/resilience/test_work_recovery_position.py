"""The work-recovery follower resumes from its low-water mark: a restart finds every stranded request.

On a real SQLite ledger and read-model store: one request stranded (checks requested, never
published), one decided. The follower offers the stranded one after the grace and never the decided
one; it saves the position just before the stranded request, so a follower started again (a new
process) finds it, and once it is decided the position moves past it. The queue here records what
it is offered (the real JetStream path runs in ``test_outbox``).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from uuid import UUID

import pytest

from domain.audit import audit_context
from domain.sessions import SessionConfiguration
from ops.runners.relays import open_read_model_view
from ops.runners.work_recovery import RECOVERY_NAME, WorkRecovery, WorkRecoveryHandle
from tests.integration.decisions.seeding import open_ledger_at
from tests.unit.projections.support import verified_session
from tests.unit.sessions.support import SHA, Clock, decide, ocr, validation

pytestmark = pytest.mark.integration

GRACE = timedelta(seconds=60)


class RecordingQueue:
    """Records the offers (``ops.runners.work_recovery.JobQueue``)."""

    def __init__(self) -> None:
        self.offers: list[tuple[str, UUID, int, bool, str | None]] = []

    async def enqueue(self, tenant_id: str, session_id: UUID, attempt: int, sandbox: bool,
                      message_id: str | None = None) -> str:
        self.offers.append((tenant_id, session_id, attempt, sandbox, message_id))
        return f"{session_id}:{attempt}"


def one_round(recovery: WorkRecovery, queue: RecordingQueue) -> None:
    import asyncio

    asyncio.run(WorkRecoveryHandle(recovery, lambda: queue).round(queue))


def test_a_restarted_follower_finds_the_stranded_request_from_its_position(tmp_path: Path) -> None:
    rt = open_ledger_at(tmp_path)
    clock = Clock()
    tenant = "ten_recovery"
    try:
        with audit_context(tenant, "key:k1:sandbox", "req-1"):
            stranded = rt.ledger.create_session(tenant, SessionConfiguration.build(checks=["ocr"]))
            rt.ledger.record_capture(tenant, stranded, "document_front", SHA, "blob://front", {})
            rt.ledger.request_checks(tenant, stranded, ["ocr"])
        decided = verified_session(rt.ledger, tenant)
        clock.now = max(e.timestamp for e in rt.ledger.events.get(stranded))  # type: ignore[attr-defined]

        queue = RecordingQueue()
        first = WorkRecovery(rt.ledger, open_read_model_view(rt), GRACE, clock=clock)
        one_round(first, queue)
        assert queue.offers == []  # within the grace: the API may still be publishing
        clock.advance(GRACE.total_seconds())
        one_round(first, queue)
        assert queue.offers == [(tenant, stranded, 1, True, f"{stranded}:1")]  # sandbox from the opening key
        saved = open_read_model_view(rt).position(RECOVERY_NAME)
        requested_at = next(n.id for n in rt.ledger.recorder.select_notifications(1, 1000)
                            if n.topic == "kycledger.session.CheckRequested" and n.originator_id == stranded)
        assert saved == requested_at - 1  # the low-water mark: just before the stranded request
        assert decided not in {offer[1] for offer in queue.offers}

        restarted_queue = RecordingQueue()
        restarted = WorkRecovery(rt.ledger, open_read_model_view(rt), GRACE, clock=clock)  # a new process
        assert restarted.read_position == saved
        one_round(restarted, restarted_queue)
        assert [o[1] for o in restarted_queue.offers] == [stranded]

        with audit_context(tenant, "system:pipeline:sandbox", "req-2"):
            rt.ledger.record_check_result(tenant, stranded, 1, ocr())
            rt.ledger.record_check_result(tenant, stranded, 1, validation())  # every document read is validated
            decide(rt.ledger, tenant, stranded)
        clock.advance(10 * GRACE.total_seconds())
        one_round(restarted, restarted_queue)
        assert len(restarted_queue.offers) == 1  # decided: never offered again
        tip = rt.ledger.recorder.max_notification_id()
        assert open_read_model_view(rt).position(RECOVERY_NAME) == tip  # nothing open: the position is the tip
    finally:
        rt.close()


def test_a_session_the_ledger_shows_processed_is_closed_without_an_offer(tmp_path: Path) -> None:
    """The follower re-reads the session before offering: a decision it has not read yet still counts."""
    rt = open_ledger_at(tmp_path)
    clock = Clock()
    tenant = "ten_recovery2"
    try:
        with audit_context(tenant, "key:k2", "req-1"):
            sid = rt.ledger.create_session(tenant, SessionConfiguration.build(checks=["ocr"]))
            rt.ledger.request_checks(tenant, sid, ["ocr"])
        clock.now = max(e.timestamp for e in rt.ledger.events.get(sid)) + 2 * GRACE  # type: ignore[attr-defined]
        recovery = WorkRecovery(rt.ledger, open_read_model_view(rt), GRACE, clock=clock)
        recovery.follow()
        with audit_context(tenant, "system:pipeline", "req-2"):
            rt.ledger.cancel(tenant, sid, "customer_abandoned")
        assert recovery.due_offers() == [] and recovery.stats.closed_on_check == 1
    finally:
        rt.close()

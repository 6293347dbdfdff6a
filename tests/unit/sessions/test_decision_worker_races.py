"""The decision worker's exactly-once paths, in memory: duplicate delivery and a concurrent writer."""

from __future__ import annotations

import pytest

from domain.audit import audit_context
from domain.errors import InvalidArgumentError
from domain.sessions import SessionConfiguration
from ops.runners.decision_worker import DecisionWorker
from tests.unit.sessions.support import SessionTestLedger, face, liveness, ocr, validation

pytestmark = pytest.mark.unit

TENANT = "ten_w"


def ready_session(ledger: SessionTestLedger) -> object:
    with audit_context(TENANT, "api", "req"):
        sid = ledger.create_session(TENANT, SessionConfiguration.build())
        for r in (ocr(), validation(), liveness(), face(0.3), face(0.95)):  # face re-delivered
            ledger.record_check_result(TENANT, sid, 1, r)
    return sid


def decisions(ledger: SessionTestLedger, sid: object) -> list[object]:
    return [e for e in ledger.events.get(sid) if type(e).TOPIC == "kycledger.session.DecisionMade"]


def test_redelivered_notifications_do_not_decide_twice() -> None:
    ledger = SessionTestLedger()
    sid = ready_session(ledger)
    worker = DecisionWorker(ledger)
    worker.run_once()
    worker.position = 0  # as if the position were lost: everything is delivered again
    worker.run_once()
    assert worker.stats.decided == 1 and len(decisions(ledger, sid)) == 1
    assert decisions(ledger, sid)[0].outcome["score"] == 100.0  # the latest face result was read


def test_a_concurrent_writer_wins_and_the_worker_rereads_and_skips() -> None:
    ledger = SessionTestLedger()
    sid = ready_session(ledger)
    rival = DecisionWorker(ledger)
    worker = DecisionWorker(ledger)
    original_save = ledger.save
    raced = []

    def save_after_rival(*objs, **kw):
        if not raced:  # the rival stores its decision between our read and our write
            raced.append(True)
            rival.consider(sid)
        return original_save(*objs, **kw)

    ledger.save = save_after_rival  # type: ignore[method-assign]
    assert worker.consider(sid) is False
    assert worker.stats.conflicts == 1 and rival.stats.decided == 1
    assert len(decisions(ledger, sid)) == 1


def test_a_malformed_outcome_is_a_domain_error() -> None:
    ledger = SessionTestLedger()
    sid = ready_session(ledger)
    session = ledger.get_session(TENANT, sid)
    with pytest.raises(InvalidArgumentError):
        session.record_decision(1, "0" * 64, [], {"decision": "accepted", "route": "auto_approve"})

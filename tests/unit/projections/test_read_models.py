"""Read models projected from real session events into the in-memory reference view."""

from __future__ import annotations

import json

import pytest

from domain.audit import audit_context
from domain.errors import NotFoundError
from projections import queries
from projections.memory_view import InMemoryReadModelView
from projections.read_models import PROJECTION_NAME, apply_event
from projections.schema import ALL_TABLES, SESSION_SUBJECTS
from projections.view import LedgerEntry, StaleBatchError
from tests.unit.projections.support import (
    PII_NAME,
    entries,
    erase,
    meter,
    open_tenant,
    project,
    review_session,
    verified_session,
)
from tests.unit.sessions.support import SessionTestLedger, reviewer

pytestmark = pytest.mark.unit


@pytest.fixture
def ledger() -> SessionTestLedger:
    return SessionTestLedger()


@pytest.fixture
def view() -> InMemoryReadModelView:
    return InMemoryReadModelView()


def test_session_state_serves_status_checks_and_decision(ledger: SessionTestLedger,
                                                         view: InMemoryReadModelView) -> None:
    sid = verified_session(ledger, "ten_pro")
    project(ledger, view)
    with view.reader() as r:
        state = queries.session_state(r, "ten_pro", str(sid))
    assert state["status"] == "verified"
    assert {c: v["outcome"] for c, v in state["checks"].items()} == {
        "ocr": "pass", "data_validation": "pass", "face_match": "pass", "liveness": "pass"}
    assert state["decision"]["decision"] == "accepted" and state["decision"]["by"] == "policy"
    assert len(state["decision"]["policy_hash"]) == 64
    assert state["extracted_fields"] == ["full_name"]


def test_other_tenants_session_is_not_found(ledger: SessionTestLedger, view: InMemoryReadModelView) -> None:
    sid = verified_session(ledger, "ten_pro")
    project(ledger, view)
    with view.reader() as r, pytest.raises(NotFoundError):
        queries.session_state(r, "ten_other", str(sid))


def test_audit_timeline_lists_every_session_event_with_position_and_hash(
        ledger: SessionTestLedger, view: InMemoryReadModelView) -> None:
    sid = verified_session(ledger, "ten_pro")
    project(ledger, view)
    session_events = [e for e, _ in entries(ledger) if e.originator_id == sid]
    with view.reader() as r:
        timeline = queries.audit_timeline(r, "ten_pro", str(sid))
    assert [t["version"] for t in timeline] == [e.originator_version for e in session_events]
    assert all(t["entry_hash"] == "ab" * 32 and t["notification_id"] > 0 for t in timeline)
    assert timeline[-1]["topic"] == "kycledger.session.DecisionMade"
    assert timeline[-1]["summary"]["decision"] == "accepted"


def test_manual_review_queue_follows_request_claim_and_decision(ledger: SessionTestLedger,
                                                               view: InMemoryReadModelView) -> None:
    sid = review_session(ledger, "ten_pro")
    project(ledger, view)
    with view.reader() as r:
        queue = queries.review_queue(r, "ten_pro")
    assert [q["session_id"] for q in queue] == [str(sid)] and queue[0]["claimed_by"] is None
    with audit_context("ten_pro", "reviewer:r1", "req-claim"):
        ledger.claim_review("ten_pro", sid, reviewer("r1"))
    project(ledger, view)
    with view.reader() as r:
        assert queries.review_queue(r, "ten_pro")[0]["claimed_by"] == "r1"
    with audit_context("ten_pro", "reviewer:r1", "req-decide"):
        ledger.decide_review("ten_pro", sid, reviewer("r1"), "accepted", "documents_ok")
    project(ledger, view)
    with view.reader() as r:
        assert queries.review_queue(r, "ten_pro") == []
        state = queries.session_state(r, "ten_pro", str(sid))
    assert state["status"] == "verified" and state["decision"]["by"] == "reviewer"


def test_invoice_lines_list_their_events_and_sandbox_is_never_billed(ledger: SessionTestLedger,
                                                                    view: InMemoryReadModelView) -> None:
    for n, module in enumerate(["ocr", "ocr", "face_match", "liveness"]):
        meter(ledger, "ten_pro", module, f"call-{n}")
    meter(ledger, "ten_pro", "ocr", "call-sbx", sandbox=True)
    project(ledger, view)
    usage = [(f"{e.originator_id}:{e.originator_version}", e) for e, _ in entries(ledger)]
    month = usage[0][1].period
    with view.reader() as r:
        bill = queries.invoice(r, "ten_pro", month)
        live, sandbox = queries.quota_usage(r, "ten_pro", month), queries.quota_usage(r, "ten_pro", month, True)
    by_module = {line["module"]: line for line in bill["lines"]}
    assert sorted(by_module["ocr"]["event_ids"]) == sorted(i for i, e in usage if e.module == "ocr" and e.billed)
    assert by_module["ocr"]["quantity"] == 2 and by_module["ocr"]["amount_micros"] == 2 * 120_000  # Pro: top of range
    assert bill["total_micros"] == 2 * 120_000 + 50_000 + 30_000
    assert all(i != usage[-1][0] for line in bill["lines"] for i in line["event_ids"])  # sandbox call absent
    assert live == {"ocr": 2, "face_match": 1, "liveness": 1} and sandbox == {"ocr": 1}


def test_erasure_is_registered_and_the_subject_links_are_purged(ledger: SessionTestLedger,
                                                               view: InMemoryReadModelView) -> None:
    sid = verified_session(ledger, "ten_pro", subject="subj_9")
    project(ledger, view)
    with view.reader() as r:
        assert queries.subjects_of_session(r, "ten_pro", str(sid)) == ["subj_9"]
    erase(ledger, "ten_pro", "subj_9")
    project(ledger, view)
    with view.reader() as r:
        register = queries.erasure_register(r, "ten_pro")
        assert r.select(SESSION_SUBJECTS, {"subject_id": "subj_9"}) == []
    assert [(e["subject_id"], e["key_id"], e["reason"]) for e in register] == [("subj_9", "sdk_1", "gdpr_art17")]


def test_no_table_holds_personal_values(ledger: SessionTestLedger, view: InMemoryReadModelView) -> None:
    verified_session(ledger, "ten_pro")
    project(ledger, view)
    assert PII_NAME not in json.dumps(view.dump())


def test_a_batch_is_applied_once_and_a_failed_batch_leaves_nothing(ledger: SessionTestLedger,
                                                                   view: InMemoryReadModelView) -> None:
    verified_session(ledger, "ten_pro")
    batch = entries(ledger)
    end = batch[-1][1].notification_id
    with pytest.raises(RuntimeError), view.transaction(PROJECTION_NAME, end) as tx:
        apply_event(*batch[0], tx)
        raise RuntimeError("crash mid-batch")
    assert view.position(PROJECTION_NAME) == 0 and all(not rows for rows in view.dump().values())
    project(ledger, view)
    before = view.dump()
    with pytest.raises(StaleBatchError), view.transaction(PROJECTION_NAME, end):
        pass
    assert view.dump() == before


def test_rebuild_from_zero_reproduces_every_table(ledger: SessionTestLedger, view: InMemoryReadModelView) -> None:
    open_tenant(ledger, "ten_pro", "pro")
    meter(ledger, "ten_pro", "ocr", "call-1")
    verified_session(ledger, "ten_pro")
    review_session(ledger, "ten_pro")
    erase(ledger, "ten_pro", "subj_1")
    for event, entry in entries(ledger):  # one event per batch, as a live runner would see them
        with view.transaction(PROJECTION_NAME, entry.notification_id) as tx:
            apply_event(event, entry, tx)
    live = view.dump()
    view.reset()
    project(ledger, view)
    assert view.dump() == live
    assert {t.name for t in ALL_TABLES} == set(live) and sum(len(v) for v in live.values()) > 20


def test_unknown_columns_are_refused(view: InMemoryReadModelView) -> None:
    from projections.schema import TENANTS

    with pytest.raises(KeyError), view.transaction("x", 1) as tx:
        tx.upsert(TENANTS, {"tenant_id": "t"})


def test_ledger_entry_payload_shape() -> None:
    assert LedgerEntry(3, 2, "ff").as_dict == {"notification_id": 3, "position": 2, "entry_hash": "ff"}

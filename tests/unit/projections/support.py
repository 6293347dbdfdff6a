"""Drive a session ledger in memory and project its log into an ``InMemoryReadModelView``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from domain.audit import audit_context
from domain.checks import CheckType, Outcome
from domain.personal_data import PersonalData
from domain.sessions import SessionConfiguration
from domain.subjects import DataSubject, KeyDestruction
from domain.tenancy import Plan, Tenant
from domain.usage import Module, UsageRecord, billing_period, price_micro_usd
from projections.memory_view import InMemoryReadModelView
from projections.read_models import PROJECTION_NAME, apply_event
from projections.view import LedgerEntry
from tests.unit.sessions.support import SHA, SessionTestLedger, decide, face, liveness, ocr, result, validation

FAKE_HASH = "ab" * 32
PII_NAME = "Wilhelmina Featherstonehaugh"


def entries(ledger: SessionTestLedger, after: int = 0) -> list[tuple[Any, LedgerEntry]]:
    """Every event after ``after`` with a ledger entry (in memory: position = notification id)."""
    notifications = ledger.recorder.select_notifications(after + 1, 10_000)
    return [(ledger.mapper.to_domain_event(n), LedgerEntry(n.id, n.id, FAKE_HASH)) for n in notifications]


def project(ledger: SessionTestLedger, view: InMemoryReadModelView) -> None:
    """Apply whatever the view has not seen yet, in one batch."""
    batch = entries(ledger, view.position(PROJECTION_NAME))
    if batch:
        with view.transaction(PROJECTION_NAME, batch[-1][1].notification_id) as tx:
            for event, entry in batch:
                apply_event(event, entry, tx)


def open_tenant(ledger: SessionTestLedger, tenant_id: str, plan: str) -> None:
    with audit_context("platform", "operator:test", f"tenant-{tenant_id}"):
        ledger.save(Tenant(tenant_id_public=tenant_id, name=tenant_id, plan=plan))


def verified_session(ledger: SessionTestLedger, tenant: str, subject: str = "subj_1") -> Any:
    """A session with captures, extracted personal data, three passing checks and a decision."""
    with audit_context(tenant, "client:test", "req-s"):
        sid = ledger.create_session(tenant, SessionConfiguration.build(checks=["ocr", "face_match", "liveness"]))
        ledger.record_capture(tenant, sid, "document_front", SHA, "blob://front", {"focus": 0.9})
        ledger.request_check(tenant, sid, "ocr")
        ledger.record_extracted_data(tenant, sid, 1, {"full_name": PersonalData.of(subject, PII_NAME)})
        for check in (ocr(), validation(), face(0.93), liveness()):
            ledger.record_check_result(tenant, sid, 1, check)
        decide(ledger, tenant, sid)
    return sid


def review_session(ledger: SessionTestLedger, tenant: str) -> Any:
    """A session whose weak face match and uncertain liveness route it to manual review."""
    with audit_context(tenant, "client:test", "req-r"):
        sid = ledger.create_session(tenant, SessionConfiguration.build(checks=["ocr", "face_match", "liveness"],
                                                                       max_retries=0))
        ledger.record_check_result(tenant, sid, 1, ocr())
        ledger.record_check_result(tenant, sid, 1, validation())
        ledger.record_check_result(tenant, sid, 1, face(0.5, Outcome.UNCERTAIN))
        ledger.record_check_result(tenant, sid, 1, liveness(Outcome.UNCERTAIN))
        ledger.record_check_result(tenant, sid, 1, result(CheckType.OCR, Outcome.PASS))
        decide(ledger, tenant, sid)
    return sid


def meter(ledger: SessionTestLedger, tenant: str, module: str, call: str, *, sandbox: bool = False,
          plan: Plan = Plan.PRO) -> None:
    """Record one call's usage as the API does (priced by domain.usage)."""
    with audit_context(tenant, "client:test", call):
        m = Module(module)
        ledger.save(UsageRecord(owner_tenant_id=tenant, key_id="key_1", module=module,
                                period=billing_period(ledger.now()), sandbox=sandbox, billed=not sandbox,
                                price_micro_usd=price_micro_usd(plan, m, not sandbox), used_in_period=1,
                                call_id=call))


def erase(ledger: SessionTestLedger, tenant: str, subject: str) -> None:
    with audit_context(tenant, "operator:test", "req-erase"):
        subj = DataSubject(owner_tenant_id=tenant, subject_id=subject)
        subj.record_erasure(KeyDestruction(subject, "sdk_1", datetime(2025, 1, 16, tzinfo=UTC)), "gdpr_art17")
        ledger.save(subj)

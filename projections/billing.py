"""Usage metering, invoice lines and quota counters (seed 001 sections 7, 15 and 16).

One metered event per completed check. Modules are seed 001 section 15's enum where a check maps
onto one (``fraud``, ``data_validation`` and ``age_verification`` are document validation);
``kya`` and ``screening`` are metered under their own names. Prices are integer micro-USD: the
lower bound of each range in seed 001 section 16 (the "example" list price; a tenant contract
would replace this table); modules without a price there are metered at 0. Tenants on the Free
plan are the sandbox (seed 001 section 7) and are never billed; their calls still count against
quotas. Until ``domain/usage.py`` lands, usage is derived from ``CheckCompleted`` events.
"""

from __future__ import annotations

from typing import Any

from domain.checks import CheckType
from domain.tenancy import Plan
from projections.schema import INVOICE_LINES, QUOTA_COUNTERS, TENANTS, USAGE
from projections.view import LedgerEntry, ViewTransaction

CHECK_MODULE: dict[CheckType, str] = {
    CheckType.LIVENESS: "liveness",
    CheckType.OCR: "ocr",
    CheckType.DATA_VALIDATION: "validate",
    CheckType.FRAUD: "validate",
    CheckType.AGE_VERIFICATION: "validate",
    CheckType.FACE_MATCH: "face_match",
    CheckType.KYA: "kya",
    CheckType.SCREENING: "screening",
}
"""``quality`` is a capture gate run on every upload, not a module a client calls: not metered."""

PRICE_MICROS: dict[str, int] = {"liveness": 10_000, "ocr": 50_000, "validate": 10_000, "face_match": 20_000}


def month_of(event: Any) -> str:
    return f"{event.timestamp:%Y-%m}"


def is_sandbox(tx: ViewTransaction, tenant_id: str) -> bool:
    row = tx.get(TENANTS, (tenant_id,))
    return bool(row and row["sandbox"])


def record_tenant(tx: ViewTransaction, tenant_id: str, aggregate_id: str, plan: str,
                  suspended: bool = False) -> None:
    tx.upsert(TENANTS, {"tenant_id": tenant_id, "aggregate_id": aggregate_id, "plan": plan,
                        "sandbox": int(plan == Plan.FREE), "suspended": int(suspended)})


def meter_check(tx: ViewTransaction, event: Any, entry: LedgerEntry, event_id: str) -> None:
    """Meter one completed check: usage row, quota counter and (unless sandbox) invoice line."""
    module = CHECK_MODULE.get(CheckType(event.result["check"]))
    if module is None:
        return
    tenant, month = event.tenant_id, month_of(event)
    billed = not is_sandbox(tx, tenant)
    price = PRICE_MICROS.get(module, 0)
    tx.upsert(USAGE, {"event_id": event_id, "tenant_id": tenant, "module": module, "month": month,
                      "session_id": str(event.originator_id), "billed": int(billed), "unit_price_micros": price,
                      "position": entry.position})
    counter = tx.get(QUOTA_COUNTERS, (tenant, module, month))
    tx.upsert(QUOTA_COUNTERS, {"tenant_id": tenant, "module": module, "month": month,
                               "used": (counter["used"] if counter else 0) + 1})
    if not billed:
        return
    line = tx.get(INVOICE_LINES, (tenant, month, module))
    event_ids = [*(line["event_ids"] if line else []), event_id]
    tx.upsert(INVOICE_LINES, {"tenant_id": tenant, "month": month, "module": module, "quantity": len(event_ids),
                              "unit_price_micros": price, "amount_micros": price * len(event_ids),
                              "event_ids": event_ids})
